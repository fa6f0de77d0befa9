"""What the live call leaves in the hearing's records: each site's state (R15, R22), the
links' quality changes and break prompts (R22), the court's mutes and reconnections, and
the test call's figures (R13). Called by the signalling consumer, through
`database_sync_to_async`; every change goes on the timeline (R21) and into the audit log.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.hearings.choices import SiteConnection
from courtvcs.hearings.models import Hearing, Participant, RemoteSite, TestSession
from courtvcs.hearings.services.preparation import OPEN_TEST, record_test_result
from courtvcs.hearings.services.workflow import record_event
from courtvcs.notifications.services import notify
from courtvcs.orgs.models import User

from ..seats import LIVE_STATES

SITE_STATES = {s.value for s in SiteConnection}


def _site_row(hearing: Hearing, site: str):
    kind, _sep, ident = site.partition("-")
    if not ident.isdigit():
        return None
    if kind == "remote":
        return RemoteSite.objects.select_for_update().filter(hearing=hearing, pk=int(ident)).first()
    if kind == "mobile":
        return Participant.objects.select_for_update().filter(hearing=hearing, pk=int(ident)).first()
    return None


@transaction.atomic
def set_site_state(*, hearing_id: int, site: str, state: str, actor_id: int | None,
                   figures: dict | None = None) -> str | None:
    """Record a site's new state as the courtroom sees it. Returns the timeline kind
    recorded, or None when nothing changed (the same state reported again)."""
    if state not in SITE_STATES:
        raise ValueError(f"unknown site state {state!r}")
    hearing = Hearing.objects.select_for_update().filter(pk=hearing_id).first()
    if hearing is None or hearing.status not in LIVE_STATES:
        return None  # before the connection or after the end, states are not the record's
    row = _site_row(hearing, site)
    if row is None or row.connection == state:
        return None
    if row.connection == SiteConnection.LOST and state == SiteConnection.CONNECTING:
        # A lost site whose link is being rebuilt is still lost for the court (R22): the
        # record says "lost" until it is connected again, and then "reconnected".
        return None
    before = row.connection
    row.connection = state
    fields = ["connection"]
    if isinstance(row, RemoteSite) and state == SiteConnection.CONNECTED:
        row.connected_at = kztime.now()
        fields.append("connected_at")
    row.save(update_fields=fields)
    was_lost = before == SiteConnection.LOST
    kind = {SiteConnection.CONNECTED: "site_reconnected" if was_lost else "site_connected",
            SiteConnection.LOST: "site_lost", SiteConnection.CONNECTING: "site_connecting",
            SiteConnection.WAITING: "site_left"}[state]
    rule = "R22" if kind in {"site_lost", "site_reconnected"} else "R15"
    record_event(hearing, kind, _actor(actor_id), rule=rule,
                 data={"site": site, "from": before, "to": state, **({"figures": figures} if figures else {})})
    return kind


def _actor(actor_id: int | None):
    return User.objects.filter(pk=actor_id).first() if actor_id else None


QUALITY_EVENTS = {"degraded": "link_degraded", "restored": "link_restored",
                  "prompt_break": "break_prompted"}


@transaction.atomic
def record_quality_change(*, hearing_id: int, reporter: str, peer: str, kind: str,
                          reasons: list[str], figures: dict) -> str | None:
    """R22: a link became degraded or recovered, or the judge and secretary were prompted
    to declare a technical break; the figures go on the timeline with it."""
    event_kind = QUALITY_EVENTS.get(kind)
    hearing = Hearing.objects.select_related("judge", "secretary").filter(pk=hearing_id).first()
    if event_kind is None or hearing is None or hearing.status not in LIVE_STATES:
        return None
    record_event(hearing, event_kind, None, rule="R22",
                 data={"receiver": reporter, "sender": peer, "reasons": list(reasons), "figures": figures})
    if event_kind == "break_prompted":
        notify([hearing.judge, hearing.secretary], "break_prompted", hearing=hearing,
               reasons=", ".join(str(REASON_LABELS.get(r, r)) for r in reasons))
    return event_kind


REASON_LABELS = {
    "audio_loss": _("audio is breaking up"), "freeze": _("video freezes"),
    "rtt": _("long delay"), "score": _("poor link quality"), "lost": _("the link is lost"),
    "no_audio": _("no sound"),
}


@transaction.atomic
def record_court_control(*, hearing_id: int, actor_id: int, kind: str, site: str) -> None:
    """The court muted a site's microphone, or reconnected a site by hand (R22)."""
    hearing = Hearing.objects.filter(pk=hearing_id).first()
    if hearing is None:
        return
    record_event(hearing, kind, _actor(actor_id), rule="R22" if kind == "site_reconnect_requested" else "",
                 data={"site": site})


def test_call_verdict(figures: dict) -> tuple[bool, list[str]]:
    """R13: pass when both directions reach every threshold in settings."""
    limits = settings.COURTVCS_TEST_CALL
    failures = []
    for direction in ("court_to_remote", "remote_to_court"):
        f = figures.get(direction) or {}
        checks = [
            ("rtt_ms", f.get("rtt_ms"), lambda v: v <= limits["MAX_RTT_MS"]),
            ("jitter_ms", f.get("jitter_ms"), lambda v: v <= limits["MAX_JITTER_MS"]),
            ("loss_percent", f.get("loss_percent"), lambda v: v <= limits["MAX_LOSS_PERCENT"]),
            ("video_kbps", f.get("video_kbps"), lambda v: v >= limits["MIN_VIDEO_KBPS"]),
            ("frame_rate", f.get("frame_rate"), lambda v: v >= limits["MIN_FRAME_RATE"]),
        ]
        failures += [f"{direction}.{name}" for name, value, ok in checks if value is None or not ok(value)]
    return not failures, failures


@transaction.atomic
def record_test_figures(*, test_session_id: int, side: str, figures: dict, actor_id: int) -> dict | None:
    """R13: one side's measurement of what it received. When both sides have reported,
    the test session's result is recorded with both directions' figures.

    `side` is the receiving side: the courtroom measures remote->court, the remote site
    court->remote. Returns the result once recorded, else None.
    """
    ts = TestSession.objects.select_for_update().filter(pk=test_session_id).first()
    if ts is None or ts.status not in OPEN_TEST:
        return None
    direction = "remote_to_court" if side == "courtroom" else "court_to_remote"
    measured = dict(ts.figures or {})
    measured[direction] = figures
    if "court_to_remote" not in measured or "remote_to_court" not in measured:
        ts.figures = measured
        ts.save(update_fields=["figures"])
        return None
    passed, failures = test_call_verdict(measured)
    limits = settings.COURTVCS_TEST_CALL
    measured["thresholds"] = dict(limits)
    measured["failures"] = failures
    notes = _("Measured by the test call: passed every threshold.") if passed else \
        _("Measured by the test call: below the thresholds (%(what)s).") % {"what": ", ".join(failures)}
    record_test_result(actor=_actor(actor_id), test_session_id=ts.pk, passed=passed, notes=notes,
                       figures=measured)
    return {"passed": passed, "failures": failures, "figures": measured}
