"""What each document says, read from the hearing's records: the selectors of the
document texts.

Each kind has a loader that reads its records once, in a fixed number of queries, and
returns a Source: the record the document is about, whether the document is a draft,
the organisation (besides the court) that may read it, and a function that tells the
facts in a language. A context holds only strings, numbers, booleans and lists or dicts
of them: times already in Kazakhstan time, names already chosen, labels already in the
document's language (terms.<lang>.json), an absent value as "" (the templates draw a blank
line or a dash), never None.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.errors import InvalidInput, RuleViolation
from courtvcs.hearings.choices import ActStatus, ParticipationMode, Signatory, TestSessionStatus
from courtvcs.hearings.models import (
    Act, ActSignature, AttendanceCheck, Hearing, Letter, Participant, RemoteSite, TestSession,
    TimelineEvent,
)
from courtvcs.orgs.choices import EndpointKind

from .choices import DocumentKind, DocumentLanguage
from .rendering import load_terms

LANGUAGES = tuple(DocumentLanguage.values)

# R18: what was tried between the fault report and the act.
ACT_EVENTS = ("fault_reported", "fault_fixed", "vcs_impossible", "declare_break", "reconnect",
              "site_lost", "site_reconnected", "site_reconnect_requested", "link_degraded",
              "link_restored", "break_prompted", "mobile_participants_informed", "test_failed")
# R21: the course of the session as the protocol records it (R20 checks are listed apart).
PROTOCOL_EVENTS = ("connect", "call_in", "site_lost", "site_reconnected", "site_reconnect_requested",
                   "break_prompted", "declare_break", "reconnect", "mobile_link_opened",
                   "fault_reported", "fault_fixed", "vcs_impossible", "adjourn", "suspend", "close")
SITES = Prefetch("remote_sites", queryset=RemoteSite.objects.select_related("endpoint__organisation"))


@dataclass
class Source:
    kind: str
    source_id: int  # 0 for the protocol mark: the hearing itself
    hearing: Hearing
    is_draft: bool
    # Besides the court's staff, the organisation that may read it: the letter's recipient,
    # the suspended institution.
    reader_org_id: int | None
    facts: Callable[[str, dict], dict]


# ---- telling times, names and places ------------------------------------------------------

def at(moment: dt.datetime | None) -> str:
    return kztime.format_local(moment)


def day(moment: dt.datetime | None) -> str:
    return "" if moment is None else kztime.local(moment).strftime("%d.%m.%Y")


def clock(moment: dt.datetime | None) -> str:
    return "" if moment is None else kztime.local(moment).strftime("%H:%M")


def in_words(moment: dt.datetime | None, language: str, terms: dict) -> str:
    """«3 декабря 2026 года», «2026 жылғы 3 желтоқсан»."""
    if moment is None:
        return ""
    d = kztime.local(moment).date()
    month = terms["months"][d.month - 1]
    return f"{d.year} жылғы {d.day} {month}" if language == "kk" else f"{d.day} {month} {d.year} года"


def org_name(org, language: str) -> str:
    return getattr(org, f"name_{language}", "") or org.name_ru or org.name_en


def person(user) -> str:
    return user.display_name if user is not None else ""


def room(endpoint, terms: dict) -> str:
    key = "courtroom" if endpoint.kind == EndpointKind.COURTROOM else "room"
    return terms["site"][key] % {"room": endpoint.room_number}


def site_name(site: RemoteSite, language: str, terms: dict) -> str:
    return f"{org_name(site.endpoint.organisation, language)}, {room(site.endpoint, terms)}"


def label(terms: dict, group: str, value: str) -> str:
    return terms.get(group, {}).get(value, value.replace("_", " "))


def _site_labels(hearing: Hearing, sites: list[RemoteSite], participants: list[Participant],
                 language: str, terms: dict) -> dict[str, str]:
    """The call's sites as the timeline names them ("remote-3", "mobile-7", "courtroom")."""
    labels = {"courtroom": f"{org_name(hearing.court, language)}, {room(hearing.courtroom, terms)}"}
    for site in sites:
        labels[f"remote-{site.pk}"] = site_name(site, language, terms)
    for p in participants:
        if p.mode == ParticipationMode.MOBILE_VCS:
            labels[f"mobile-{p.pk}"] = terms["site"]["mobile"] % {
                "role": label(terms, "procedural_role", p.procedural_role), "name": p.full_name}
    return labels


