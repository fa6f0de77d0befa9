import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    ActStatus, AgreementStatus, AttendanceResult, Basis, Category, DeadlineKind, DeadlineStatus,
    FaultStatus, HearingStatus, Instance, NextSittingMode, ParticipationMode, PetitionForm,
    PetitionStatus, ProceduralRole, Signatory, SiteConnection, TestSessionStatus,
)

USER = settings.AUTH_USER_MODEL


class Hearing(models.Model):
    """A sitting of a case held by VCS. Its status changes only through states.py."""

    case_number = models.CharField(_("case number"), max_length=64, db_index=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    instance = models.CharField(_("instance"), max_length=16, choices=Instance.choices)
    court = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                              related_name="hearings", verbose_name=_("court"))
    courtroom = models.ForeignKey("orgs.Endpoint", on_delete=models.PROTECT,
                                  related_name="hearings", verbose_name=_("courtroom"))
    judge = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="judged_hearings",
                              verbose_name=_("presiding judge"))
    secretary = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("hearing secretary"))
    # Which coordinator agrees the slot (R11: the region's, R12: the Department's).
    coordinator_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                        related_name="coordinated_hearings")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(_("expected duration, minutes"))
    status = models.CharField(_("status"), max_length=24, choices=HearingStatus.choices,
                              default=HearingStatus.AWAITING_DECISION, db_index=True)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    petition = models.ForeignKey("Petition", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="hearings")
    decided_at = models.DateTimeField(_("VCS decided at"), null=True, blank=True)
    has_minor = models.BooleanField(_("a minor takes part"), default=False)
    safety_protected = models.BooleanField(_("a participant's safety is protected"), default=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("hearing by VCS")
        verbose_name_plural = _("hearings by VCS")
        indexes = [
            models.Index(fields=["court", "starts_at"]),
            models.Index(fields=["coordinator_org", "status"]),
            # Lists by date whatever the court (a secretary's hearings are "court OR remote
            # site", which the index above cannot serve; the public schedule's day): in the
            # order they are read. bench/README.md, "Cost growth".
            models.Index(fields=["starts_at", "id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=HearingStatus.values),
                                   name="hearing_status_valid"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=720),
                                   name="hearing_duration_5_to_720"),
            models.CheckConstraint(condition=~Q(basis=Basis.PETITION) | Q(petition__isnull=False),
                                   name="hearing_petition_basis_has_petition"),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def window_opens_at(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(minutes=settings.COURTVCS_CONNECTION_WINDOW_MINUTES)


class RemoteSite(models.Model):
    """An endpoint of another court or of an institution that joins the hearing."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="remote_sites")
    endpoint = models.ForeignKey("orgs.Endpoint", on_delete=models.PROTECT, related_name="+")
    connection = models.CharField(_("connection"), max_length=16, choices=SiteConnection.choices,
                                  default=SiteConnection.WAITING)
    connected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["hearing", "endpoint"],
                                               name="remote_site_once_per_hearing")]

    def __str__(self) -> str:
        return str(self.endpoint)


class Participant(models.Model):
    """A person taking part in the case, with how they take part."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="participants")
    full_name = models.CharField(_("full name"), max_length=255)
    procedural_role = models.CharField(_("procedural role"), max_length=20,
                                       choices=ProceduralRole.choices)
    mode = models.CharField(_("mode of participation"), max_length=16,
                            choices=ParticipationMode.choices)
    remote_site = models.ForeignKey(RemoteSite, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="participants")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # A mobile-VCS participant's own link to the courtroom (R17); remote sites keep theirs
    # on RemoteSite.connection.
    connection = models.CharField(_("connection"), max_length=16, choices=SiteConnection.choices,
                                  default=SiteConnection.WAITING)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mode=ParticipationMode.REMOTE_SITE) | Q(remote_site__isnull=False),
                name="participant_remote_has_site"),
            models.CheckConstraint(
                condition=~Q(mode=ParticipationMode.MOBILE_VCS) | ~Q(phone="") | ~Q(email=""),
                name="participant_mobile_has_contact"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Petition(models.Model):
    """R10, R23: a petition to take part by VCS, decided by the judge."""

    court = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(_("case number"), max_length=64)
    petitioner_name = models.CharField(_("petitioner"), max_length=255)
    petitioner_role = models.CharField(_("petitioner's procedural role"), max_length=20,
                                       choices=ProceduralRole.choices)
    form = models.CharField(_("form"), max_length=8, choices=PetitionForm.choices)
    filed_at = models.DateTimeField(_("filed at"))
    requested_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                      related_name="+", null=True, blank=True,
                                      verbose_name=_("court or institution to connect from"))
    mobile_vcs = models.BooleanField(_("asks for mobile VCS"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=PetitionStatus.choices,
                              default=PetitionStatus.PENDING)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(requested_org__isnull=False) | Q(mobile_vcs=True),
                                   name="petition_names_a_site_or_mobile"),
        ]


