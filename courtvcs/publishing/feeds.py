"""The public schedule as JSON and as iCalendar (R3): formats in docs/publishing.md.

Both carry exactly what the public page shows: court, courtroom, date and time, the
hearing's public state and VCS status, and the case's category and instance; never a
case number or a name. Each feed is a pure function of its rows (no "generated at"), so
its ETag is a fingerprint of the rows, known before the body is made: an unchanged feed
is answered 304 without making it, and a body once made is kept (views.py).
"""

import datetime as dt
import hashlib

import icalendar
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.orgs.models import Organisation

from .choices import PublicState
from .labels import words, words_in_every_language
from .selectors import ScheduleRow

# Raise when a feed's bytes change for the same rows (a new field, another wording).
FORMAT_VERSION = "1"


def fingerprint(kind: str, rows: list[ScheduleRow], *parts) -> str:
    """The ETag of a feed: everything its body is made of, hashed."""
    digest = hashlib.sha256(f"{kind}|{FORMAT_VERSION}|{parts!r}".encode())
    for row in rows:
        digest.update(repr(row.key()).encode())
    return digest.hexdigest()[:32]


def court_names(court: Organisation) -> dict[str, str]:
    return {"kk": court.name_kk, "ru": court.name_ru, "en": court.name_en}


# ---- JSON -----------------------------------------------------------------------------------

def json_fingerprint(rows: list[ScheduleRow], *, day: dt.date, court: Organisation | None) -> str:
    return fingerprint("json", rows, day.isoformat(), court and court_names(court), words_in_every_language())


def schedule_json(rows: list[ScheduleRow], *, day: dt.date, court: Organisation | None) -> dict:
    """A day's published hearings (of one court or of all), with every label in kk, ru, en."""
    courts: dict[int, Organisation] = {}
    if court is not None:
        courts[court.pk] = court
    for row in rows:
        courts.setdefault(row.court.pk, row.court)
    return {
        "day": day.isoformat(),
        "timezone": str(kztime.KZ),
        "court_id": court.pk if court is not None else None,
        "courts": [{"id": c.pk, "code": c.code, "name": court_names(c)} for c in courts.values()],
        "hearings": [{
            "id": row.id,
            "court_id": row.court.pk,
            "courtroom": row.room_number,
            "starts_at": row.local_start.isoformat(),
            "ends_at": row.local_end.isoformat(),
            "duration_minutes": row.duration_minutes,
            "category": row.category,
            "instance": row.instance,
            "state": row.state,
            "vcs": row.vcs,
        } for row in rows],
        "labels": words_in_every_language(),
    }


# ---- iCalendar ------------------------------------------------------------------------------

def calendar_fingerprint(rows: list[ScheduleRow], *, court: Organisation, language: str) -> str:
    with translation.override(language):
        return fingerprint("ics", rows, court_names(court), language, words(),
                           settings.COURTVCS_PUBLIC_UID_DOMAIN)


def court_calendar(rows: list[ScheduleRow], *, court: Organisation, language: str) -> bytes:
    """A court's hearings by VCS as an iCalendar feed, in `language`. Times in UTC."""
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//courtvcs//Public schedule of hearings by VCS//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("%(court)s: hearings by videoconference") % {"court": court.name})
        calendar.add("x-wr-timezone", str(kztime.KZ))
        # How often a subscribed calendar should fetch the feed again (RFC 7986).
        calendar.add("refresh-interval", dt.timedelta(minutes=15), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT15M")
        texts = _EventTexts(court)
        for row in rows:
            calendar.add_component(_event(row, texts))
        return calendar.to_ical()


class _EventTexts:
    """The words of every event, translated once per calendar rather than once per event."""

    def __init__(self, court: Organisation):
        self.court = court.name
        self.labels = words()
        self.room = _("room %(room)s")
        self.summary = _("Hearing by videoconference, %(room)s")
        self.case = _("%(category)s, %(instance)s.")
        self.state = _("Hearing: %(state)s.")
        self.vcs = _("VCS: %(vcs)s.")
        self.starts = _("Starts at %(time)s Kazakhstan time (UTC+5).")


def _event(row: ScheduleRow, texts: _EventTexts) -> icalendar.Event:
    labels = texts.labels
    event = icalendar.Event()
    # Stable for the hearing's whole life: a calendar updates the same entry when it moves.
    event.add("uid", f"hearing-{row.id}@{settings.COURTVCS_PUBLIC_UID_DOMAIN}")
    event.add("dtstamp", row.changed_at.astimezone(dt.UTC))
    event.add("last-modified", row.changed_at.astimezone(dt.UTC))
    event.add("sequence", row.sequence)
    event.add("dtstart", row.starts_at.astimezone(dt.UTC))
    event.add("dtend", row.ends_at.astimezone(dt.UTC))
    room = texts.room % {"room": row.room_number}
    event.add("summary", texts.summary % {"room": room})
    event.add("location", f"{texts.court}, {room}")
    event.add("description", "\n".join([
        texts.case % {"category": labels["category"][row.category], "instance": labels["instance"][row.instance]},
        texts.state % {"state": labels["state"][row.state]},
        texts.vcs % {"vcs": labels["vcs"][row.vcs]},
        texts.starts % {"time": row.local_start.strftime("%d.%m.%Y %H:%M")},
    ]))
    event.add("status", "CANCELLED" if row.state == PublicState.CANCELLED else "CONFIRMED")
    # A hearing is information for the subscriber, not time taken from the subscriber's day.
    event.add("transp", "TRANSPARENT")
    return event