def _event_line(event: TimelineEvent, labels: dict[str, str], terms: dict) -> dict:
    data = event.data or {}
    detail = ""
    if event.kind == "fault_reported":
        detail = data.get("description", "")
    elif event.kind == "fault_fixed":
        detail = data.get("resolution", "")
    elif event.kind in {"vcs_impossible", "declare_break", "adjourn"}:
        detail = data.get("reason", "") or ""
    elif "sender" in data and "receiver" in data:
        detail = f"{labels.get(data['sender'], data['sender'])} → {labels.get(data['receiver'], data['receiver'])}"
    elif isinstance(data.get("site"), str):
        detail = labels.get(data["site"], "")
    elif event.kind == "mobile_link_opened":
        detail = labels.get(f"mobile-{data.get('participant')}", "")
    who = ""
    if event.actor is not None:
        who = f"{label(terms, 'role', event.actor.role)} {person(event.actor)}".strip()
    return {"kind": event.kind, "at": at(event.at), "time": clock(event.at), "date": day(event.at),
            "text": label(terms, "event", event.kind), "detail": str(detail), "who": who}


def _hearing(hearing_id: int) -> Hearing:
    return Hearing.objects.select_related("court__region", "courtroom", "judge", "secretary").get(pk=hearing_id)


def common(source: Source, language: str, terms: dict, *, version: int,
           generated_at: dt.datetime) -> dict:
    """What every document shows: the court, the hearing, the document's own data."""
    h = source.hearing
    return {
        "terms": terms,
        "court": {"name": org_name(h.court, language), "region": org_name(h.court.region, language)},
        "hearing": {
            "case_number": h.case_number,
            "category": label(terms, "category", h.category),
            "instance": label(terms, "instance", h.instance),
            "starts_at": at(h.starts_at), "date": day(h.starts_at), "time": clock(h.starts_at),
            "date_words": in_words(h.starts_at, language, terms),
            "duration_minutes": h.duration_minutes,
            "courtroom": room(h.courtroom, terms),
            "judge": person(h.judge), "secretary": person(h.secretary),
            "decided_at": at(h.decided_at),
        },
        "doc": {"kind": source.kind, "language": language, "version": version, "draft": source.is_draft,
                "generated_at": at(generated_at)},
    }


def context(source: Source, language: str, *, version: int, generated_at: dt.datetime) -> dict:
    terms = load_terms(language)
    ctx = common(source, language, terms, version=version, generated_at=generated_at)
    facts = source.facts(language, terms)
    ctx["doc"].update(facts.pop("doc", {}))
    ctx.update(facts)
    return ctx


# ---- R13: the test-session request --------------------------------------------------------

def test_session_request(hearing: Hearing, source_id: int) -> Source:
    ts = (TestSession.objects.filter(hearing=hearing, pk=source_id)
          .select_related("remote_site__endpoint__organisation", "requested_by", "technician").first())
    if ts is None:
        raise InvalidInput(_("No such test session in this hearing."),
                           {"source_id": _("Not a test session of this hearing.")})
    # must_be_held_before is the start of the hearing's day: the last day is the one before.
    last_day = ts.must_be_held_before - dt.timedelta(microseconds=1)

    def facts(language: str, terms: dict) -> dict:
        done = ts.status in {TestSessionStatus.PASSED, TestSessionStatus.FAILED}
        return {
            "doc": {"number": str(ts.pk), "date": day(ts.requested_at),
                    "date_words": in_words(ts.requested_at, language, terms)},
            "request": {"requested_at": at(ts.requested_at), "requested_by": person(ts.requested_by),
                        "deadline": day(last_day)},
            "site": {"organisation": org_name(ts.remote_site.endpoint.organisation, language),
                     "room": room(ts.remote_site.endpoint, terms)},
            "test": {"status": label(terms, "test_status", ts.status), "scheduled": ts.scheduled_at is not None,
                     "scheduled_at": at(ts.scheduled_at), "done": done, "held_at": at(ts.held_at),
                     "technician": person(ts.technician), "notes": ts.notes},
        }

    return Source(DocumentKind.TEST_SESSION_REQUEST, ts.pk, hearing, False,
                  ts.remote_site.endpoint.organisation_id, facts)


