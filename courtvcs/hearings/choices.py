from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal")
    ADMIN_OFFENCE = "admin_offence", _("Administrative offence")
    CIVIL = "civil", _("Civil")


class Instance(models.TextChoices):
    FIRST = "first", _("First instance")
    APPEAL = "appeal", _("Appeal")
    CASSATION = "cassation", _("Cassation")


class HearingStatus(models.TextChoices):
    AWAITING_DECISION = "awaiting_decision", _("Awaiting the judge's decision")
    AWAITING_AGREEMENT = "awaiting_agreement", _("Awaiting the coordinator's agreement")
    SLOT_PROPOSED = "slot_proposed", _("Another time proposed")
    AGREED = "agreed", _("Agreed")
    READY = "ready", _("Ready")
    CONNECTED = "connected", _("Connected")
    IN_SESSION = "in_session", _("In session")
    TECHNICAL_BREAK = "technical_break", _("Technical break")
    VCS_FAILED = "vcs_failed", _("VCS impossible, act pending")
    ADJOURNED = "adjourned", _("Adjourned")
    SUSPENDED = "suspended", _("Suspended")
    UNDER_REVIEW = "under_review", _("Under review after suspension")
    CLOSED = "closed", _("Closed")
    NOT_HELD = "not_held", _("Not held by VCS")
    REJECTED = "rejected", _("VCS refused by the judge")
    REFUSED = "refused", _("Not agreed by the coordinator")
    CANCELLED = "cancelled", _("Cancelled")


# States in which a hearing holds its endpoints.
HOLDING_STATES = {
    HearingStatus.AWAITING_DECISION, HearingStatus.AWAITING_AGREEMENT,
    HearingStatus.SLOT_PROPOSED, HearingStatus.AGREED, HearingStatus.READY,
    HearingStatus.CONNECTED, HearingStatus.IN_SESSION, HearingStatus.TECHNICAL_BREAK,
    HearingStatus.VCS_FAILED, HearingStatus.SUSPENDED, HearingStatus.UNDER_REVIEW,
}
FINAL_STATES = {HearingStatus.CLOSED, HearingStatus.NOT_HELD, HearingStatus.REJECTED,
                HearingStatus.REFUSED, HearingStatus.CANCELLED}
# Before the hearing day's work starts: the states a suspension (R24) can catch.
PLANNED_STATES = {
    HearingStatus.AWAITING_DECISION, HearingStatus.AWAITING_AGREEMENT,
    HearingStatus.SLOT_PROPOSED, HearingStatus.AGREED, HearingStatus.READY,
    HearingStatus.CONNECTED, HearingStatus.IN_SESSION, HearingStatus.TECHNICAL_BREAK,
}


class Basis(models.TextChoices):
    """R10: why the hearing is held by VCS."""

    COURT_INITIATIVE = "court_initiative", _("Court's own initiative")
    PETITION = "petition", _("Petition")


class PetitionForm(models.TextChoices):
    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral")


class PetitionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected")


class ProceduralRole(models.TextChoices):
    DEFENDANT = "defendant", _("Defendant")
    CONVICT = "convict", _("Convicted person")
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    DEFENCE_LAWYER = "defence_lawyer", _("Defence lawyer")
    PLAINTIFF = "plaintiff", _("Plaintiff")
    RESPONDENT = "respondent", _("Respondent")
    REPRESENTATIVE = "representative", _("Representative")
    INTERPRETER = "interpreter", _("Interpreter")
    EXPERT = "expert", _("Expert")
    OTHER = "other", _("Other participant")


class ParticipationMode(models.TextChoices):
    COURTROOM = "courtroom", _("In the courtroom")
    REMOTE_SITE = "remote_site", _("At a remote site")
    MOBILE_VCS = "mobile_vcs", _("Mobile VCS")


class NextSittingMode(models.TextChoices):
    """R23: how a party will take part after an adjournment or break."""

    IN_PERSON = "in_person", _("In person at the court hearing the case")
    VCS_COURT = "vcs_court", _("By VCS from a named court or institution")
    MOBILE_VCS = "mobile_vcs", _("By mobile VCS")


class AgreementStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AGREED = "agreed", _("Agreed")
    REFUSED = "refused", _("Refused")
    PROPOSED = "proposed", _("Another time proposed")
    ACCEPTED = "accepted", _("Proposal accepted")
    DECLINED = "declined", _("Proposal declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TestSessionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class FaultStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FIXED = "fixed", _("Fixed")
    UNFIXABLE = "unfixable", _("Cannot be fixed")


class ActStatus(models.TextChoices):
    AWAITING_SIGNATURES = "awaiting_signatures", _("Awaiting signatures")
    SIGNED = "signed", _("Signed")


class Signatory(models.TextChoices):
    """R18: the act is signed by these three, in any order."""

    OFFICE_HEAD = "office_head", _("Head of the court office")
    SECRETARY = "secretary", _("Hearing secretary")
    TECHNICIAN = "technician", _("Technical specialist")


class AttendanceResult(models.TextChoices):
    ADMITTED = "admitted", _("Identity and authority confirmed, may take part")
    NOT_ADMITTED = "not_admitted", _("May not take part")
    ABSENT = "absent", _("Did not appear")


class SiteConnection(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CONNECTING = "connecting", _("Connecting")
    CONNECTED = "connected", _("Connected")
    LOST = "lost", _("Lost")


class DeadlineKind(models.TextChoices):
    TEST_REQUEST = "test_request", _("Test-session request due (R13)")
    TEST_SESSION = "test_session", _("Test session due one day before the hearing (R13)")
    WINDOW_OPENS = "window_opens", _("Connection window opens (R15)")
    NOT_CONNECTED = "not_connected", _("Not-connected alert (R15)")


class DeadlineStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    MET = "met", _("Met")
    FIRED = "fired", _("Alert sent")
    CANCELLED = "cancelled", _("No longer applies")
