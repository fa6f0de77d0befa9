"""Deadlines the Rules set (R13, R15), kept as rows and fired by the task worker.

Each pending deadline has a task enqueued to run at its due time; the task calls
`fire`, which is idempotent and re-checks the hearing, so a deadline that was met,
moved or cancelled meanwhile does nothing. `fire_due` catches up on anything missed
while the worker was stopped.
"""

import datetime as dt

from django.db import transaction

from courtvcs import kztime
from courtvcs.audit.services import audit_record
from courtvcs.notifications.services import notify
from courtvcs.orgs.choices import Role
from courtvcs.orgs.models import User

from ..choices import DeadlineKind as K, DeadlineStatus, HearingStatus
from ..models import Deadline, Hearing

ALERT_RULE = {K.TEST_REQUEST: "R13", K.TEST_SESSION: "R13", K.WINDOW_OPENS: "R15",
              K.NOT_CONNECTED: "R15"}


def schedule(hearing: Hearing, kind: str, due_at: dt.datetime) -> Deadline:
    Deadline.objects.filter(hearing=hearing, kind=kind, status=DeadlineStatus.PENDING).update(
        status=DeadlineStatus.CANCELLED)
    deadline = Deadline.objects.create(hearing=hearing, kind=kind, due_at=due_at)
    transaction.on_commit(lambda: _enqueue(deadline))
    return deadline


def _enqueue(deadline: Deadline) -> None:
    from ..tasks import fire_deadline

    fire_deadline.using(run_after=deadline.due_at).enqueue(deadline.pk)


def settle(hearing: Hearing, *kinds: str, status: str = DeadlineStatus.MET) -> None:
    Deadline.objects.filter(hearing=hearing, kind__in=kinds, status=DeadlineStatus.PENDING).update(
        status=status, fired_at=kztime.now())


def cancel_all(hearing: Hearing) -> None:
    Deadline.objects.filter(hearing=hearing, status=DeadlineStatus.PENDING).update(
        status=DeadlineStatus.CANCELLED)


def plan_for_slot(hearing: Hearing) -> None:
    """(Re)plan the deadlines that hang on the start time (R13 test, R15 window)."""
    from django.conf import settings

    if hearing.remote_sites.exists():
        schedule(hearing, K.TEST_SESSION, kztime.start_of_local_day(kztime.local_date(hearing.starts_at)))
    schedule(hearing, K.WINDOW_OPENS, hearing.window_opens_at)
    schedule(hearing, K.NOT_CONNECTED, hearing.starts_at - dt.timedelta(
        minutes=settings.COURTVCS_NOT_CONNECTED_ALERT_MINUTES))


def _staff(hearing: Hearing, *roles: str):
    return User.objects.filter(organisation_id=hearing.court_id, role__in=roles, is_active=True)


def _evaluate(deadline: Deadline) -> bool:
    """True when the deadline was missed and its alert must go out; False when met."""
    hearing = deadline.hearing
    if deadline.kind == K.TEST_REQUEST:
        return not hearing.test_sessions.exists()
    if deadline.kind == K.TEST_SESSION:
        from .preparation import all_sites_passed

        return not all_sites_passed(hearing)
    if deadline.kind == K.WINDOW_OPENS:
        return hearing.status in {HearingStatus.READY, HearingStatus.AGREED}
    if deadline.kind == K.NOT_CONNECTED:
        return hearing.status in {HearingStatus.READY, HearingStatus.AGREED,
                                  HearingStatus.AWAITING_AGREEMENT, HearingStatus.SLOT_PROPOSED}
    return False


def _alert(deadline: Deadline) -> None:
    hearing = deadline.hearing
    if deadline.kind == K.TEST_REQUEST:
        notify([hearing.secretary, *_staff(hearing, Role.OFFICE_HEAD)], "deadline_test_request",
               hearing=hearing, due=kztime.format_local(deadline.due_at))
    elif deadline.kind == K.TEST_SESSION:
        notify([hearing.secretary, *_staff(hearing, Role.OFFICE_HEAD, Role.COURT_TECHNICIAN)],
               "deadline_test_session", hearing=hearing)
    elif deadline.kind == K.WINDOW_OPENS:
        notify([hearing.secretary], "window_open", hearing=hearing)
    elif deadline.kind == K.NOT_CONNECTED:
        notify([hearing.secretary, hearing.judge, *_staff(hearing, Role.COURT_TECHNICIAN)],
               "not_connected", hearing=hearing)


@transaction.atomic
def fire(deadline_id: int, now: dt.datetime | None = None) -> str:
    now = now or kztime.now()
    deadline = (Deadline.objects.select_for_update(of=("self",)).select_related("hearing__court",
                "hearing__courtroom", "hearing__secretary", "hearing__judge")
                .filter(pk=deadline_id).first())
    if deadline is None or deadline.status != DeadlineStatus.PENDING or deadline.due_at > now:
        return deadline.status if deadline else "missing"
    missed = _evaluate(deadline)
    deadline.status = DeadlineStatus.FIRED if missed else DeadlineStatus.MET
    deadline.fired_at = now
    deadline.save(update_fields=["status", "fired_at"])
    if missed:
        _alert(deadline)
        from .workflow import record_event

        record_event(deadline.hearing, f"deadline_{deadline.kind}", None,
                     rule=ALERT_RULE[deadline.kind], data={"due_at": deadline.due_at.isoformat()})
    else:
        audit_record(actor=None, action=f"deadline_{deadline.kind}_met", obj=deadline,
                     hearing_id=deadline.hearing_id, rule=ALERT_RULE[deadline.kind])
    return deadline.status


def fire_due(now: dt.datetime | None = None) -> int:
    now = now or kztime.now()
    ids = list(Deadline.objects.filter(status=DeadlineStatus.PENDING, due_at__lte=now)
               .values_list("pk", flat=True))
    for pk in ids:
        fire(pk, now)
    return len(ids)
