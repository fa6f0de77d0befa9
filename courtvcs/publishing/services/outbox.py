"""R3: the outbox. A change of a hearing that the courts' information system must know
is written as an OutboxEvent in the same transaction as the change itself.

`record_change` is called by the hearing timeline (hearings/services/workflow.py
record_event) for every event; it keeps those that can change what is published (a new
status, a new time, a test result, a fault, the R27 grounds) and writes one event when
the hearing's published facts differ from the last event's. A hearing with a minor or on
the safety ground (R27) sends nothing; if it had been sent before, one last
"hearing.withdrawn" event without any facts tells the receiver to take it down.

The event carries the facts of R3 (court, courtroom, date and time, VCS operability),
the category and instance, the workflow status, and the case number: the courts' system
files what it receives under the case, which it already holds. No names, no contacts.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction

from courtvcs import kztime
from courtvcs.hearings.models import Hearing

from .. import selectors
from ..choices import SCHEDULE_CAUSES, OutboxKind, PublicState
from ..models import OutboxEvent

# Timeline data that carries a new start before the hearing row has it (adjournment.py
# moves the start after recording "reschedule" and "resume").
_NEW_START = {"reschedule": "to", "resume": "starts_at", "resume_undecided": "starts_at"}


def record_change(hearing: Hearing, cause: str, *, data: dict | None = None,
                  status_changed: bool = False) -> OutboxEvent | None:
    """Write the outbox event for `cause` on `hearing`, if it changes what the courts'
    system knows. Runs in the caller's transaction."""
    if cause not in SCHEDULE_CAUSES and not status_changed:
        return None
    # The hearing's events are numbered one writer at a time (the callers mostly hold this
    # lock already; SQLite has one writer anyway). The unique (hearing, seq) backs it up.
    list(Hearing.objects.select_for_update().filter(pk=hearing.pk).values_list("pk"))
    last = OutboxEvent.objects.filter(hearing_id=hearing.pk).order_by("-seq").only(
        "seq", "kind", "payload").first()
    if hearing.has_minor or hearing.safety_protected:
        # R27: never published; a hearing sent before is withdrawn, once.
        if last is None or last.kind == OutboxKind.WITHDRAWN:
            return None
        kind, facts = OutboxKind.WITHDRAWN, None
    else:
        kind, facts = OutboxKind.UPDATED, hearing_facts(hearing, cause, data or {})
        if facts is None or (last is not None and last.kind == kind and last.payload.get("hearing") == facts):
            return None
    now = kztime.now()
    event = OutboxEvent(hearing_id=hearing.pk, seq=(last.seq if last else 0) + 1, kind=kind, cause=cause,
                        created_at=now, next_attempt_at=now)
    event.payload = {
        "event_id": str(event.event_id), "kind": kind.value, "hearing_id": hearing.pk, "seq": event.seq,
        "cause": cause, "occurred_at": _iso(now), "hearing": facts,
    }
    event.save(force_insert=True)
    transaction.on_commit(enqueue_delivery, robust=True)
    return event


def hearing_facts(hearing: Hearing, cause: str = "", data: dict | None = None) -> dict | None:
    """What the courts' system is told about a hearing, as JSON values (two queries)."""
    row = selectors.hearing_facts(hearing.pk)
    if row is None:
        return None
    starts_at = row.starts_at
    key = _NEW_START.get(cause)
    if key and data and data.get(key):
        starts_at = dt.datetime.fromisoformat(data[key])
    court = row.court
    return {
        "court": {"id": court.pk, "code": court.code,
                  "name": {"kk": court.name_kk, "ru": court.name_ru, "en": court.name_en}},
        "courtroom": row.room_number,
        "case_number": hearing.case_number,
        "category": row.category,
        "instance": row.instance,
        "starts_at": _iso(starts_at),
        "ends_at": _iso(starts_at + dt.timedelta(minutes=row.duration_minutes)),
        "duration_minutes": row.duration_minutes,
        "status": row.status,
        "published": row.state is not None and row.state != PublicState.CANCELLED,
        "state": row.state,
        "vcs": row.vcs,
    }


def enqueue_delivery(run_after: dt.datetime | None = None) -> None:
    """Put a delivery run on the task queue (nothing to do while delivery is off)."""
    if not settings.COURTVCS_OUTBOX_URL:
        return
    from ..tasks import deliver_outbox

    task = deliver_outbox if run_after is None else deliver_outbox.using(run_after=run_after)
    task.enqueue()


def _iso(moment: dt.datetime) -> str:
    return kztime.local(moment).isoformat()
