"""Read paths of the case file: the hearing's documents, what can be generated, a
document's bytes for a download and the case file as one ZIP with its manifest.

Each reads in a fixed number of queries whatever the number of documents; the bytes are
read only for a download or the ZIP (the lists defer them).
"""

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.errors import Forbidden, NotFound
from courtvcs.hearings import access as hearing_access
from courtvcs.hearings.choices import ActStatus
from courtvcs.hearings.models import Hearing, TimelineEvent

from . import access
from .choices import FILE_STEM, DocumentKind
from .models import Document

KIND_ORDER = list(DocumentKind.values)
LISTED_FIELDS = ("id", "hearing_id", "kind", "source_id", "language", "version", "is_draft", "pdf_sha256",
                 "pdf_size", "docx_sha256", "docx_size", "created_at", "created_by", "frozen", "frozen_at")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _sort_key(doc: Document):
    return (KIND_ORDER.index(doc.kind), doc.source_id, doc.language, doc.version)


def _hearing_for_reader(user, hearing_id: int) -> Hearing:
    """The hearing if `user` sees it (404 otherwise) and has some part in its documents (403)."""
    hearing = hearing_access.get_visible(user, hearing_id)
    if not (access.is_court_staff(user, hearing) or access.is_outside_reader(user)):
        raise Forbidden(_("The case file is kept by the court hearing the case; your role does not open it."))
    return hearing


def documents(user, hearing_id: int) -> list[Document]:
    """The hearing's documents `user` may read, without their bytes, in case-file order."""
    return _listed(user, _hearing_for_reader(user, hearing_id))


def _listed(user, hearing: Hearing) -> list[Document]:
    docs = list(access.readable(user, hearing).select_related("created_by").only(
        *LISTED_FIELDS, "created_by__username", "created_by__first_name", "created_by__last_name",
        "created_by__middle_name"))
    latest: dict[tuple, int] = {}
    for doc in docs:
        key = (doc.kind, doc.source_id, doc.language)
        latest[key] = max(latest.get(key, 0), doc.version)
    for doc in docs:
        doc.is_latest = doc.version == latest[(doc.kind, doc.source_id, doc.language)]
    return sorted(docs, key=_sort_key)


@dataclass
class Generable:
    """A document the hearing's records give, and whether this person may make it."""

    kind: str
    source_id: int
    label: str
    may_generate: bool
    awaits_freezing: bool = False  # R18: signed by all three, but no frozen version yet

    @property
    def title(self) -> str:
        return str(DocumentKind(self.kind).label)


def generable(user, hearing: Hearing, docs: list[Document]) -> list[Generable]:
    """The papers the hearing's records give (R13, R18, R21, R24), in case-file order."""
    from courtvcs.suspensions.models import SuspendedHearing

    frozen_acts = {d.source_id for d in docs if d.kind == DocumentKind.ACT and d.frozen}
    items = []

    def add(kind, source_id, label, reader_org_id=None, **extra):
        if access.may_read(user, hearing, kind, reader_org_id):
            items.append(Generable(kind, source_id, label,
                                   access.may_generate(user, hearing, kind, reader_org_id), **extra))

    for ts in hearing.test_sessions.select_related("remote_site__endpoint__organisation").order_by("requested_at", "id"):
        add(DocumentKind.TEST_SESSION_REQUEST, ts.pk,
            _("Test-session request of %(date)s: %(site)s") % {
                "date": kztime.format_local(ts.requested_at), "site": ts.remote_site.endpoint.organisation.name})
    for letter in hearing.letters.select_related("recipient_org").order_by("sent_at", "id"):
        add(DocumentKind.LETTER, letter.pk, _("Letter of %(date)s to %(org)s") % {
            "date": kztime.format_local(letter.sent_at), "org": letter.recipient_org.name}, letter.recipient_org_id)
    for act in hearing.acts.order_by("created_at", "id"):
        signed = act.status == ActStatus.SIGNED
        add(DocumentKind.ACT, act.pk, (_("Act of %(date)s, signed by all three") if signed else
                                      _("Act of %(date)s, waiting for signatures (draft)"))
            % {"date": kztime.format_local(act.created_at)},
            awaits_freezing=signed and act.pk not in frozen_acts)
    if TimelineEvent.objects.filter(hearing=hearing, kind="connect").exists():
        add(DocumentKind.PROTOCOL_MARK, 0, _("Protocol mark: VCS used in the hearing"))
    for caught in (SuspendedHearing.objects.filter(hearing=hearing).select_related("suspension__institution")
                   .order_by("suspension__starts_at", "id")):
        s = caught.suspension
        add(DocumentKind.SUSPENSION_NOTICE, s.pk, _("Suspension at %(org)s from %(date)s") % {
            "org": s.institution.name, "date": kztime.format_local(s.starts_at)}, s.institution_id)
    return items


def case_file_page(user, hearing_id: int) -> dict:
    hearing = _hearing_for_reader(user, hearing_id)
    docs = _listed(user, hearing)
    return {"hearing": hearing, "documents": docs, "generable": generable(user, hearing, docs)}


def case_slug(case_number: str) -> str:
    """The case number as a file name: letters, digits, dots and dashes ("1-101/2026" -> "1-101-2026")."""
    return re.sub(r"[^\w.-]+", "-", case_number).strip("-.") or "case"


