"""The hearing workflow over JSON: parse, call a service or selector, return."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Status, Router

from courtvcs import kztime
from courtvcs.api_types import KzDate
from courtvcs.errors import InvalidInput
from courtvcs.orgs import reauth
from courtvcs.orgs.models import Endpoint

from . import selectors
from .schemas import (
    ActIn, ActOut, AdjournIn, AgreementIn, AttendanceIn, AttendanceOut, AvailabilityIn,
    AvailabilityOut, DecisionIn, FaultIn, FaultOut, FaultResolutionIn, HearingDetailOut, HearingIn,
    HearingOut, LetterOut, ParticipantIn, ParticipantOut, PetitionIn, PetitionOut, ProposalAnswerIn, QueueItemOut, ReasonIn,
    RequiredReasonIn, ResumeIn, ScheduleIn, StartIn, TestResultIn, TestSessionOut, TimelineOut,
)
from .services import adjournment, agreement, booking, hearing_day, participants, preparation

router = Router(tags=["hearings"])


def _detail(request, hearing_id: int):
    return selectors.hearing_detail(request.user, hearing_id)


# ---- booking (R10) ----------------------------------------------------------------------

@router.post("/availability", response=AvailabilityOut)
def check_availability(request, payload: AvailabilityIn):
    """R10: is VCS technically possible for this slot? Every reason is listed."""
    ids = [payload.courtroom_id, *payload.remote_endpoint_ids]
    endpoints = list(Endpoint.objects.filter(pk__in=ids).select_related("organisation"))
    if len(endpoints) != len(set(ids)):
        raise InvalidInput(_("Unknown endpoint."), {"remote_endpoint_ids": _("Unknown endpoint.")})
    reasons = booking.possibility_problems(endpoints=endpoints, starts_at=payload.starts_at,
                                           duration_minutes=payload.duration_minutes,
                                           needs_test_session=bool(payload.remote_endpoint_ids))
    return {"possible": not reasons, "reasons": reasons}


@router.post("/hearings", response={201: HearingDetailOut})
def book_hearing(request, payload: HearingIn):
    hearing = booking.create_hearing(
        actor=request.user, case_number=payload.case_number, category=payload.category,
        instance=payload.instance, courtroom_id=payload.courtroom_id, judge_id=payload.judge_id,
        starts_at=payload.starts_at, duration_minutes=payload.duration_minutes,
        remote_endpoint_ids=payload.remote_endpoint_ids,
        participants=[booking.ParticipantInput(**p.model_dump()) for p in payload.participants],
        basis=payload.basis, petition_id=payload.petition_id)
    return Status(201, _detail(request, hearing.pk))


@router.get("/hearings", response=list[HearingOut])
def list_hearings(request, date_from: KzDate | None = None, date_to: KzDate | None = None,
                  status: str | None = None, limit: int = 100, offset: int = 0):
    """Hearings you may see, by Kazakhstan calendar days [date_from, date_to]; from
    today on unless date_from is given."""
    date_from = date_from or kztime.local_date(kztime.now())
    offset = max(0, min(offset, 1_000_000))  # a larger one would overflow the database's OFFSET
    return selectors.hearing_list(
        request.user, status=status, limit=max(1, min(limit, 500)), offset=offset,
        date_from=kztime.start_of_local_day(date_from) if date_from else None,
        date_to=kztime.start_of_local_day(date_to + dt.timedelta(days=1)) if date_to else None)


@router.get("/hearings/{hearing_id}", response=HearingDetailOut)
def get_hearing(request, hearing_id: int):
    return _detail(request, hearing_id)


@router.get("/hearings/{hearing_id}/timeline", response=list[TimelineOut])
def get_timeline(request, hearing_id: int):
    return selectors.timeline(request.user, hearing_id)


# ---- decision and agreement (R10-R12) ---------------------------------------------------

@router.post("/petitions", response={201: PetitionOut})
def file_petition(request, payload: PetitionIn):
    return Status(201, agreement.file_petition(actor=request.user, **payload.model_dump()))


@router.post("/hearings/{hearing_id}/decision", response=HearingDetailOut)
def decide(request, hearing_id: int, payload: DecisionIn):
    agreement.decide(actor=request.user, hearing_id=hearing_id, hold_by_vcs=payload.hold_by_vcs,
                     reason=payload.reason)
    return _detail(request, hearing_id)


@router.get("/coordinator/queue", response=list[QueueItemOut])
def coordinator_queue(request):
    return selectors.coordinator_queue(request.user)


@router.post("/hearings/{hearing_id}/agreement", response=HearingDetailOut)
def answer_agreement(request, hearing_id: int, payload: AgreementIn):
    agreement.coordinator_answer(actor=request.user, hearing_id=hearing_id, answer=payload.answer,
                                 reason=payload.reason, proposed_starts_at=payload.proposed_starts_at)
    return _detail(request, hearing_id)


@router.post("/hearings/{hearing_id}/proposal", response=HearingDetailOut)
def answer_proposal(request, hearing_id: int, payload: ProposalAnswerIn):
    agreement.answer_proposal(actor=request.user, hearing_id=hearing_id, accept=payload.accept)
    return _detail(request, hearing_id)


# ---- test session and letter (R13) ------------------------------------------------------

@router.post("/hearings/{hearing_id}/test-sessions", response={201: list[TestSessionOut]})
def request_test_sessions(request, hearing_id: int):
    return Status(201, preparation.request_test_sessions(actor=request.user, hearing_id=hearing_id))


@router.get("/test-sessions", response=list[TestSessionOut])
def test_session_queue(request):
    return selectors.test_session_queue(request.user)


@router.post("/test-sessions/{test_session_id}/schedule", response=TestSessionOut)
def schedule_test_session(request, test_session_id: int, payload: ScheduleIn):
    return preparation.schedule_test_session(actor=request.user, test_session_id=test_session_id,
                                             scheduled_at=payload.scheduled_at)


@router.post("/test-sessions/{test_session_id}/result", response=TestSessionOut)
def record_test_result(request, test_session_id: int, payload: TestResultIn):
    return preparation.record_test_result(actor=request.user, test_session_id=test_session_id,
                                          passed=payload.passed, notes=payload.notes, figures=payload.figures)


@router.post("/hearings/{hearing_id}/letters", response={201: list[LetterOut]})
def send_letters(request, hearing_id: int):
    return Status(201, preparation.send_letters(actor=request.user, hearing_id=hearing_id))


@router.get("/letters", response=list[LetterOut])
def letters_inbox(request, unacknowledged: bool = False):
    return selectors.letters_inbox(request.user, unacknowledged_only=unacknowledged)


@router.post("/letters/{letter_id}/acknowledge", response=LetterOut)
def acknowledge_letter(request, letter_id: int):
    return preparation.acknowledge_letter(actor=request.user, letter_id=letter_id)


# ---- the hearing day (R15-R22) ----------------------------------------------------------

@router.post("/hearings/{hearing_id}/connect", response=HearingDetailOut)
def connect(request, hearing_id: int):
    hearing_day.connect(actor=request.user, hearing_id=hearing_id)
    return _detail(request, hearing_id)


@router.post("/hearings/{hearing_id}/faults", response={201: FaultOut})
def report_fault(request, hearing_id: int, payload: FaultIn):
    return Status(201, hearing_day.report_fault(actor=request.user, hearing_id=hearing_id,
                                         description=payload.description,
                                         remote_site_id=payload.remote_site_id))


@router.post("/faults/{fault_id}/resolution", response=FaultOut)
def resolve_fault(request, fault_id: int, payload: FaultResolutionIn):
    return hearing_day.resolve_fault(actor=request.user, fault_id=fault_id, fixed=payload.fixed,
                                     resolution=payload.resolution)


@router.post("/hearings/{hearing_id}/acts", response={201: ActOut})
def draw_up_act(request, hearing_id: int, payload: ActIn):
    return Status(201, hearing_day.draw_up_act(actor=request.user, hearing_id=hearing_id, reason=payload.reason,
                                        fault_id=payload.fault_id))


@router.get("/acts", response=list[ActOut])
def acts_awaiting_signature(request):
    return selectors.acts_awaiting_signature(request.user)


@router.post("/acts/{act_id}/sign", response=ActOut)
def sign_act(request, act_id: int):
    reauth.require_recent(request)  # issue 7: a signature needs a recent full sign-in
    return hearing_day.sign_act(actor=request.user, act_id=act_id)


@router.post("/hearings/{hearing_id}/call-in", response=HearingDetailOut)
def call_in(request, hearing_id: int):
    hearing_day.call_in(actor=request.user, hearing_id=hearing_id)
    return _detail(request, hearing_id)


@router.post("/hearings/{hearing_id}/attendance", response={201: AttendanceOut})
def check_attendance(request, hearing_id: int, payload: AttendanceIn):
    return Status(201, hearing_day.check_attendance(actor=request.user, hearing_id=hearing_id, **payload.model_dump()))


@router.post("/hearings/{hearing_id}/break", response=HearingDetailOut)
def declare_break(request, hearing_id: int, payload: ReasonIn):
    hearing_day.declare_break(actor=request.user, hearing_id=hearing_id, reason=payload.reason)
    return _detail(request, hearing_id)


@router.post("/hearings/{hearing_id}/reconnect", response=HearingDetailOut)
def reconnect(request, hearing_id: int):
    hearing_day.reconnect(actor=request.user, hearing_id=hearing_id)
    return _detail(request, hearing_id)


@router.post("/hearings/{hearing_id}/close", response=HearingDetailOut)
def close(request, hearing_id: int):
    hearing_day.close(actor=request.user, hearing_id=hearing_id)
    return _detail(request, hearing_id)


# ---- adjournment, review, cancelling (R23, R24) -----------------------------------------

@router.post("/hearings/{hearing_id}/adjourn", response=HearingDetailOut)
def adjourn(request, hearing_id: int, payload: AdjournIn):
    adjournment.adjourn(
        actor=request.user, hearing_id=hearing_id, reason=payload.reason,
        choices=[adjournment.ModeChoice(**c.model_dump()) for c in payload.choices],
        next_starts_at=payload.next_starts_at,
        oral_petition=adjournment.OralPetition(**payload.oral_petition.model_dump()) if payload.oral_petition else None)
    return _detail(request, hearing_id)


@router.post("/hearings/{hearing_id}/reschedule", response=HearingDetailOut)
def reschedule(request, hearing_id: int, payload: StartIn):
    adjournment.reschedule(actor=request.user, hearing_id=hearing_id, starts_at=payload.starts_at)
    return _detail(request, hearing_id)


@router.post("/hearings/{hearing_id}/resume", response=HearingDetailOut)
def resume(request, hearing_id: int, payload: ResumeIn):
    adjournment.resume_after_suspension(actor=request.user, hearing_id=hearing_id, starts_at=payload.starts_at)
    return _detail(request, hearing_id)


@router.post("/hearings/{hearing_id}/cancel", response=HearingDetailOut)
def cancel(request, hearing_id: int, payload: RequiredReasonIn):
    adjournment.cancel(actor=request.user, hearing_id=hearing_id, reason=payload.reason)
    return _detail(request, hearing_id)


@router.post("/hearings/{hearing_id}/participants", response={201: ParticipantOut})
def add_participant(request, hearing_id: int, payload: ParticipantIn):
    return Status(201, participants.add_participant(actor=request.user, hearing_id=hearing_id,
                           person=booking.ParticipantInput(**payload.model_dump())))