# ---- R13: the letter ----------------------------------------------------------------------

def letter(hearing: Hearing, source_id: int) -> Source:
    letter = (Letter.objects.filter(hearing=hearing, pk=source_id)
              .select_related("recipient_org", "remote_site__endpoint__organisation", "sent_by",
                              "acknowledged_by").first())
    if letter is None:
        raise InvalidInput(_("No such letter in this hearing."), {"source_id": _("Not a letter of this hearing.")})
    people = list(hearing.participants.filter(remote_site=letter.remote_site).order_by("id"))
    test = (TestSession.objects.filter(remote_site=letter.remote_site, status=TestSessionStatus.PASSED)
            .order_by("-held_at", "-id").first())

    def facts(language: str, terms: dict) -> dict:
        return {
            "doc": {"number": str(letter.pk), "date": day(letter.sent_at),
                    "date_words": in_words(letter.sent_at, language, terms)},
            "letter": {"recipient": org_name(letter.recipient_org, language), "sent_at": at(letter.sent_at),
                       "sent_by": person(letter.sent_by), "phone": letter.sent_by.phone,
                       "hearing_starts_at": at(letter.hearing_starts_at),
                       "arrive_by": at(letter.hearing_starts_at - (hearing.starts_at - hearing.window_opens_at)),
                       "acknowledged": letter.acknowledged_at is not None,
                       "acknowledged_at": at(letter.acknowledged_at),
                       "acknowledged_by": person(letter.acknowledged_by)},
            "site": {"organisation": org_name(letter.remote_site.endpoint.organisation, language),
                     "room": room(letter.remote_site.endpoint, terms)},
            "participants": [{"name": p.full_name, "role": label(terms, "procedural_role", p.procedural_role)}
                             for p in people],
            "test": {"held": test is not None, "held_at": at(test.held_at) if test else ""},
        }

    return Source(DocumentKind.LETTER, letter.pk, hearing, False, letter.recipient_org_id, facts)


# ---- R18: the act of absence of technical possibility -------------------------------------

