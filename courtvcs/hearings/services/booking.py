"""Booking a hearing by VCS: technical possibility (R10), routing to the coordinator
(R11, R12), and holding the endpoints so that none is ever double-booked."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record, snapshot
from courtvcs.errors import Forbidden, InvalidInput, RuleViolation
from courtvcs.notifications.services import notify
from courtvcs.orgs.choices import EndpointKind, EndpointStatus, OrgKind, Role
from courtvcs.orgs.models import Endpoint, EndpointBlock, Organisation, User

from ..choices import (
    AgreementStatus, Basis, HOLDING_STATES, Instance, ParticipationMode,
    PetitionStatus,
)
from ..models import AgreementRequest, EndpointBooking, Hearing, Participant, Petition, RemoteSite
from .workflow import record_event

WINDOW = dt.timedelta(minutes=settings.COURTVCS_CONNECTION_WINDOW_MINUTES)


@dataclass(frozen=True)
class ParticipantInput:
    full_name: str
    procedural_role: str
    mode: str
    remote_endpoint_id: int | None = None
    phone: str = ""
    email: str = ""
    date_of_birth: dt.date | None = None


def booked_interval(starts_at: dt.datetime, duration_minutes: int) -> tuple[dt.datetime, dt.datetime]:
    """An endpoint is held from the connection window (R15) to the expected end."""
    return starts_at - WINDOW, starts_at + dt.timedelta(minutes=duration_minutes)


def coordinator_for(court: Organisation, instance: str) -> Organisation:
    """R11: the region's coordinator (at its regional court); R12: the Department's."""
    if instance == Instance.CASSATION:
        org = Organisation.objects.filter(kind=OrgKind.DEPARTMENT).order_by("pk").first()
    elif court.kind == OrgKind.REGIONAL_COURT:
        org = court
    else:
        org = court.parent if court.parent and court.parent.kind == OrgKind.REGIONAL_COURT else None
    if org is None:
        raise InvalidInput(_("No VCS coordinator is set up for this court."))
    return org


INSTANCES_BY_COURT = {
    OrgKind.DISTRICT_COURT: {Instance.FIRST},
    OrgKind.REGIONAL_COURT: {Instance.FIRST, Instance.APPEAL},
    OrgKind.SUPREME_COURT: {Instance.CASSATION},
}


def _fmt(moment: dt.datetime) -> str:
    return kztime.format_local(moment)


def _busy(b: EndpointBooking) -> str:
    return (_("%(endpoint)s is busy from %(start)s to %(end)s.")
            % {"endpoint": b.endpoint, "start": _fmt(b.starts_at), "end": _fmt(b.ends_at)})


def possibility_problems(*, endpoints: Sequence[Endpoint], starts_at: dt.datetime,
                         duration_minutes: int, exclude_hearing_id: int | None = None,
                         needs_test_session: bool = True) -> list[str]:
    """Every reason VCS is not technically possible for this slot (R10), or [].

    Checks each endpoint's operability (R14), maintenance blocks, other bookings over the
    whole slot including the connection window (R15), suspensions at institutions (R24),
    and that a test session can still be held a day before (R13).
    """
    from courtvcs.suspensions.selectors import suspensions_overlapping

    problems: list[str] = []
    start, end = booked_interval(starts_at, duration_minutes)
    now = kztime.now()
    if starts_at <= now:
        problems.append(_("The start time %(start)s has already passed.") % {"start": _fmt(starts_at)})
    elif needs_test_session and kztime.local_date(starts_at) <= kztime.local_date(now):
        problems.append(_("R13: a test session must be held no later than one day before the "
                          "hearing, so a hearing by VCS cannot be set for today."))
    ids = [e.pk for e in endpoints]
    for e in endpoints:
        if e.status != EndpointStatus.OPERABLE:
            problems.append(_("%(endpoint)s is “%(status)s” (R14).")
                            % {"endpoint": e, "status": e.get_status_display()})
    blocks = EndpointBlock.objects.filter(endpoint_id__in=ids, starts_at__lt=end, ends_at__gt=start)
    for b in blocks.select_related("endpoint__organisation"):
        problems.append(_("%(endpoint)s is closed for maintenance from %(start)s to %(end)s.")
                        % {"endpoint": b.endpoint, "start": _fmt(b.starts_at), "end": _fmt(b.ends_at)})
    busy = (EndpointBooking.objects.filter(endpoint_id__in=ids, active=True, starts_at__lt=end,
                                           ends_at__gt=start)
            .select_related("endpoint__organisation").order_by("starts_at"))
    if exclude_hearing_id is not None:
        busy = busy.exclude(hearing_id=exclude_hearing_id)
    problems.extend(_busy(b) for b in busy)
    institution_ids = {e.organisation_id for e in endpoints if e.organisation.is_institution}
    for s in suspensions_overlapping(institution_ids, start, end):
        problems.append(_("VCS at %(institution)s is suspended (%(reason)s) (R24).")
                        % {"institution": s.institution, "reason": s.get_reason_display()})
    return problems


def assert_possible(**kwargs) -> None:
    problems = possibility_problems(**kwargs)
    if problems:
        raise RuleViolation("R10", _("VCS is not technically possible for this slot."), problems)


def _lock_endpoints(ids: Iterable[int]) -> list[Endpoint]:
    """Lock the endpoints' rows so two bookings of one endpoint run one after the other.

    On PostgreSQL this is a row lock held to the end of the transaction; SQLite takes its
    write lock when the transaction begins (IMMEDIATE mode, see settings).
    """
    # of=("self",): the joined organisations are read, not locked. Locking them too made
    # bookings of different rooms wait on the court's and the centre's rows in opposite
    # orders: deadlocks under load (bench/README.md, "Load").
    return list(Endpoint.objects.select_for_update(of=("self",)).filter(pk__in=sorted(set(ids)))
                .select_related("organisation").order_by("pk"))


def hold_endpoints(hearing: Hearing, endpoints: Sequence[Endpoint]) -> None:
    start, end = booked_interval(hearing.starts_at, hearing.duration_minutes)
    EndpointBooking.objects.filter(hearing=hearing, active=True).update(active=False)
    try:
        with transaction.atomic():
            EndpointBooking.objects.bulk_create(
                [EndpointBooking(endpoint=e, hearing=hearing, starts_at=start, ends_at=end) for e in endpoints])
    except IntegrityError:
        # The database's own guard (migration 0004: an exclusion constraint on PostgreSQL,
        # triggers on SQLite) caught an overlap that the checks above missed or that a
        # concurrent booking committed in between. The savepoint is gone, so the bookings in
        # the way can be read and named.
        conflicts = list(EndpointBooking.objects
                         .filter(endpoint__in=endpoints, active=True, starts_at__lt=end, ends_at__gt=start)
                         .exclude(hearing=hearing).select_related("endpoint__organisation")
                         .order_by("starts_at", "pk"))
        reasons = [_busy(b) for b in conflicts] or [_("An endpoint is already booked in this period.")]
        raise RuleViolation("R10", _("VCS is not technically possible for this slot."), reasons,
                            extra={"conflicts": [booking_conflict(b) for b in conflicts]}) from None


def booking_conflict(b: EndpointBooking) -> dict:
    """A booking in the way, as the 409 names it: which endpoint, which hearing, when (UTC)."""
    return {"booking_id": b.pk, "endpoint_id": b.endpoint_id, "endpoint": str(b.endpoint),
            "hearing_id": b.hearing_id, "starts_at": b.starts_at.isoformat(),
            "ends_at": b.ends_at.isoformat()}


def release_endpoints(hearing: Hearing) -> None:
    EndpointBooking.objects.filter(hearing=hearing, active=True).update(active=False)


def hearing_endpoints(hearing: Hearing) -> list[Endpoint]:
    ids = [hearing.courtroom_id, *hearing.remote_sites.values_list("endpoint_id", flat=True)]
    return _lock_endpoints(ids)


def _validate_people(court: Organisation, judge_id: int, secretary: User) -> User:
    judge = User.objects.filter(pk=judge_id, role=Role.JUDGE, organisation=court, is_active=True).first()
    if judge is None:
        raise InvalidInput(_("Choose a judge of this court."), {"judge_id": _("Not a judge of this court.")})
    return judge


def _validate_participants(participants: Sequence[ParticipantInput], remote_ids: set[int]) -> None:
    errors = {}
    for i, p in enumerate(participants):
        if p.mode == ParticipationMode.REMOTE_SITE and p.remote_endpoint_id not in remote_ids:
            errors[f"participants.{i}.remote_endpoint_id"] = _(
                "A participant at a remote site must name one of the hearing's remote sites.")
        if p.mode == ParticipationMode.MOBILE_VCS and not (p.phone or p.email):
            errors[f"participants.{i}.phone"] = _("Mobile VCS needs a phone number or an e-mail.")
    if errors:
        raise InvalidInput(_("Some participants are not filled in correctly."), errors)


@transaction.atomic
def create_hearing(*, actor: User, case_number: str, category: str, instance: str,
                   courtroom_id: int, judge_id: int, starts_at: dt.datetime, duration_minutes: int,
                   remote_endpoint_ids: Sequence[int] = (),
                   participants: Sequence[ParticipantInput] = (),
                   basis: str = Basis.COURT_INITIATIVE, petition_id: int | None = None) -> Hearing:
    """The secretary books a hearing by VCS; the judge then decides on it (R10)."""
    if actor.role != Role.SECRETARY:
        raise Forbidden(_("Only a hearing secretary books hearings by VCS (R8)."))
    court = actor.organisation
    if instance not in INSTANCES_BY_COURT.get(court.kind, set()):
        raise InvalidInput(_("This court does not hear cases at that instance."),
                           {"instance": _("Not an instance of this court.")})
    if duration_minutes < 5 or duration_minutes > settings.COURTVCS_MAX_DURATION_MINUTES:
        raise InvalidInput(_("The duration must be from 5 minutes to 12 hours."),
                           {"duration_minutes": _("From 5 to 720 minutes.")})
    judge = _validate_people(court, judge_id, actor)
    remote_ids = list(dict.fromkeys(remote_endpoint_ids))
    if courtroom_id in remote_ids:
        raise InvalidInput(_("The courtroom cannot also be a remote site."),
                           {"remote_endpoint_ids": _("Remove the courtroom from the remote sites.")})
    if not remote_ids and not any(p.mode == ParticipationMode.MOBILE_VCS for p in participants):
        raise InvalidInput(_("A hearing by VCS needs a remote site or a participant on mobile VCS."),
                           {"remote_endpoint_ids": _("Add a remote site.")})
    petition = None
    if basis == Basis.PETITION:
        petition = Petition.objects.filter(pk=petition_id, court=court).first()
        if petition is None:
            raise InvalidInput(_("Name the petition this hearing is based on."),
                               {"petition_id": _("No such petition of this court.")})
        if petition.status == PetitionStatus.REJECTED:
            raise RuleViolation("R10", _("The petition was rejected by the judge."))

    endpoints = _lock_endpoints([courtroom_id, *remote_ids])
    by_id = {e.pk: e for e in endpoints}
    courtroom = by_id.get(courtroom_id)
    if courtroom is None or courtroom.organisation_id != court.pk or courtroom.kind != EndpointKind.COURTROOM:
        raise InvalidInput(_("Choose a courtroom of your court."),
                           {"courtroom_id": _("Not a courtroom of this court.")})
    missing = [i for i in remote_ids if i not in by_id or by_id[i].organisation_id == court.pk]
    if missing:
        raise InvalidInput(_("A remote site must be an endpoint of another court or an institution."),
                           {"remote_endpoint_ids": _("Unknown or own-court endpoints: %(ids)s")
                            % {"ids": ", ".join(map(str, missing))}})
    # Checked after the sites exist, so an unknown site is reported on the site field.
    _validate_participants(participants, set(remote_ids))
    assert_possible(endpoints=endpoints, starts_at=starts_at, duration_minutes=duration_minutes,
                    needs_test_session=bool(remote_ids))

    now = kztime.now()
    hearing = Hearing.objects.create(
        case_number=case_number.strip(), category=category, instance=instance, court=court,
        courtroom=courtroom, judge=judge, secretary=actor,
        coordinator_org=coordinator_for(court, instance), starts_at=starts_at,
        duration_minutes=duration_minutes, basis=basis, petition=petition,
        created_by=actor, created_at=now, updated_at=now,
    )
    sites = {i: RemoteSite.objects.create(hearing=hearing, endpoint=by_id[i]) for i in remote_ids}
    Participant.objects.bulk_create([
        Participant(hearing=hearing, full_name=p.full_name.strip(), procedural_role=p.procedural_role,
                    mode=p.mode, remote_site=sites.get(p.remote_endpoint_id) if p.mode ==
                    ParticipationMode.REMOTE_SITE else None, phone=p.phone, email=p.email,
                    date_of_birth=p.date_of_birth)
        for p in participants])
    hold_endpoints(hearing, endpoints)
    audit_record(actor=actor, action="create_hearing", obj=hearing, hearing_id=hearing.pk,
                 rule="R10", after=snapshot(hearing))
    record_event(hearing, "booked", actor, rule="R10", to_status=hearing.status,
                 data={"starts_at": starts_at.isoformat(), "remote_sites": remote_ids})
    notify([judge], "decision_requested", hearing=hearing)
    return hearing


def open_agreement(hearing: Hearing, actor) -> AgreementRequest:
    """Put the hearing's slot to its coordinator (R11, R12) and tell them."""
    AgreementRequest.objects.filter(hearing=hearing, status__in=[
        AgreementStatus.PENDING, AgreementStatus.PROPOSED]).update(status=AgreementStatus.WITHDRAWN)
    request = AgreementRequest.objects.create(
        hearing=hearing, coordinator_org=hearing.coordinator_org, starts_at=hearing.starts_at,
        requested_at=kztime.now())
    audit_record(actor=actor, action="agreement_requested", obj=request, hearing_id=hearing.pk,
                 after=snapshot(request))
    notify(coordinators_of(hearing), "agreement_requested", hearing=hearing)
    return request


