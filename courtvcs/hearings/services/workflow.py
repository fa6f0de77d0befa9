"""The one place a hearing's status changes (see states.py), with timeline and audit."""

from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record
from courtvcs.errors import RuleViolation
from courtvcs.live.announce import hearing_changed
from courtvcs.publishing.services import outbox

from ..access import authorize, check_state
from ..models import Hearing, TimelineEvent
from ..choices import HearingStatus
from ..states import ACTIONS

# The states in which the courtroom records the hearing (R4).
RECORDED_STATES = frozenset({HearingStatus.IN_SESSION, HearingStatus.TECHNICAL_BREAK})


def record_event(hearing: Hearing, kind: str, actor, *, rule: str = "", data: dict | None = None,
                 from_status: str = "", to_status: str = "") -> TimelineEvent:
    """Append to the hearing's timeline (R21) and to the audit log, in one transaction."""
    event = TimelineEvent.objects.create(
        hearing=hearing, at=kztime.now(), kind=kind, rule=rule, actor=actor,
        from_status=from_status, to_status=to_status, data=data or {},
    )
    audit_record(actor=actor, action=kind, obj=hearing, hearing_id=hearing.pk, rule=rule,
                 before={"status": from_status} if from_status else None,
                 after={"status": to_status, **(data or {})} if to_status else (data or None))
    # R3: a change of the published facts goes to the courts' system with this same commit.
    outbox.record_change(hearing, kind, data=data, status_changed=from_status != to_status)
    # The hearing's live pages (consoles, remote sites, mobile participants) re-read it.
    hearing_changed(hearing.pk, kind)
    return event


def apply(hearing: Hearing, action_name: str, actor, *, data: dict | None = None,
          rule: str | None = None) -> TimelineEvent:
    """Fire `action_name` on `hearing`: check who and when, move the status, record it.

    The caller holds the transaction (and the row lock on the hearing).
    """
    action = ACTIONS[action_name]
    authorize(actor, hearing, action_name)
    check_state(hearing, action_name)
    before = hearing.status
    if action.to_state is not None:
        hearing.status = action.to_state
        hearing.updated_at = kztime.now()
        hearing.save(update_fields=["status", "updated_at"])
    if before in RECORDED_STATES and hearing.status not in RECORDED_STATES:
        # R4: the session ended (closed, adjourned, suspended, VCS impossible): whatever
        # the courtroom was recording is complete as it stands, even if its page is gone.
        from courtvcs.live.services.recordings import stop_open_recordings

        stop_open_recordings(hearing)
    _close_media_rooms(hearing, before)
    return record_event(hearing, action_name, actor, rule=rule or action.rule, data=data,
                        from_status=before, to_status=hearing.status)


def _close_media_rooms(hearing: Hearing, before: str) -> None:
    """The call is over (closed, adjourned, suspended, VCS impossible...): its room on the
    media server (Janus) is destroyed and its tokens revoked once this change commits."""
    from courtvcs.live.seats import LIVE_STATES

    if before in LIVE_STATES and hearing.status not in LIVE_STATES:
        from courtvcs.live.janus.services import close_when_committed

        close_when_committed(f"hearing-{hearing.pk}", reason=hearing.status)


def guard(hearing: Hearing, action_name: str, actor) -> None:
    """Check who and when for an action that changes no status."""
    authorize(actor, hearing, action_name)
    check_state(hearing, action_name)


def require(condition: bool, rule: str, message: str) -> None:
    if not condition:
        raise RuleViolation(rule, message)


def agreement_rule(hearing: Hearing) -> str:
    """R12 for cassation, R11 for first and appeal instance."""
    return "R12" if hearing.instance == "cassation" else "R11"


def state_message(hearing: Hearing) -> str:
    return _("The hearing is “%(status)s”.") % {"status": hearing.get_status_display()}