def act(hearing: Hearing, source_id: int) -> Source:
    act = (Act.objects.filter(hearing=hearing, pk=source_id)
           .select_related("fault__reported_by", "fault__resolved_by",
                           "fault__remote_site__endpoint__organisation", "created_by")
           .prefetch_related(Prefetch("signatures", queryset=ActSignature.objects.select_related("signed_by")))
           .first())
    if act is None:
        raise InvalidInput(_("No such act in this hearing."), {"source_id": _("Not an act of this hearing.")})
    fault = act.fault
    # What was tried: from the fault report (or, for a start delayed for other reasons,
    # from the connection window) to the act.
    since = fault.reported_at if fault else min(hearing.window_opens_at, act.created_at)
    events = list(TimelineEvent.objects.filter(hearing=hearing, at__gte=since, at__lte=act.created_at,
                                               kind__in=ACT_EVENTS).select_related("actor").order_by("at", "id"))
    sites = list(hearing.remote_sites.select_related("endpoint__organisation"))
    mobile = list(hearing.participants.filter(mode=ParticipationMode.MOBILE_VCS))
    signed = {s.signatory: s for s in act.signatures.all()}

    def facts(language: str, terms: dict) -> dict:
        labels = _site_labels(hearing, sites, mobile, language, terms)
        fault_facts = {"present": False}
        if fault is not None:
            fault_facts = {
                "present": True, "reported_at": at(fault.reported_at), "reported_by": person(fault.reported_by),
                "reported_by_role": label(terms, "role", fault.reported_by.role),
                "description": fault.description,
                "site": site_name(fault.remote_site, language, terms) if fault.remote_site else "",
                "status": label(terms, "fault_status", fault.status), "resolved": fault.resolved_at is not None,
                "resolved_at": at(fault.resolved_at), "resolved_by": person(fault.resolved_by),
                "resolved_by_role": label(terms, "role", fault.resolved_by.role) if fault.resolved_by else "",
                "resolution": fault.resolution,
            }
        return {
            "doc": {"number": str(act.pk), "date": day(act.created_at),
                    "date_words": in_words(act.created_at, language, terms)},
            "act": {"created_at": at(act.created_at), "drawn_up_by": person(act.created_by),
                    "reason": act.reason, "signed": act.status == ActStatus.SIGNED, "signed_at": at(act.signed_at)},
            "fault": fault_facts,
            "attempts": [_event_line(e, labels, terms) for e in events],
            "sites": [site_name(s, language, terms) for s in sites],
            "signatures": [
                {"title": label(terms, "signatory", value), "signed": value in signed,
                 "name": person(signed[value].signed_by) if value in signed else "",
                 "at": at(signed[value].signed_at) if value in signed else ""}
                for value in Signatory.values],
        }

    return Source(DocumentKind.ACT, act.pk, hearing, act.status != ActStatus.SIGNED, None, facts)


# ---- R21: the protocol mark ---------------------------------------------------------------

def protocol_mark(hearing: Hearing, source_id: int | None = None) -> Source:
    if source_id:
        raise InvalidInput(_("The protocol mark is about the hearing itself: give no source."),
                           {"source_id": _("Leave empty for the protocol mark.")})
    from courtvcs.live.models import MobileLink

    events = list(TimelineEvent.objects.filter(hearing=hearing, kind__in=PROTOCOL_EVENTS)
                  .select_related("actor").order_by("at", "id"))
    if not any(e.kind == "connect" for e in events):
        raise RuleViolation("R21", _("The hearing has not been connected by VCS yet: there is nothing "
                                     "to mark in the protocol."))
    first_connected = dict(TimelineEvent.objects.filter(hearing=hearing, kind="site_connected")
                           .order_by("-at", "-id").values_list("data__site", "at"))
    sites = list(hearing.remote_sites.select_related("endpoint__organisation"))
    people = list(hearing.participants.select_related("remote_site__endpoint__organisation")
                  .prefetch_related(
                      Prefetch("attendance_checks", queryset=AttendanceCheck.objects
                               .select_related("checked_by", "checked_by_org").order_by("checked_at", "id")),
                      Prefetch("mobile_links", queryset=MobileLink.objects.order_by("created_at", "id")))
                  .order_by("id"))
    connected_at = next(e.at for e in events if e.kind == "connect")
    closed = next((e.at for e in reversed(events) if e.kind == "close"), None)
    called_in = next((e.at for e in events if e.kind == "call_in"), None)

    def joined(p: Participant) -> dt.datetime | None:
        opened = [link.first_used_at for link in p.mobile_links.all() if link.first_used_at]
        moments = [*opened, *([first_connected[f"mobile-{p.pk}"]] if f"mobile-{p.pk}" in first_connected else [])]
        return min(moments, default=None)

    def facts(language: str, terms: dict) -> dict:
        labels = _site_labels(hearing, sites, people, language, terms)
        breaks, open_break = [], None
        for e in events:
            if e.kind == "declare_break":
                open_break = {"declared_at": at(e.at), "reason": (e.data or {}).get("reason", "") or "",
                              "resumed_at": ""}
                breaks.append(open_break)
            elif e.kind == "reconnect" and open_break is not None:
                open_break["resumed_at"] = at(e.at)
                open_break = None
        checks = [
            {"at": at(c.checked_at), "name": p.full_name, "role": label(terms, "procedural_role", p.procedural_role),
             "result": label(terms, "attendance", c.result), "document": c.document, "authority": c.authority,
             "checked_by": person(c.checked_by), "checked_by_role": label(terms, "role", c.checked_by.role),
             "checked_by_org": org_name(c.checked_by_org, language), "note": c.note}
            for p, c in sorted(((p, c) for p in people for c in p.attendance_checks.all()),
                               key=lambda pc: (pc[1].checked_at, pc[1].pk))]
        return {
            "doc": {"number": "", "date": day(connected_at), "date_words": in_words(connected_at, language, terms)},
            "protocol": {"connected_at": at(connected_at), "called_in_at": at(called_in), "closed_at": at(closed),
                         "uses_remote": bool(sites),
                         "uses_mobile": any(p.mode == ParticipationMode.MOBILE_VCS for p in people)},
            "sites": [{"name": site_name(s, language, terms),
                       "connected_at": at(first_connected.get(f"remote-{s.pk}") or s.connected_at)}
                      for s in sites],
            "participants": [
                {"name": p.full_name, "role": label(terms, "procedural_role", p.procedural_role),
                 "mode": label(terms, "mode", p.mode), "mobile": p.mode == ParticipationMode.MOBILE_VCS,
                 "site": site_name(p.remote_site, language, terms) if p.remote_site else "",
                 "joined_at": at(joined(p)) if p.mode == ParticipationMode.MOBILE_VCS else ""}
                for p in people],
            "checks": checks,
            "breaks": breaks,
            "events": [_event_line(e, labels, terms) for e in events],
        }

    return Source(DocumentKind.PROTOCOL_MARK, 0, hearing, False, None, facts)