def coordinators_of(hearing: Hearing):
    role = (Role.DEPARTMENT_COORDINATOR if hearing.instance == Instance.CASSATION
            else Role.REGIONAL_COORDINATOR)
    return User.objects.filter(organisation_id=hearing.coordinator_org_id, role=role, is_active=True)


def move_slot(hearing: Hearing, new_start: dt.datetime, actor) -> None:
    """Move the hearing to a new start, re-checking technical possibility (R10)."""
    endpoints = hearing_endpoints(hearing)
    assert_possible(endpoints=endpoints, starts_at=new_start, duration_minutes=hearing.duration_minutes,
                    exclude_hearing_id=hearing.pk, needs_test_session=len(endpoints) > 1)
    before = hearing.starts_at
    hearing.starts_at = new_start
    hearing.updated_at = kztime.now()
    hearing.save(update_fields=["starts_at", "updated_at"])
    hold_endpoints(hearing, endpoints)
    record_event(hearing, "slot_moved", actor, rule="R10",
                 data={"from": before.isoformat(), "to": new_start.isoformat()})


def holds_endpoints(status: str) -> bool:
    return status in HOLDING_STATES


def overlapping_bookings() -> list[tuple[int, int, int]]:
    """Pairs of active bookings of one endpoint that overlap (must always be empty)."""
    rows = list(EndpointBooking.objects.filter(active=True).values_list(
        "endpoint_id", "starts_at", "ends_at", "hearing_id").order_by("endpoint_id", "starts_at"))
    bad = []
    for (e1, _s1, end1, h1), (e2, s2, _end2, h2) in zip(rows, rows[1:]):
        if e1 == e2 and s2 < end1:
            bad.append((e1, h1, h2))
    return bad


def busy_filter(start: dt.datetime, end: dt.datetime) -> Q:
    return Q(bookings__active=True, bookings__starts_at__lt=end, bookings__ends_at__gt=start)
