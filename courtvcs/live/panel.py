"""What a room page needs: the seat's sites, their states, and the texts the script shows."""

from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext as _

from courtvcs.hearings.choices import ParticipationMode, SiteConnection
from courtvcs.hearings.models import Hearing

from . import seats
from .media import media_plane


def texts() -> dict:
    return {
        "connected_to_server": _("Connected to the court's server."),
        "reconnecting_server": _("The connection to the court's server dropped; reconnecting…"),
        "no_seat": _("You have no place in this call."),
        "in_call": _("In the call."),
        "link_lost": _("The video link dropped; reconnecting by itself…"),
        "too_many_sites": _("This hearing has more sites than browser-to-browser video carries; "
                            "the court's technical specialist must switch it to the video server."),
        "no_camera": _("The camera or microphone is not available: allow them in the browser and reload."),
        "you": _("You"), "here": _("Here"),
        "mute": _("Mute my microphone"), "unmute": _("Unmute my microphone"),
        "camera_off": _("Turn my camera off"), "camera_on": _("Turn my camera on"),
        "muted_by_court": _("The court muted your microphone. Unmute only when the judge gives you the floor."),
        "replaced": _("This call continues in another window or device."),
        "revoked": _("Your personal link was revoked by the court. Contact the court secretary."),
        "signed_out": _("You have been signed out. Sign in again to come back to the call."),
        "prompt": _("The link with %(site)s is failing (%(reasons)s). The presiding judge may declare a "
                    "technical break (R22)."),
        "reasons": {"audio_loss": _("audio is breaking up"), "freeze": _("video freezes"),
                    "rtt": _("long delay"), "score": _("poor link quality"), "lost": _("the link is lost"),
                    "no_audio": _("no sound")},
        "states": {s.value: str(s.label) for s in SiteConnection},
        "recording": _("Recording: %(n)s parts saved"), "recording_stopped": _("Recording stopped and saved."),
        "recording_error": _("Recording problem"),
        "test_waiting": _("Waiting for the other side to join the test call…"),
        "test_measuring": _("Measuring the link both ways…"),
        "test_measured": _("This side's measurement is saved."),
        "test_other_side": _("Waiting for the other side's measurement…"),
        "test_passed": _("Test passed: the link reaches every threshold (R13)."),
        "test_failed": _("Test failed: the link is below the thresholds (R13)."),
        "directions": {"court_to_remote": _("Court → remote site"), "remote_to_court": _("Remote site → court")},
        "figure_heads": [_("Round trip, ms"), _("Jitter, ms"), _("Loss, %"), _("Video, kbit/s"),
                         _("Frames per second")],
    }


def sites_of(hearing: Hearing, seat: seats.Seat) -> list[dict]:
    """The sites a console lists, with their states; a remote or mobile seat sees the
    courtroom only (no other participants' data)."""
    court = {"site": "courtroom", "label": seats._courtroom_label(hearing), "state": ""}
    if seat.kind not in {seats.COURTROOM, seats.OBSERVER} or seat.is_test:
        return [court]
    rows = [court]
    for site in hearing.remote_sites.select_related("endpoint__organisation"):
        rows.append({"site": f"remote-{site.pk}", "label": seats._site_label(site), "state": site.connection})
    for p in hearing.participants.filter(mode=ParticipationMode.MOBILE_VCS):
        rows.append({"site": f"mobile-{p.pk}", "state": p.connection,
                     "label": _("%(name)s (%(role)s), mobile VCS") % {
                         "name": p.full_name, "role": p.get_procedural_role_display()}})
    return rows


def panel_context(request, seat: seats.Seat) -> dict:
    hearing = Hearing.objects.select_related("court", "courtroom").get(pk=seat.hearing_id)
    sites = sites_of(hearing, seat)
    kind = "test" if seat.is_test else "hearing"
    object_id = seat.test_session_id if seat.is_test else seat.hearing_id
    config = {
        "wsPath": f"/ws/live/{kind}/{object_id}/",
        "text": texts(),
        "sites": {s["site"]: {"label": s["label"]} for s in sites},
        "minScore": settings.COURTVCS_QUALITY["MIN_SCORE"],
        "csrfToken": get_token(request),
        "chunkSeconds": settings.COURTVCS_RECORDING_CHUNK_SECONDS,
        "recordStartUrl": _record_url(seat),
    }
    # The page imports the plane's module when it joins; fetched ahead, it is not on the
    # path from "connected" to the first frame.
    plane_module = f"courtvcs/live/{media_plane(seat).name}.js"
    return {"seat": seat, "hearing": hearing, "plane_module": plane_module, "sites": [s for s in sites if s["site"] != "courtroom"],
            "live_config": config, "site_states": SiteConnection.choices, "show_graph": seat.kind in {seats.COURTROOM, seats.OBSERVER}}


def _record_url(seat: seats.Seat) -> str:
    if not seat.may_record:
        return ""
    try:
        return reverse("live:recording_start", args=[seat.hearing_id])
    except Exception:  # the recording routes are optional for the call itself
        return ""
