"""The judge's decision (R10) and the coordinator's agreement of the slot (R11, R12)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record, snapshot
from courtvcs.errors import InvalidInput, NotFound, RuleViolation
from courtvcs.notifications.services import notify
from courtvcs.orgs.choices import Role
from courtvcs.orgs.models import Organisation

from .. import access
from ..choices import AgreementStatus, DeadlineKind, PetitionStatus
from ..models import AgreementRequest, Hearing, Petition
from ..states import ACTIONS
from . import deadlines
from .booking import move_slot, open_agreement, release_endpoints
from .workflow import agreement_rule, apply


def _locked(actor, hearing_id: int) -> Hearing:
    return access.get_visible(actor, hearing_id, for_update=True)


def _pending_agreement(hearing: Hearing, *statuses: str) -> AgreementRequest:
    request = (AgreementRequest.objects.select_for_update().filter(hearing=hearing, status__in=statuses)
               .order_by("-requested_at", "-id").first())
    if request is None:
        raise NotFound(_("This hearing has no open agreement request."))
    return request


@transaction.atomic
def decide(*, actor, hearing_id: int, hold_by_vcs: bool, reason: str = "") -> Hearing:
    """R10, R13: the judge decides; from then the test-session request is due next day."""
    hearing = _locked(actor, hearing_id)
    if not hold_by_vcs:
        apply(hearing, "reject", actor, data={"reason": reason})
        release_endpoints(hearing)
        if hearing.petition_id:
            _set_petition(hearing.petition, PetitionStatus.REJECTED, actor)
        notify([hearing.secretary], "decision_rejected", hearing=hearing)
        return hearing
    apply(hearing, "decide", actor, data={"reason": reason})
    hearing.decided_at = kztime.now()
    hearing.save(update_fields=["decided_at"])
    if hearing.petition_id:
        _set_petition(hearing.petition, PetitionStatus.GRANTED, actor)
    if hearing.remote_sites.exists():
        deadlines.schedule(hearing, DeadlineKind.TEST_REQUEST, kztime.end_of_next_local_day(hearing.decided_at))
    deadlines.plan_for_slot(hearing)
    open_agreement(hearing, actor)
    return hearing


def _set_petition(petition: Petition, status: str, actor) -> None:
    before = snapshot(petition)
    petition.status, petition.decided_by, petition.decided_at = status, actor, kztime.now()
    petition.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(actor=actor, action=f"petition_{status}", obj=petition, rule="R10",
                 before=before, after=snapshot(petition))


@transaction.atomic
def coordinator_answer(*, actor, hearing_id: int, answer: str, reason: str = "",
                       proposed_starts_at: dt.datetime | None = None) -> Hearing:
    """R11/R12: agree, refuse with a reason, or propose another start."""
    hearing = _locked(actor, hearing_id)
    rule = agreement_rule(hearing)
    _check_answerable(actor, hearing, answer, rule)
    if answer == "refuse" and not reason.strip():
        raise InvalidInput(_("Give the reason for refusing."), {"reason": _("Required when refusing.")})
    if answer == "propose" and proposed_starts_at is None:
        raise InvalidInput(_("Give the start you propose."),
                           {"proposed_starts_at": _("Required when proposing another time.")})
    if answer == "propose":
        # The proposal must itself be technically possible (R10) before it goes to the secretary.
        from .booking import assert_possible, hearing_endpoints

        endpoints = hearing_endpoints(hearing)
        assert_possible(endpoints=endpoints, starts_at=proposed_starts_at,
                        duration_minutes=hearing.duration_minutes, exclude_hearing_id=hearing.pk,
                        needs_test_session=len(endpoints) > 1)
    apply(hearing, answer, actor, rule=rule, data={
        "reason": reason, **({"proposed_starts_at": proposed_starts_at.isoformat()}
                             if proposed_starts_at else {})})
    request = _pending_agreement(hearing, AgreementStatus.PENDING)
    before = snapshot(request)
    request.status = {"agree": AgreementStatus.AGREED, "refuse": AgreementStatus.REFUSED,
                      "propose": AgreementStatus.PROPOSED}[answer]
    request.reason, request.proposed_starts_at = reason.strip(), proposed_starts_at
    request.decided_by, request.decided_at = actor, kztime.now()
    request.save()
    audit_record(actor=actor, action=f"agreement_{answer}", obj=request, hearing_id=hearing.pk,
                 rule=rule, before=before, after=snapshot(request))
    if answer == "agree":
        notify([hearing.secretary, hearing.judge], "agreed", hearing=hearing)
    elif answer == "refuse":
        release_endpoints(hearing)
        deadlines.cancel_all(hearing)
        notify([hearing.secretary, hearing.judge], "refused", hearing=hearing, reason=reason)
    else:
        notify([hearing.secretary], "slot_proposed", hearing=hearing,
               proposed=kztime.format_local(proposed_starts_at))
    return hearing


def _check_answerable(actor, hearing: Hearing, answer: str, rule: str) -> None:
    """Who and when first (403, then 409), and a late answer names the rule of this
    hearing's instance: R12 for cassation, R11 otherwise (the table names R11 for both)."""
    access.authorize(actor, hearing, answer)
    if hearing.status not in ACTIONS[answer].from_states:
        raise RuleViolation(rule, _("This cannot be done while the hearing is “%(status)s”.")
                            % {"status": hearing.get_status_display()})