def file_name(doc: Document, fmt: str, case_number: str) -> str:
    """A readable name: 1-101-2026_act-7_ru_v1.pdf."""
    case = case_slug(case_number)
    what = FILE_STEM[DocumentKind(doc.kind)] + (f"-{doc.source_id}" if doc.source_id else "")
    return f"{case}_{what}_{doc.language}_v{doc.version}.{fmt}"


def for_download(user, document_id: int, fmt: str) -> tuple[bytes, str, str, Document]:
    """(bytes, file name, content type, document) if `user` may read it."""
    if fmt not in CONTENT_TYPES:
        raise NotFound(_("No such format: choose pdf or docx."))
    doc = Document.objects.filter(pk=document_id).only("id", "hearing_id").first()
    if doc is None:
        raise NotFound(_("No such document, or it is not yours to see."))
    try:
        hearing = _hearing_for_reader(user, doc.hearing_id)
    except NotFound:
        raise NotFound(_("No such document, or it is not yours to see.")) from None
    doc = access.readable(user, hearing).filter(pk=document_id).first()
    if doc is None:
        raise Forbidden(_("This document is not addressed to your organisation."))
    data = bytes(getattr(doc, fmt))
    return data, file_name(doc, fmt, hearing.case_number), CONTENT_TYPES[fmt], doc


def one(user, document_id: int) -> Document:
    doc = Document.objects.filter(pk=document_id).only("id", "hearing_id").first()
    if doc is None:
        raise NotFound(_("No such document, or it is not yours to see."))
    try:
        hearing = _hearing_for_reader(user, doc.hearing_id)
    except NotFound:
        raise NotFound(_("No such document, or it is not yours to see.")) from None
    found = access.readable(user, hearing).only(*LISTED_FIELDS).filter(pk=document_id).first()
    if found is None:
        raise Forbidden(_("This document is not addressed to your organisation."))
    return found


# ---- the case file as one ZIP ---------------------------------------------------------------

def _iso(moment: dt.datetime | None) -> str | None:
    return kztime.local(moment).isoformat() if moment else None


def case_file_zip(user, hearing_id: int) -> tuple[bytes, str]:
    """The hearing's documents this person may read, every version, with manifest.json and
    manifest.txt listing each file, its kind, language, version, size and SHA-256."""
    hearing = _hearing_for_reader(user, hearing_id)
    docs = sorted(access.readable(user, hearing).select_related("created_by"), key=_sort_key)
    latest: dict[tuple, int] = {}
    for doc in docs:
        key = (doc.kind, doc.source_id, doc.language)
        latest[key] = max(latest.get(key, 0), doc.version)
    now = kztime.now()
    folder = f"case-file_{case_slug(hearing.case_number)}_hearing-{hearing.pk}"
    entries = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for doc in docs:
            stamp = kztime.local(doc.created_at).timetuple()[:6]
            for fmt in ("pdf", "docx"):
                data = bytes(getattr(doc, fmt))
                name = f"documents/{file_name(doc, fmt, hearing.case_number)}"
                info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
                entries.append({
                    "file": name, "format": fmt, "kind": doc.kind, "title": str(DocumentKind(doc.kind).label),
                    "source_id": doc.source_id, "language": doc.language, "version": doc.version,
                    "latest": doc.version == latest[(doc.kind, doc.source_id, doc.language)],
                    "draft": doc.is_draft, "frozen": doc.frozen, "frozen_at": _iso(doc.frozen_at),
                    "created_at": _iso(doc.created_at),
                    "created_by": doc.created_by.display_name if doc.created_by else "",
                    "size": len(data), "sha256": getattr(doc, f"{fmt}_sha256")})
        manifest = {
            "case_number": hearing.case_number, "hearing_id": hearing.pk, "court": hearing.court.name,
            "hearing_starts_at": _iso(hearing.starts_at), "generated_at": _iso(now),
            "generated_by": user.display_name, "time_zone": "Asia/Almaty (UTC+5)",
            "documents": entries,
        }
        archive.writestr(zipfile.ZipInfo(f"{folder}/manifest.json", date_time=kztime.local(now).timetuple()[:6]),
                         json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr(zipfile.ZipInfo(f"{folder}/manifest.txt", date_time=kztime.local(now).timetuple()[:6]),
                         _manifest_text(manifest))
    return buffer.getvalue(), f"{folder}.zip"


def _manifest_text(manifest: dict) -> str:
    lines = [
        _("Case file of case %(case)s") % {"case": manifest["case_number"]},
        f"{_('Court')}: {manifest['court']}",
        f"{_('Hearing')}: {manifest['hearing_starts_at']}",
        f"{_('Made')}: {manifest['generated_at']} ({manifest['generated_by']})",
        _("Times are Kazakhstan time (UTC+5). Check a file with: sha256sum <file>"),
        "",
    ]
    for e in manifest["documents"]:
        state = _("frozen") if e["frozen"] else _("draft") if e["draft"] else ""
        lines.append(f"{e['file']}")
        lines.append(f"    {e['title']} | {e['language']} | v{e['version']}{' | ' + state if state else ''}"
                     f" | {e['size']} B | {e['created_at']}")
        lines.append(f"    SHA-256 {e['sha256']}")
    if not manifest["documents"]:
        lines.append(_("No documents."))
    return "\n".join(lines) + "\n"
