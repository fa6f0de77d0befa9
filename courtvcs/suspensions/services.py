"""R24: suspending VCS at an institution in an emergency, and lifting it.

Nothing is cancelled silently: every hearing caught is marked suspended and its people
are told; when the suspension is lifted each one goes back to its secretary for review.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record, snapshot
from courtvcs.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from courtvcs.hearings.access import authorize
from courtvcs.hearings.choices import HearingStatus
from courtvcs.hearings.models import Hearing
from courtvcs.hearings.services import deadlines
from courtvcs.hearings.services.booking import coordinators_of
from courtvcs.hearings.services.workflow import apply, record_event
from courtvcs.hearings.states import ACTIONS
from courtvcs.notifications.services import notify
from courtvcs.orgs.choices import Role

from .choices import SuspensionReason
from .models import SuspendedHearing, Suspension


def _hearings_caught(institution_id: int, start: dt.datetime, end: dt.datetime | None):
    # Also those already suspended (at another of their institutions, or by an earlier
    # suspension here): they must wait for this one to be lifted too.
    qs = Hearing.objects.filter(remote_sites__endpoint__organisation_id=institution_id,
                                status__in=ACTIONS["suspend"].from_states | {HearingStatus.SUSPENDED})
    # A hearing is caught if any part of its slot falls in the suspension.
    qs = qs.filter(starts_at__gte=start - dt.timedelta(hours=12))
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs.select_related("court", "courtroom", "judge", "secretary").distinct().order_by("pk")


@transaction.atomic
def declare(*, actor, reason: str, starts_at: dt.datetime | None = None,
            expected_end_at: dt.datetime | None = None, details: str = "") -> Suspension:
    if actor.role != Role.INSTITUTION_OFFICER or not actor.organisation.is_institution:
        raise Forbidden(_("Only the institution's responsible officer declares a suspension (R24)."))
    starts_at = starts_at or kztime.now()
    if expected_end_at is not None and expected_end_at <= starts_at:
        raise InvalidInput(_("The expected end must be after the start."),
                           {"expected_end_at": _("After the start.")})
    suspension = Suspension.objects.create(
        institution=actor.organisation, reason=reason, details=details.strip(), starts_at=starts_at,
        expected_end_at=expected_end_at, declared_by=actor, declared_at=kztime.now())
    audit_record(actor=actor, action="suspension_declared", obj=suspension, rule="R24",
                 after=snapshot(suspension))
    for hearing in _hearings_caught(actor.organisation_id, starts_at, expected_end_at):
        if hearing.ends_at <= starts_at:
            continue
        hearing = Hearing.objects.select_for_update(of=("self",)).select_related(
            "court", "courtroom", "judge", "secretary").get(pk=hearing.pk)
        previous = hearing.status
        data = {"suspension": suspension.pk, "reason": reason}
        if previous == HearingStatus.SUSPENDED:
            first = SuspendedHearing.objects.filter(hearing=hearing).order_by("pk").first()
            previous = first.previous_status if first else previous
            authorize(actor, hearing, "suspend")
            record_event(hearing, "suspend", actor, rule="R24", data=data,
                         from_status=hearing.status, to_status=hearing.status)
        else:
            apply(hearing, "suspend", actor, data=data)
        SuspendedHearing.objects.create(suspension=suspension, hearing=hearing, previous_status=previous)
        deadlines.cancel_all(hearing)
        notify([hearing.secretary, hearing.judge, *coordinators_of(hearing)], "suspended", hearing=hearing,
               institution=actor.organisation, reason=SuspensionReason(suspension.reason).label)
    return suspension


@transaction.atomic
def lift(*, actor, suspension_id: int) -> Suspension:
    suspension = Suspension.objects.select_for_update().filter(pk=suspension_id).first()
    if suspension is None or suspension.institution_id != actor.organisation_id:
        raise NotFound(_("No such suspension at your institution."))
    if actor.role != Role.INSTITUTION_OFFICER:
        raise Forbidden(_("Only the institution's responsible officer lifts a suspension (R24)."))
    if suspension.lifted_at is not None:
        raise RuleViolation("R24", _("This suspension is already lifted."))
    before = snapshot(suspension)
    suspension.lifted_at, suspension.lifted_by = kztime.now(), actor
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    audit_record(actor=actor, action="suspension_lifted", obj=suspension, rule="R24", before=before,
                 after=snapshot(suspension))
    for link in suspension.hearings.select_related("hearing"):
        hearing = Hearing.objects.select_for_update(of=("self",)).select_related(
            "court", "courtroom", "judge", "secretary").get(pk=link.hearing_id)
        if hearing.status != HearingStatus.SUSPENDED:
            continue
        # Another suspension at an institution of this hearing may still be in force.
        if SuspendedHearing.objects.filter(hearing=hearing, suspension__lifted_at__isnull=True).exists():
            continue
        apply(hearing, "lift_suspension", actor, data={"suspension": suspension.pk})
        notify([hearing.secretary, hearing.judge], "suspension_lifted", hearing=hearing,
               institution=actor.organisation)
    return suspension