@transaction.atomic
def answer_proposal(*, actor, hearing_id: int, accept: bool) -> Hearing:
    """The secretary accepts the coordinator's proposed start, or declines it."""
    hearing = _locked(actor, hearing_id)
    action = "accept_proposal" if accept else "decline_proposal"
    rule = agreement_rule(hearing)
    # Who and when first, so a wrong person or state gets 403/409 (naming R12 for
    # cassation), not "no proposal".
    _check_answerable(actor, hearing, action, rule)
    request = _pending_agreement(hearing, AgreementStatus.PROPOSED)
    if accept:
        move_slot(hearing, request.proposed_starts_at, actor)
        apply(hearing, "accept_proposal", actor, rule=rule)
        request.status = AgreementStatus.ACCEPTED
        deadlines.plan_for_slot(hearing)
        notify([hearing.judge], "agreed", hearing=hearing)
    else:
        apply(hearing, "decline_proposal", actor, rule=rule)
        request.status = AgreementStatus.DECLINED
        request.save(update_fields=["status"])
        open_agreement(hearing, actor)
        notify(_coordinators(hearing), "proposal_declined", hearing=hearing)
        return hearing
    request.save(update_fields=["status"])
    audit_record(actor=actor, action="proposal_accepted", obj=request, hearing_id=hearing.pk, rule=rule)
    return hearing


def _coordinators(hearing):
    from .booking import coordinators_of

    return coordinators_of(hearing)


@transaction.atomic
def file_petition(*, actor, case_number: str, petitioner_name: str, petitioner_role: str, form: str,
                  requested_org_id: int | None, mobile_vcs: bool,
                  filed_at: dt.datetime | None = None) -> Petition:
    """R10, R23: record a petition to take part by VCS; the judge decides on it."""
    if actor.role not in {Role.SECRETARY, Role.JUDGE}:
        from courtvcs.errors import Forbidden

        raise Forbidden(_("Only the court's secretary or judge records petitions."))
    if requested_org_id is None and not mobile_vcs:
        raise InvalidInput(_("Name the court or institution to connect from, or mobile VCS."),
                           {"requested_org_id": _("Required unless mobile VCS is asked for.")})
    if requested_org_id is not None and not Organisation.objects.filter(pk=requested_org_id).exists():
        raise InvalidInput(_("Name another court or an institution."),
                           {"requested_org_id": _("Name another court or an institution.")})
    petition = Petition.objects.create(
        court=actor.organisation, case_number=case_number.strip(), petitioner_name=petitioner_name.strip(),
        petitioner_role=petitioner_role, form=form, filed_at=filed_at or kztime.now(),
        requested_org_id=requested_org_id, mobile_vcs=mobile_vcs, created_by=actor)
    audit_record(actor=actor, action="petition_filed", obj=petition, rule="R10", after=snapshot(petition))
    return petition
