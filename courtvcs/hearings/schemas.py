"""API shapes of the hearing workflow. Shape is checked here; the Rules in services."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from courtvcs import kztime
from courtvcs.api_types import Birthday, KzDatetime, ObjectId

from .choices import (
    AttendanceResult, Basis, Category, Instance, NextSittingMode, ParticipationMode, PetitionForm,
    ProceduralRole,
)


class ParticipantIn(Schema):
    full_name: str = Field(min_length=2, max_length=255)
    procedural_role: ProceduralRole
    mode: ParticipationMode
    remote_endpoint_id: ObjectId | None = None
    phone: str = Field("", max_length=32, pattern=r"^[0-9+() \-]*$")
    email: str = Field("", max_length=254)
    date_of_birth: Birthday | None = None

    @field_validator("email")
    @classmethod
    def _email_or_empty(cls, value: str) -> str:
        # One plain field (not a union) so an error is reported on "participants.N.email".
        value = value.strip()
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError("not a valid email address") from None
        return value


class HearingIn(Schema):
    case_number: str = Field(min_length=1, max_length=64)
    category: Category
    instance: Instance
    courtroom_id: ObjectId
    judge_id: ObjectId
    starts_at: KzDatetime
    duration_minutes: int = Field(ge=5, le=720)
    remote_endpoint_ids: list[ObjectId] = Field(default_factory=list, max_length=8)
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=50)
    basis: Basis = Basis.COURT_INITIATIVE
    petition_id: ObjectId | None = None


class AvailabilityIn(Schema):
    courtroom_id: ObjectId
    remote_endpoint_ids: list[ObjectId] = Field(default_factory=list, max_length=8)
    starts_at: KzDatetime
    duration_minutes: int = Field(ge=5, le=720)


class AvailabilityOut(Schema):
    possible: bool
    reasons: list[str]


class DecisionIn(Schema):
    hold_by_vcs: bool
    reason: str = Field("", max_length=2000)


class AgreementIn(Schema):
    answer: Literal["agree", "refuse", "propose"]
    reason: str = Field("", max_length=2000)
    proposed_starts_at: KzDatetime | None = None


class ProposalAnswerIn(Schema):
    accept: bool


class PetitionIn(Schema):
    case_number: str = Field(min_length=1, max_length=64)
    petitioner_name: str = Field(min_length=2, max_length=255)
    petitioner_role: ProceduralRole
    form: PetitionForm
    requested_org_id: ObjectId | None = None
    mobile_vcs: bool = False
    filed_at: KzDatetime | None = None


class PetitionOut(Schema):
    id: int
    case_number: str
    petitioner_name: str
    petitioner_role: str
    form: str
    filed_at: dt.datetime
    requested_org_id: int | None
    mobile_vcs: bool
    status: str


class ScheduleIn(Schema):
    scheduled_at: KzDatetime


class TestResultIn(Schema):
    passed: bool
    notes: str = Field("", max_length=4000)
    figures: dict[str, float] = Field(default_factory=dict)


class FaultIn(Schema):
    description: str = Field(min_length=1, max_length=4000)
    remote_site_id: ObjectId | None = None


class FaultResolutionIn(Schema):
    fixed: bool
    resolution: str = Field(min_length=1, max_length=4000)


class ActIn(Schema):
    reason: str = Field("", max_length=4000)
    fault_id: ObjectId | None = None


class AttendanceIn(Schema):
    participant_id: ObjectId
    result: AttendanceResult
    document: str = Field("", max_length=255)
    authority: str = Field("", max_length=255)
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class RequiredReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class ModeChoiceIn(Schema):
    participant_id: ObjectId
    mode: NextSittingMode
    from_org_id: ObjectId | None = None
    how_asked: str = Field("", max_length=255)


class OralPetitionIn(Schema):
    petitioner_name: str = Field(min_length=2, max_length=255)
    petitioner_role: ProceduralRole
    requested_org_id: ObjectId | None = None
    mobile_vcs: bool = False


class AdjournIn(Schema):
    reason: str = Field("", max_length=2000)
    choices: list[ModeChoiceIn] = Field(default_factory=list, max_length=50)
    next_starts_at: KzDatetime | None = None
    oral_petition: OralPetitionIn | None = None


class StartIn(Schema):
    starts_at: KzDatetime


class ResumeIn(Schema):
    starts_at: KzDatetime | None = None


# ---- output ---------------------------------------------------------------------------

class RemoteSiteOut(Schema):
    id: int
    endpoint_id: int
    organisation_id: int
    organisation: str
    room_number: str
    connection: str

    @staticmethod
    def resolve_organisation_id(obj) -> int:
        return obj.endpoint.organisation_id

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.endpoint.organisation.name

    @staticmethod
    def resolve_room_number(obj) -> str:
        return obj.endpoint.room_number


class DeadlineOut(Schema):
    kind: str
    label: str
    due_at: dt.datetime
    due_local: str

    @staticmethod
    def resolve_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_due_local(obj) -> str:
        return kztime.format_local(obj.due_at)


class HearingOut(Schema):
    id: int
    case_number: str
    category: str
    instance: str
    court_id: int
    court: str
    courtroom_id: int
    room_number: str
    judge_id: int
    judge: str
    secretary_id: int
    starts_at: dt.datetime
    starts_local: str
    ends_at: dt.datetime
    duration_minutes: int
    status: str
    status_label: str
    basis: str
    remote_sites: list[RemoteSiteOut]
    next_deadline: DeadlineOut | None

    @staticmethod
    def resolve_court(obj) -> str:
        return obj.court.name

    @staticmethod
    def resolve_room_number(obj) -> str:
        return obj.courtroom.room_number

    @staticmethod
    def resolve_judge(obj) -> str:
        return obj.judge.display_name

    @staticmethod
    def resolve_starts_local(obj) -> str:
        return kztime.format_local(obj.starts_at)

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_remote_sites(obj):
        return list(obj.remote_sites.all())

    @staticmethod
    def resolve_next_deadline(obj):
        pending = getattr(obj, "pending_deadlines", None)
        if pending is None:
            pending = [d for d in obj.deadlines.all() if d.status == "pending"]
        return min(pending, key=lambda d: d.due_at) if pending else None


class ParticipantOut(Schema):
    id: int
    full_name: str
    procedural_role: str
    mode: str
    remote_site_id: int | None
    phone: str
    email: str


class TestSessionOut(Schema):
    id: int
    hearing_id: int
    remote_site_id: int
    status: str
    requested_at: dt.datetime
    must_be_held_before: dt.datetime
    scheduled_at: dt.datetime | None
    held_at: dt.datetime | None
    notes: str
    figures: dict


class LetterOut(Schema):
    id: int
    hearing_id: int
    remote_site_id: int
    recipient_org_id: int
    sent_at: dt.datetime
    hearing_starts_at: dt.datetime
    acknowledged_at: dt.datetime | None


class FaultOut(Schema):
    id: int
    hearing_id: int
    remote_site_id: int | None
    description: str
    reported_at: dt.datetime
    status: str
    resolved_at: dt.datetime | None
    resolution: str


class SignatureOut(Schema):
    signatory: str
    signed_by_id: int
    signed_at: dt.datetime


class ActOut(Schema):
    id: int
    hearing_id: int
    fault_id: int | None
    reason: str
    status: str
    created_at: dt.datetime
    signed_at: dt.datetime | None
    signatures: list[SignatureOut]

    @staticmethod
    def resolve_signatures(obj):
        return list(obj.signatures.all())


class AgreementOut(Schema):
    id: int
    hearing_id: int
    coordinator_org_id: int
    starts_at: dt.datetime
    requested_at: dt.datetime
    status: str
    proposed_starts_at: dt.datetime | None
    reason: str


class AttendanceOut(Schema):
    id: int
    participant_id: int
    checked_by_id: int
    checked_by_org_id: int
    checked_at: dt.datetime
    document: str
    authority: str
    result: str


class HearingDetailOut(HearingOut):
    participants: list[ParticipantOut]
    test_sessions: list[TestSessionOut]
    letters: list[LetterOut]
    faults: list[FaultOut]
    acts: list[ActOut]
    agreements: list[AgreementOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_participants(obj):
        return list(obj.participants.all())

    @staticmethod
    def resolve_test_sessions(obj):
        return list(obj.test_sessions.all())

    @staticmethod
    def resolve_letters(obj):
        return list(obj.letters.all())

    @staticmethod
    def resolve_faults(obj):
        return list(obj.faults.all())

    @staticmethod
    def resolve_acts(obj):
        return list(obj.acts.all())

    @staticmethod
    def resolve_agreements(obj):
        return list(obj.agreements.all())


class TimelineOut(Schema):
    id: int
    at: dt.datetime
    at_local: str
    kind: str
    rule: str
    actor: str | None
    from_status: str
    to_status: str
    data: dict

    @staticmethod
    def resolve_at_local(obj) -> str:
        return kztime.format_local(obj.at)

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.display_name if obj.actor else None


class QueueItemOut(Schema):
    id: int
    hearing: HearingOut
    starts_at: dt.datetime
    requested_at: dt.datetime
    status: str
