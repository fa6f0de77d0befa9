"""The hearing day: connecting (R15), faults and the act (R16-R18), call-in (R19),
attendance and identity (R20), technical breaks (R22) and closing (R8)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record, snapshot
from courtvcs.errors import InvalidInput, NotFound, RuleViolation
from courtvcs.notifications.services import notify, send_email
from courtvcs.orgs.choices import Role
from courtvcs.orgs.models import User

from .. import access
from ..choices import (
    ActStatus, AttendanceResult, DeadlineKind, FaultStatus, HearingStatus, ParticipationMode,
    Signatory, SiteConnection,
)
from ..models import Act, ActSignature, AttendanceCheck, FaultReport, Hearing, Participant
from . import deadlines
from .booking import release_endpoints
from ..access import authorize, check_state
from .workflow import apply, guard, record_event

SIGNATORY_OF_ROLE = {Role.OFFICE_HEAD: Signatory.OFFICE_HEAD, Role.SECRETARY: Signatory.SECRETARY,
                     Role.COURT_TECHNICIAN: Signatory.TECHNICIAN}


def _hearing(actor, hearing_id: int) -> Hearing:
    return access.get_visible(actor, hearing_id, for_update=True)


@transaction.atomic
def connect(*, actor, hearing_id: int) -> Hearing:
    """R15: the secretary connects the remote sites 20-30 minutes before the start."""
    hearing = _hearing(actor, hearing_id)
    now = kztime.now()
    access.authorize(actor, hearing, "connect")
    access.check_state(hearing, "connect")
    if now < hearing.window_opens_at:
        raise RuleViolation("R15", _("The connection window opens at %(at)s, 30 minutes before the start.")
                            % {"at": kztime.format_local(hearing.window_opens_at)})
    if now >= hearing.ends_at:
        raise RuleViolation("R15", _("The hearing's time is over; it can no longer be connected."))
    _refuse_if_suspended(hearing, now)
    # One action connects every site: each is "connecting" until its media link is up, and
    # the courtroom console reports it connected (courtvcs.live).
    hearing.remote_sites.update(connection=SiteConnection.CONNECTING)
    late = now > hearing.starts_at - _alert_lead()
    apply(hearing, "connect", actor, data={"late": late})
    deadlines.settle(hearing, DeadlineKind.WINDOW_OPENS, DeadlineKind.NOT_CONNECTED)
    return hearing


def _refuse_if_suspended(hearing: Hearing, now) -> None:
    """R24: a suspension lasts until it is lifted, past its expected end. A hearing booked
    after the expected end was not caught when it was declared, so the connection checks."""
    from courtvcs.suspensions.selectors import suspensions_overlapping

    sites = hearing.remote_sites.values_list("endpoint__organisation_id", flat=True)
    in_force = list(suspensions_overlapping(sites, now, now + dt.timedelta(seconds=1)))
    if in_force:
        raise RuleViolation("R24", _("VCS at %(institution)s is suspended (%(reason)s) until the officer lifts it.")
                            % {"institution": in_force[0].institution.name,
                               "reason": in_force[0].get_reason_display()})


def _alert_lead():
    from django.conf import settings

    return dt.timedelta(minutes=settings.COURTVCS_NOT_CONNECTED_ALERT_MINUTES)


def _technicians_for(hearing: Hearing):
    orgs = [hearing.court_id, *hearing.remote_sites.values_list("endpoint__organisation_id", flat=True)]
    return User.objects.filter(organisation_id__in=orgs, is_active=True,
                               role__in=[Role.COURT_TECHNICIAN, Role.INSTITUTION_TECHNICIAN])


@transaction.atomic
def report_fault(*, actor, hearing_id: int, description: str, remote_site_id: int | None = None) -> FaultReport:
    """R16: the secretary tells the technical specialist at once."""
    hearing = _hearing(actor, hearing_id)
    guard(hearing, "report_fault", actor)
    if not description.strip():
        raise InvalidInput(_("Describe the fault."), {"description": _("Required.")})
    site = None
    if remote_site_id is not None:
        site = hearing.remote_sites.filter(pk=remote_site_id).first()
        if site is None:
            raise InvalidInput(_("No such remote site in this hearing."),
                               {"remote_site_id": _("Not a remote site of this hearing.")})
        site.connection = SiteConnection.LOST
        site.save(update_fields=["connection"])
    fault = FaultReport.objects.create(hearing=hearing, remote_site=site, description=description.strip(),
                                       reported_at=kztime.now(), reported_by=actor)
    audit_record(actor=actor, action="fault_reported", obj=fault, hearing_id=hearing.pk, rule="R16",
                 after=snapshot(fault))
    record_event(hearing, "fault_reported", actor, rule="R16",
                 data={"fault": fault.pk, "description": fault.description, "site": remote_site_id})
    notify(_technicians_for(hearing), "fault_reported", hearing=hearing, description=fault.description)
    return fault


def _open_fault(actor, fault_id: int) -> tuple[FaultReport, Hearing]:
    fault = FaultReport.objects.select_for_update(of=("self",)).filter(pk=fault_id).first()
    if fault is None:
        raise NotFound(_("No such fault report."))
    hearing = _hearing(actor, fault.hearing_id)
    return fault, hearing


@transaction.atomic
def resolve_fault(*, actor, fault_id: int, fixed: bool, resolution: str) -> FaultReport:
    """R16: fixed; R17: cannot be fixed, and the hearing cannot be held by VCS."""
    fault, hearing = _open_fault(actor, fault_id)
    # Who first: a person who may not resolve faults learns nothing of this one's state.
    authorize(actor, hearing, "fix_fault")
    if fault.status != FaultStatus.OPEN:
        raise RuleViolation("R16", _("This fault is already resolved."))
    if not resolution.strip():
        raise InvalidInput(_("Say what was done."), {"resolution": _("Required.")})
    check_state(hearing, "fix_fault")
    before = snapshot(fault)
    fault.status = FaultStatus.FIXED if fixed else FaultStatus.UNFIXABLE
    fault.resolved_at, fault.resolved_by, fault.resolution = kztime.now(), actor, resolution.strip()
    fault.save()
    audit_record(actor=actor, action=f"fault_{fault.status}", obj=fault, hearing_id=hearing.pk,
                 rule="R16" if fixed else "R17", before=before, after=snapshot(fault))
    if fixed:
        if fault.remote_site_id and hearing.status in {HearingStatus.CONNECTED, HearingStatus.IN_SESSION,
                                                        HearingStatus.TECHNICAL_BREAK}:
            fault.remote_site.connection = SiteConnection.CONNECTED
            fault.remote_site.save(update_fields=["connection"])
        record_event(hearing, "fault_fixed", actor, rule="R16",
                     data={"fault": fault.pk, "resolution": fault.resolution})
        notify([hearing.secretary], "fault_fixed", hearing=hearing)
    else:
        declare_impossible(hearing, actor, reason=fault.resolution, fault=fault)
    return fault


def declare_impossible(hearing: Hearing, actor, *, reason: str, fault: FaultReport | None = None) -> None:
    """R17: the hearing cannot be held by VCS; tell the remote side and mobile participants."""
    apply(hearing, "vcs_impossible", actor, data={"reason": reason, "fault": fault.pk if fault else None})
    deadlines.cancel_all(hearing)
    remote_people = User.objects.filter(
        is_active=True, organisation_id__in=hearing.remote_sites.values("endpoint__organisation_id"),
        role__in=[Role.INSTITUTION_OFFICER, Role.INSTITUTION_TECHNICIAN, Role.SECRETARY])
    notify([hearing.secretary, hearing.judge, *remote_people], "vcs_impossible", hearing=hearing,
           reason=reason)
    mobile = list(hearing.participants.filter(mode=ParticipationMode.MOBILE_VCS))
    _tell_mobile_participants(hearing, mobile, reason)
    record_event(hearing, "mobile_participants_informed", actor, rule="R17",
                 data={"participants": [p.pk for p in mobile]})


def _tell_mobile_participants(hearing: Hearing, participants: list[Participant], reason: str) -> None:
    subject = _("The hearing in case %(case)s will not be held by VCS") % {"case": hearing.case_number}
    body = _("The hearing on %(start)s cannot be held by VCS: %(reason)s. The court will inform you "
             "of the next steps.") % {"start": kztime.format_local(hearing.starts_at), "reason": reason}
    addresses = [p.email for p in participants if p.email]
    if addresses:
        transaction.on_commit(lambda: send_email(subject, body, addresses))


@transaction.atomic
def draw_up_act(*, actor, hearing_id: int, reason: str, fault_id: int | None = None) -> Act:
    """R18: the act of absence of technical possibility, from the fault record."""
    hearing = _hearing(actor, hearing_id)
    guard(hearing, "draw_up_act", actor)
    fault = None
    if fault_id is not None:
        fault = hearing.faults.filter(pk=fault_id).first()
        if fault is None:
            raise InvalidInput(_("No such fault in this hearing."), {"fault_id": _("Unknown fault.")})
    if hearing.acts.filter(status=ActStatus.AWAITING_SIGNATURES).exists():
        raise RuleViolation("R18", _("An act for this hearing is already waiting for signatures."))
    text = reason.strip() or (fault.resolution if fault else "")
    if not text:
        raise InvalidInput(_("Give the reason VCS was not possible."), {"reason": _("Required.")})
    if hearing.status != HearingStatus.VCS_FAILED:
        # R18 also covers a start delayed for technical or other reasons.
        declare_impossible(hearing, actor, reason=text, fault=fault)
    act = Act.objects.create(hearing=hearing, fault=fault, reason=text, created_at=kztime.now(),
                             created_by=actor)
    audit_record(actor=actor, action="act_drawn_up", obj=act, hearing_id=hearing.pk, rule="R18",
                 after=snapshot(act))
    record_event(hearing, "act_drawn_up", actor, rule="R18", data={"act": act.pk})
    signers = User.objects.filter(organisation_id=hearing.court_id, is_active=True,
                                  role__in=[Role.OFFICE_HEAD, Role.COURT_TECHNICIAN])
    notify([*signers, hearing.secretary], "act_to_sign", hearing=hearing)
    return act


@transaction.atomic
def sign_act(*, actor, act_id: int) -> Act:
    """R18: signed by the head of the office, the secretary and the technical specialist,
    in any order; the third signature marks the hearing not held by VCS."""
    act = Act.objects.select_for_update(of=("self",)).filter(pk=act_id).first()
    if act is None:
        raise NotFound(_("No such act."))
    hearing = _hearing(actor, act.hearing_id)
    guard(hearing, "sign_act", actor)
    signatory = SIGNATORY_OF_ROLE.get(actor.role)
    if act.status != ActStatus.AWAITING_SIGNATURES:
        raise RuleViolation("R18", _("This act is already signed by all three."))
    if act.signatures.filter(signatory=signatory).exists():
        raise RuleViolation("R18", _("The %(who)s has already signed this act.")
                            % {"who": Signatory(signatory).label})
    sig = ActSignature.objects.create(act=act, signatory=signatory, signed_by=actor, signed_at=kztime.now())
    audit_record(actor=actor, action="act_signed_by", obj=sig, hearing_id=hearing.pk, rule="R18",
                 after=snapshot(sig))
    record_event(hearing, "act_signature", actor, rule="R18", data={"act": act.pk, "signatory": signatory})
    if act.signatures.count() == len(Signatory.values):
        act.status, act.signed_at = ActStatus.SIGNED, kztime.now()
        act.save(update_fields=["status", "signed_at"])
        apply(hearing, "act_signed", actor, data={"act": act.pk})
        release_endpoints(hearing)
        # The signed act's documents are made and frozen once this is committed (documents app).
        from courtvcs.documents.services import freeze_act_after_commit

        freeze_act_after_commit(act, actor)
    return act


@transaction.atomic
def call_in(*, actor, hearing_id: int) -> Hearing:
    """R19: at the appointed time the secretary or bailiff invites the participants in."""
    hearing = _hearing(actor, hearing_id)
    apply(hearing, "call_in", actor)
    return hearing


@transaction.atomic
def check_attendance(*, actor, hearing_id: int, participant_id: int, result: str, document: str = "",
                     authority: str = "", note: str = "") -> AttendanceCheck:
    """R20: attendance, identity and authority, checked where the participant is."""
    hearing = _hearing(actor, hearing_id)
    guard(hearing, "check_attendance", actor)
    participant = hearing.participants.select_related("remote_site__endpoint").filter(pk=participant_id).first()
    if participant is None:
        raise InvalidInput(_("No such participant in this hearing."),
                           {"participant_id": _("Not a participant of this hearing.")})
    at_site_org = participant.remote_site.endpoint.organisation_id if participant.remote_site else None
    if actor.organisation_id != hearing.court_id and actor.organisation_id != at_site_org:
        raise RuleViolation("R20", _("Only the court or the institution where the participant is "
                                     "checks their identity."))
    if result == AttendanceResult.ADMITTED and not document.strip():
        raise InvalidInput(_("Record the identity document you saw."), {"document": _("Required to admit.")})
    check = AttendanceCheck.objects.create(
        hearing=hearing, participant=participant, checked_by=actor, checked_by_org=actor.organisation,
        checked_at=kztime.now(), document=document.strip(), authority=authority.strip(), result=result,
        note=note.strip())
    audit_record(actor=actor, action="attendance_checked", obj=check, hearing_id=hearing.pk, rule="R20",
                 after=snapshot(check))
    record_event(hearing, "attendance_checked", actor, rule="R20",
                 data={"participant": participant.pk, "result": result, "mode": participant.mode})
    return check


@transaction.atomic
def declare_break(*, actor, hearing_id: int, reason: str = "") -> Hearing:
    """R22: the presiding judge declares a break for technical reasons."""
    hearing = _hearing(actor, hearing_id)
    apply(hearing, "declare_break", actor, data={"reason": reason})
    notify([hearing.secretary], "technical_break", hearing=hearing)
    return hearing


@transaction.atomic
def reconnect(*, actor, hearing_id: int) -> Hearing:
    """R22: the secretary connects again to the court and the participant concerned."""
    hearing = _hearing(actor, hearing_id)
    # The consoles restart the links that are down; each site reports connected again.
    hearing.remote_sites.exclude(connection=SiteConnection.CONNECTED) \
        .update(connection=SiteConnection.CONNECTING)
    apply(hearing, "reconnect", actor)
    return hearing


@transaction.atomic
def close(*, actor, hearing_id: int) -> Hearing:
    """R8: the secretary ends the session."""
    hearing = _hearing(actor, hearing_id)
    apply(hearing, "close", actor)
    hearing.remote_sites.update(connection=SiteConnection.WAITING)
    release_endpoints(hearing)
    deadlines.cancel_all(hearing)
    return hearing
