"""Making the documents of a hearing and attaching them to its case file (R13, R18, R21, R24).

Every generation makes a new version of the document in both languages, Kazakh and
Russian, each as PDF and DOCX, and keeps the earlier versions as they were. An act signed
by all three (R18) is generated frozen: its SHA-256 is stored with it and the database
refuses to change the row; an act still waiting for signatures is a draft, marked so on
every page. The third signature freezes the act by itself (freeze_act_after_commit, called
by hearings.services.hearing_day.sign_act).

The rendering (a few hundred milliseconds) happens outside the transaction; the version
numbers are checked again under the hearing's row lock and the rare document that lost a
race for its number is rendered again there, so no lock is held while PDFs are made in
the usual case.
"""

import hashlib
import logging

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record
from courtvcs.errors import InvalidInput
from courtvcs.hearings import access as hearing_access
from courtvcs.hearings.choices import ActStatus
from courtvcs.hearings.models import Act, Hearing

from . import contexts
from .access import authorize_generate, authorize_generate_kind
from .choices import RULE_OF_KIND, DocumentKind
from .models import Document
from .rendering import render

log = logging.getLogger(__name__)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _kind(kind: str) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError:
        raise InvalidInput(_("Unknown kind of document."),
                           {"kind": _("Choose one of: %(values)s.") % {"values": ", ".join(DocumentKind.values)}}) from None


def _next_versions(source: contexts.Source) -> dict[str, int]:
    latest = dict(Document.objects.filter(hearing=source.hearing, kind=source.kind, source_id=source.source_id)
                  .order_by().values("language").annotate(v=Max("version")).values_list("language", "v"))
    return {lang: latest.get(lang, 0) + 1 for lang in contexts.LANGUAGES}


def _render(source: contexts.Source, language: str, version: int, now) -> tuple[bytes, bytes]:
    return render(source.kind, language, contexts.context(source, language, version=version, generated_at=now))


def _store(source: contexts.Source, actor, *, unless_frozen: bool = False) -> list[Document]:
    now = kztime.now()
    expected = _next_versions(source)
    rendered = {lang: _render(source, lang, expected[lang], now) for lang in contexts.LANGUAGES}
    frozen = source.kind == DocumentKind.ACT and not source.is_draft
    rule = RULE_OF_KIND[source.kind]
    with transaction.atomic():
        # One generation at a time per hearing: the version numbers stay 1, 2, 3...
        Hearing.objects.select_for_update().filter(pk=source.hearing.pk).first()
        if unless_frozen:
            done = frozen_act_documents(source.source_id, source.hearing.pk)
            if done:  # frozen meanwhile by another call
                return done
        versions = _next_versions(source)
        documents = []
        for lang in contexts.LANGUAGES:
            if versions[lang] != expected[lang]:  # another generation took the number meanwhile
                rendered[lang] = _render(source, lang, versions[lang], now)
            pdf, docx = rendered[lang]
            doc = Document.objects.create(
                hearing=source.hearing, kind=source.kind, source_id=source.source_id, language=lang,
                version=versions[lang], is_draft=source.is_draft,
                pdf=pdf, pdf_sha256=_sha256(pdf), pdf_size=len(pdf),
                docx=docx, docx_sha256=_sha256(docx), docx_size=len(docx),
                created_at=now, created_by=actor, frozen=frozen, frozen_at=now if frozen else None)
            audit_record(actor=actor, action="document_frozen" if frozen else "document_generated", obj=doc,
                         hearing_id=source.hearing.pk, rule=rule,
                         after={"kind": doc.kind, "source_id": doc.source_id, "language": lang,
                                "version": doc.version, "draft": doc.is_draft, "frozen": frozen,
                                "pdf_sha256": doc.pdf_sha256, "docx_sha256": doc.docx_sha256})
            documents.append(doc)
    return documents


def generate(*, actor, hearing_id: int, kind: str, source_id: int | None = None) -> list[Document]:
    """Make the document about `source_id` (the test session, letter, act or suspension;
    none for the protocol mark) in Kazakh and Russian, as a new version of each."""
    kind = _kind(kind)
    hearing = hearing_access.get_visible(actor, hearing_id)  # NotFound for a hearing not theirs
    authorize_generate_kind(actor, hearing, kind)
    source = contexts.load(hearing.pk, kind, source_id)
    authorize_generate(actor, source.hearing, kind, source.reader_org_id)
    return _store(source, actor)


def frozen_act_documents(act_id: int, hearing_id: int) -> list[Document]:
    return list(Document.objects.filter(hearing_id=hearing_id, kind=DocumentKind.ACT, source_id=act_id,
                                        frozen=True).defer("pdf", "docx"))


def freeze_act(*, act_id: int, actor=None) -> list[Document]:
    """R18: the act signed by all three, generated frozen, once (a second call finds it)."""
    act = Act.objects.filter(pk=act_id).first()
    if act is None or act.status != ActStatus.SIGNED:
        return []
    done = frozen_act_documents(act.pk, act.hearing_id)
    if {d.language for d in done} >= set(contexts.LANGUAGES):
        return done
    source = contexts.load(act.hearing_id, DocumentKind.ACT, act.pk)
    return _store(source, actor, unless_frozen=True)


def freeze_act_after_commit(act: Act, actor) -> None:
    """Called by sign_act at the third signature. The documents are made once the signatures
    are committed, not inside that transaction: the signature is the legal fact and must
    never be refused because a PDF could not be made, and the write lock is not held while
    the PDFs are rendered. The signed act no longer changes, so the frozen text is the same
    as it would have been inside; if the rendering fails, the case file page shows the act
    as not yet frozen and generating it (or the freeze_signed_acts task) freezes it."""
    act_id, actor_id = act.pk, getattr(actor, "pk", None)

    def freeze() -> None:
        from courtvcs.orgs.models import User

        freeze_act(act_id=act_id, actor=User.objects.filter(pk=actor_id).first() if actor_id else None)

    transaction.on_commit(freeze, robust=True)


def freeze_signed_acts(*, limit: int = 100) -> int:
    """Catch up on signed acts whose documents were not frozen (the renderer was down)."""
    frozen = Document.objects.filter(kind=DocumentKind.ACT, frozen=True).values("source_id")
    count = 0
    for act_id in (Act.objects.filter(status=ActStatus.SIGNED).exclude(pk__in=frozen)
                   .order_by("signed_at", "id").values_list("pk", flat=True)[:limit]):
        try:
            freeze_act(act_id=act_id)
            count += 1
        except Exception:  # noqa: BLE001 - one act's failure must not stop the others
            log.exception("could not freeze the documents of act %s", act_id)
    return count