# ---- R24: the suspension notice -----------------------------------------------------------

def suspension_notice(hearing: Hearing, source_id: int) -> Source:
    from courtvcs.suspensions.models import SuspendedHearing

    caught = (SuspendedHearing.objects.filter(hearing=hearing, suspension_id=source_id)
              .select_related("suspension__institution", "suspension__declared_by", "suspension__lifted_by")
              .first())
    if caught is None:
        raise InvalidInput(_("This hearing was not caught by that suspension."),
                           {"source_id": _("Not a suspension of this hearing.")})
    s = caught.suspension
    sites = [site for site in hearing.remote_sites.select_related("endpoint__organisation")
             if site.endpoint.organisation_id == s.institution_id]

    def facts(language: str, terms: dict) -> dict:
        return {
            "doc": {"number": str(s.pk), "date": day(s.declared_at),
                    "date_words": in_words(s.declared_at, language, terms)},
            "suspension": {
                "institution": org_name(s.institution, language), "reason": label(terms, "suspension_reason", s.reason),
                "details": s.details, "starts_at": at(s.starts_at), "declared_at": at(s.declared_at),
                "declared_by": person(s.declared_by),
                "expected_end": at(s.expected_end_at) if s.expected_end_at else terms["not_set"],
                "lifted": s.lifted_at is not None, "lifted_at": at(s.lifted_at), "lifted_by": person(s.lifted_by)},
            "rooms": [room(site.endpoint, terms) for site in sites],
        }

    return Source(DocumentKind.SUSPENSION_NOTICE, s.pk, hearing, False, s.institution_id, facts)


LOADERS = {
    DocumentKind.TEST_SESSION_REQUEST: test_session_request,
    DocumentKind.LETTER: letter,
    DocumentKind.ACT: act,
    DocumentKind.PROTOCOL_MARK: protocol_mark,
    DocumentKind.SUSPENSION_NOTICE: suspension_notice,
}


def load(hearing_id: int, kind: str, source_id: int | None) -> Source:
    """The Source of a document of `kind` about `source_id` in the hearing (InvalidInput
    when the record is not the hearing's, RuleViolation when the Rules give no such paper yet)."""
    hearing = _hearing(hearing_id)
    if kind != DocumentKind.PROTOCOL_MARK and not source_id:
        raise InvalidInput(_("Name the record the document is about."), {"source_id": _("Required.")})
    return LOADERS[DocumentKind(kind)](hearing, source_id or 0)