class EndpointBooking(models.Model):
    """An endpoint held by a hearing from its connection window to its end (R10, R15)."""

    endpoint = models.ForeignKey("orgs.Endpoint", on_delete=models.PROTECT, related_name="bookings")
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["endpoint", "active", "starts_at"]),
                   models.Index(fields=["hearing", "active"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="booking_ends_after_start"),
        ]


class AgreementRequest(models.Model):
    """R11, R12: a slot put to the coordinator, and what the coordinator answered."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="agreements")
    coordinator_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                        related_name="agreement_requests")
    starts_at = models.DateTimeField(_("requested start"))
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=AgreementStatus.choices,
                              default=AgreementStatus.PENDING)
    proposed_starts_at = models.DateTimeField(_("proposed start"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["coordinator_org", "status", "requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.PROPOSED) | Q(proposed_starts_at__isnull=False),
                name="agreement_proposal_has_time"),
            models.CheckConstraint(condition=~Q(status=AgreementStatus.REFUSED) | ~Q(reason=""),
                                   name="agreement_refusal_has_reason"),
        ]


class TestSession(models.Model):
    """R13: a test connection with one remote site, before the hearing."""

    __test__ = False  # a test session of the equipment, not a test class for pytest

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="test_sessions")
    remote_site = models.ForeignKey(RemoteSite, on_delete=models.CASCADE,
                                    related_name="test_sessions")
    status = models.CharField(max_length=12, choices=TestSessionStatus.choices,
                              default=TestSessionStatus.REQUESTED)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # The test must have taken place before this instant: the start of the hearing's day.
    must_be_held_before = models.DateTimeField()
    scheduled_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    technician = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    notes = models.TextField(blank=True)
    # Quality figures measured by the live call (filled by the media plane later).
    figures = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["passed", "failed"]) | Q(held_at__isnull=False),
                name="test_session_result_has_time"),
        ]


class Letter(models.Model):
    """R13: the letter to the institution or remote court so it can make arrangements."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="letters")
    remote_site = models.ForeignKey(RemoteSite, on_delete=models.CASCADE, related_name="letters")
    recipient_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                      related_name="letters_received")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    hearing_starts_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["recipient_org", "acknowledged_at"])]


class FaultReport(models.Model):
    """R16: an equipment fault or lost connection, reported to the technical specialist."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="faults")
    remote_site = models.ForeignKey(RemoteSite, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    description = models.TextField(_("what happened"))
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=FaultStatus.choices, default=FaultStatus.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    resolution = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["reported_at", "id"]


class Act(models.Model):
    """R18: the act of absence of technical possibility, signed by three people."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="acts")
    fault = models.ForeignKey(FaultReport, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="acts")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=24, choices=ActStatus.choices,
                              default=ActStatus.AWAITING_SIGNATURES)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class ActSignature(models.Model):
    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="signatures")
    signatory = models.CharField(max_length=16, choices=Signatory.choices)
    signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["act", "signatory"],
                                               name="act_signed_once_per_signatory")]


class AttendanceCheck(models.Model):
    """R20: attendance, identity and authority of one participant, and who checked."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="attendance_checks")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE,
                                    related_name="attendance_checks")
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    checked_by_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                       related_name="+")
    checked_at = models.DateTimeField()
    document = models.CharField(_("identity document seen"), max_length=255, blank=True)
    authority = models.CharField(_("authority checked"), max_length=255, blank=True)
    result = models.CharField(max_length=16, choices=AttendanceResult.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["checked_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(result=AttendanceResult.ADMITTED) | ~Q(document=""),
                                   name="attendance_admitted_needs_document"),
        ]


class Adjournment(models.Model):
    """R23: an adjournment or break, with each party's mode for the next sitting."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="adjournments")
    declared_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()
    previous_starts_at = models.DateTimeField()
    next_starts_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["declared_at", "id"]


class PartyModeChoice(models.Model):
    adjournment = models.ForeignKey(Adjournment, on_delete=models.CASCADE, related_name="choices")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=16, choices=NextSittingMode.choices)
    from_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    how_asked = models.CharField(_("means of communication"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(mode=NextSittingMode.VCS_COURT) | Q(from_org__isnull=False),
                name="party_mode_vcs_court_names_org"),
        ]


class TimelineEvent(models.Model):
    """What happened in a hearing, in order: the source of the protocol mark (R21)."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    kind = models.CharField(max_length=48)
    rule = models.CharField(max_length=8, blank=True)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["hearing", "at"])]


class Deadline(models.Model):
    """A moment the Rules set (R13, R15); a task fires it when due."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=16, choices=DeadlineKind.choices)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=DeadlineStatus.choices,
                              default=DeadlineStatus.PENDING)
    fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            # A hearing's pending deadlines (list, detail, queue; selectors.PENDING): without
            # it SQLite, which keeps no statistics, walks every pending deadline through
            # (status, due_at). See bench/README.md.
            models.Index(fields=["hearing", "status"]),
        ]
        constraints = [
            # One live deadline of each kind per hearing.
            models.UniqueConstraint(fields=["hearing", "kind"], condition=Q(status="pending"),
                                    name="one_pending_deadline_per_kind"),
        ]
