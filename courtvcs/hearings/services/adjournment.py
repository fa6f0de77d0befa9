"""R23: adjournment with each party's mode for the next sitting, and rescheduling;
R24's review after a suspension; cancelling with a reason."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record, snapshot
from courtvcs.errors import InvalidInput, RuleViolation
from courtvcs.notifications.services import notify
from courtvcs.orgs.choices import Role
from courtvcs.orgs.models import Endpoint, Organisation, User

from .. import access
from ..choices import AttendanceResult, Basis, NextSittingMode, ParticipationMode, PetitionForm, PetitionStatus
from ..models import Adjournment, Hearing, PartyModeChoice, Petition, RemoteSite
from . import deadlines
from .booking import assert_possible, hearing_endpoints, hold_endpoints, open_agreement, release_endpoints
from .workflow import apply, record_event


@dataclass(frozen=True)
class ModeChoice:
    participant_id: int
    mode: str
    from_org_id: int | None = None
    how_asked: str = ""


@dataclass(frozen=True)
class OralPetition:
    petitioner_name: str
    petitioner_role: str
    requested_org_id: int | None = None
    mobile_vcs: bool = False


def _site_endpoint(org: Organisation) -> Endpoint | None:
    # A VCS room before a courtroom ("vcs_room" sorts after "courtroom").
    return Endpoint.objects.filter(organisation=org).order_by("-kind", "pk").first()


def _apply_choices(hearing: Hearing, adjournment: Adjournment, choices: Sequence[ModeChoice]) -> None:
    participants = {p.pk: p for p in hearing.participants.all()}
    errors = {}
    for i, c in enumerate(choices):
        p = participants.get(c.participant_id)
        if p is None:
            errors[f"choices.{i}.participant_id"] = _("Not a participant of this hearing.")
            continue
        if c.mode == NextSittingMode.VCS_COURT:
            org = Organisation.objects.filter(pk=c.from_org_id).first()
            if org is None or org.pk == hearing.court_id:
                errors[f"choices.{i}.from_org_id"] = _("Name another court or an institution.")
                continue
            endpoint = _site_endpoint(org)
            if endpoint is None:
                errors[f"choices.{i}.from_org_id"] = _("Choose a court or institution with VCS equipment.")
                continue
            site, _created = RemoteSite.objects.get_or_create(hearing=hearing, endpoint=endpoint)
            p.mode, p.remote_site = ParticipationMode.REMOTE_SITE, site
        elif c.mode == NextSittingMode.MOBILE_VCS:
            if not (p.phone or p.email):
                errors[f"choices.{i}.mode"] = _("Mobile VCS needs the participant's phone or e-mail.")
                continue
            p.mode, p.remote_site = ParticipationMode.MOBILE_VCS, None
        else:
            p.mode, p.remote_site = ParticipationMode.COURTROOM, None
        p.save(update_fields=["mode", "remote_site"])
        PartyModeChoice.objects.create(adjournment=adjournment, participant=p, mode=c.mode,
                                       from_org_id=c.from_org_id if c.mode == NextSittingMode.VCS_COURT
                                       else None, how_asked=c.how_asked)
    if errors:
        raise InvalidInput(_("Some parties' choices are not filled in correctly."), errors)


@transaction.atomic
def adjourn(*, actor, hearing_id: int, reason: str, choices: Sequence[ModeChoice] = (),
            next_starts_at: dt.datetime | None = None,
            oral_petition: OralPetition | None = None) -> Hearing:
    """R23: the judge adjourns, finds out how each party will take part, and may take an
    oral petition from a petitioner who is present; the new slot is agreed again."""
    hearing = access.get_visible(actor, hearing_id, for_update=True)
    apply(hearing, "adjourn", actor, data={"reason": reason})
    adjournment = Adjournment.objects.create(hearing=hearing, declared_by=actor, declared_at=kztime.now(),
                                             previous_starts_at=hearing.starts_at,
                                             next_starts_at=next_starts_at, reason=reason)
    _apply_choices(hearing, adjournment, choices)
    if oral_petition is not None:
        _check_oral_petition(hearing, oral_petition)
        petition = Petition.objects.create(
            court_id=hearing.court_id, case_number=hearing.case_number,
            petitioner_name=oral_petition.petitioner_name.strip(), petitioner_role=oral_petition.petitioner_role,
            form=PetitionForm.ORAL, filed_at=kztime.now(), requested_org_id=oral_petition.requested_org_id,
            mobile_vcs=oral_petition.mobile_vcs, status=PetitionStatus.GRANTED, decided_by=actor,
            decided_at=kztime.now(), created_by=actor)
        hearing.basis, hearing.petition = Basis.PETITION, petition
        hearing.save(update_fields=["basis", "petition"])
        audit_record(actor=actor, action="oral_petition_granted", obj=petition, hearing_id=hearing.pk,
                     rule="R23", after=snapshot(petition))
    release_endpoints(hearing)
    deadlines.cancel_all(hearing)
    record_event(hearing, "party_modes", actor, rule="R23", data={
        "choices": [{"participant": c.participant_id, "mode": c.mode, "from_org": c.from_org_id}
                    for c in choices]})
    # Lazy: notify() renders it in the recipient's language, not the actor's.
    next_text = lazy(lambda: _("Next sitting proposed for %(at)s.")
                     % {"at": kztime.format_local(next_starts_at)}
                     if next_starts_at else _("The next date will be set later."), str)()
    # The remote sites (also those just named) must know their people are not needed as planned.
    remote_people = User.objects.filter(
        is_active=True, organisation_id__in=hearing.remote_sites.values("endpoint__organisation_id"),
        role__in=[Role.INSTITUTION_OFFICER, Role.INSTITUTION_TECHNICIAN, Role.SECRETARY])
    notify([hearing.secretary, *remote_people], "adjourned", hearing=hearing, next=next_text)
    if next_starts_at is not None:
        _reschedule(hearing, actor, next_starts_at)
    return hearing


def _check_oral_petition(hearing: Hearing, oral: OralPetition) -> None:
    """R23: a petition is made orally only by a petitioner present when the adjournment is
    decided, that is a participant admitted at the attendance check (R20); like a written one
    (R10), it names the court or institution to connect from, or mobile VCS."""
    org_id = oral.requested_org_id
    if org_id is None and not oral.mobile_vcs:
        raise InvalidInput(_("Name the court or institution to connect from, or mobile VCS."),
                           {"oral_petition.requested_org_id": _("Required unless mobile VCS is asked for.")})
    if org_id is not None and (org_id == hearing.court_id or not Organisation.objects.filter(pk=org_id).exists()):
        raise InvalidInput(_("Name another court or an institution."),
                           {"oral_petition.requested_org_id": _("Name another court or an institution.")})
    name = " ".join(oral.petitioner_name.split()).casefold()
    present = False
    for p in hearing.participants.all():
        if " ".join(p.full_name.split()).casefold() == name:
            last = p.attendance_checks.order_by("-checked_at", "-id").first()
            present = present or (last is not None and last.result == AttendanceResult.ADMITTED)
    if not present:
        raise RuleViolation("R23", _("%(name)s is not recorded as present at the hearing (R20), so the "
                                     "petition cannot be made orally; it is filed in writing.")
                            % {"name": oral.petitioner_name.strip()})


def _reschedule(hearing: Hearing, actor, starts_at: dt.datetime) -> None:
    endpoints = hearing_endpoints(hearing)
    assert_possible(endpoints=endpoints, starts_at=starts_at, duration_minutes=hearing.duration_minutes,
                    exclude_hearing_id=hearing.pk, needs_test_session=len(endpoints) > 1)
    before = hearing.starts_at
    apply(hearing, "reschedule", actor, data={"from": before.isoformat(), "to": starts_at.isoformat()})
    hearing.starts_at = starts_at
    hearing.save(update_fields=["starts_at"])
    hold_endpoints(hearing, endpoints)
    _restart_preparation(hearing, actor)


def _restart_preparation(hearing: Hearing, actor) -> None:
    """A new slot needs a new agreement (R11, R12) and a new test session (R13)."""
    hearing.decided_at = kztime.now()
    hearing.save(update_fields=["decided_at"])
    # Tests still open for the old slot no longer apply and must not block a new request.
    from ..choices import TestSessionStatus

    hearing.test_sessions.filter(status__in=[TestSessionStatus.REQUESTED, TestSessionStatus.SCHEDULED]
                                 ).update(status=TestSessionStatus.CANCELLED)
    if hearing.remote_sites.exists():
        from ..choices import DeadlineKind

        deadlines.schedule(hearing, DeadlineKind.TEST_REQUEST, kztime.end_of_next_local_day(hearing.decided_at))
    deadlines.plan_for_slot(hearing)
    open_agreement(hearing, actor)


@transaction.atomic
def reschedule(*, actor, hearing_id: int, starts_at: dt.datetime) -> Hearing:
    hearing = access.get_visible(actor, hearing_id, for_update=True)
    access.authorize(actor, hearing, "reschedule")
    access.check_state(hearing, "reschedule")
    _reschedule(hearing, actor, starts_at)
    return hearing


@transaction.atomic
def resume_after_suspension(*, actor, hearing_id: int, starts_at: dt.datetime | None = None) -> Hearing:
    """R24: after a suspension is lifted the secretary puts the hearing back on track:
    the slot (kept or new) is checked and agreed again, or, if the judge had not yet
    decided on it, goes back to the judge (R10)."""
    hearing = access.get_visible(actor, hearing_id, for_update=True)
    action = "resume" if hearing.decided_at is not None else "resume_undecided"
    access.authorize(actor, hearing, action)
    access.check_state(hearing, action)
    new_start = starts_at or hearing.starts_at
    endpoints = hearing_endpoints(hearing)
    assert_possible(endpoints=endpoints, starts_at=new_start, duration_minutes=hearing.duration_minutes,
                    exclude_hearing_id=hearing.pk, needs_test_session=len(endpoints) > 1)
    apply(hearing, action, actor, data={"starts_at": new_start.isoformat()})
    if new_start != hearing.starts_at:
        hearing.starts_at = new_start
        hearing.save(update_fields=["starts_at"])
    hold_endpoints(hearing, endpoints)
    if action == "resume":
        _restart_preparation(hearing, actor)
    else:
        notify([hearing.judge], "decision_requested", hearing=hearing)
    return hearing


@transaction.atomic
def cancel(*, actor, hearing_id: int, reason: str) -> Hearing:
    hearing = access.get_visible(actor, hearing_id, for_update=True)
    if not reason.strip():
        raise InvalidInput(_("Give the reason for cancelling."), {"reason": _("Required.")})
    apply(hearing, "cancel", actor, data={"reason": reason.strip()})
    release_endpoints(hearing)
    deadlines.cancel_all(hearing)
    from .booking import coordinators_of

    notify([hearing.secretary, hearing.judge, *coordinators_of(hearing)], "cancelled", hearing=hearing,
           reason=reason.strip())
    return hearing

