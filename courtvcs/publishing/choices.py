"""What the public schedule says about a hearing (R3), and what the outbox sends.

The public sees two short statuses per hearing instead of the workflow's seventeen: where
the hearing stands (PublicState) and whether its videoconference can work (VcsStatus).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from courtvcs.hearings.choices import HearingStatus as S


class PublicState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    ADJOURNED = "adjourned", _("Adjourned")
    SUSPENDED = "suspended", _("Suspended")
    FINISHED = "finished", _("Finished")
    NOT_HELD_BY_VCS = "not_held_by_vcs", _("Not held by VCS")
    CANCELLED = "cancelled", _("Cancelled")


# The workflow states a hearing is published in, and how each reads to the public. A
# hearing is published once its date and time are agreed (R11, R12): before that the
# judge may still refuse VCS (R10) or the coordinator move the slot, so the time is not
# yet a fact. Refused, rejected and cancelled hearings are not on the schedule (the
# iCalendar feed keeps a cancelled one for a while as STATUS:CANCELLED, see feeds.py).
PUBLIC_STATE_OF: dict[str, str] = {
    S.AGREED: PublicState.SCHEDULED,
    S.READY: PublicState.SCHEDULED,
    S.CONNECTED: PublicState.IN_PROGRESS,
    S.IN_SESSION: PublicState.IN_PROGRESS,
    S.TECHNICAL_BREAK: PublicState.IN_PROGRESS,
    S.ADJOURNED: PublicState.ADJOURNED,
    S.SUSPENDED: PublicState.SUSPENDED,
    S.UNDER_REVIEW: PublicState.SUSPENDED,
    S.CLOSED: PublicState.FINISHED,
    S.VCS_FAILED: PublicState.NOT_HELD_BY_VCS,
    S.NOT_HELD: PublicState.NOT_HELD_BY_VCS,
    S.CANCELLED: PublicState.CANCELLED,
}
PUBLISHED_STATUSES = frozenset(PUBLIC_STATE_OF) - {S.CANCELLED}

PUBLIC_STATE_HELP = {
    PublicState.SCHEDULED: _("The date and time are agreed; the hearing will be held by videoconference."),
    PublicState.IN_PROGRESS: _("The videoconference is connected or the hearing is under way."),
    PublicState.ADJOURNED: _("The hearing was adjourned; a new date will be published once agreed."),
    PublicState.SUSPENDED: _("Suspended because of an emergency at an institution taking part."),
    PublicState.FINISHED: _("The hearing has ended."),
    PublicState.NOT_HELD_BY_VCS: _("The videoconference could not be held for technical reasons."),
    PublicState.CANCELLED: _("The hearing by videoconference was cancelled."),
}


class VcsStatus(models.TextChoices):
    """R3: the operability of the VCS system for a hearing, from the courtroom's equipment
    (R14) and the test sessions with the remote sites (R13)."""

    OPERATIONAL = "operational", _("Operational")
    TEST_PENDING = "test_pending", _("Test pending")
    PROBLEM = "problem", _("Problem")


VCS_STATUS_HELP = {
    VcsStatus.OPERATIONAL: _("The courtroom's equipment works and the test session with every "
                             "remote site has passed (or the connection is already up)."),
    VcsStatus.TEST_PENDING: _("The courtroom's equipment works; a test session with a remote site "
                              "is still to be held."),
    VcsStatus.PROBLEM: _("The courtroom's equipment is out of order or under maintenance, a test "
                         "session failed, or a fault is being dealt with."),
}

# Badge colours (courtvcs.css .status.ok/.warn/.bad); the text always says it too.
TONES = {
    VcsStatus.OPERATIONAL: "ok", VcsStatus.TEST_PENDING: "warn", VcsStatus.PROBLEM: "bad",
    PublicState.SCHEDULED: "ok", PublicState.IN_PROGRESS: "ok", PublicState.FINISHED: "",
    PublicState.ADJOURNED: "warn", PublicState.SUSPENDED: "warn",
    PublicState.NOT_HELD_BY_VCS: "bad", PublicState.CANCELLED: "bad",
}


class OutboxKind(models.TextChoices):
    """What the courts' information system is asked to do with an event."""

    UPDATED = "hearing.updated", _("Hearing updated")
    WITHDRAWN = "hearing.withdrawn", _("Hearing withdrawn from publication")


# Timeline kinds (hearings/events.py) that can change what is published about a hearing
# without changing its status: its time, its test sessions and faults (the VCS status),
# its remote sites, and the R27 grounds. Every change of status is sent too.
SCHEDULE_CAUSES = frozenset({
    "booked", "slot_moved", "reschedule", "resume", "resume_undecided",
    "test_session_requested", "test_session_passed", "test_session_failed", "test_failed",
    "fault_reported", "fault_fixed", "remote_site_added", "interrogation_requested",
    "suspend", "cancel",
})
