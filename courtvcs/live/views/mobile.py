"""Mobile-VCS pages (R17, R20): the personal link, the pre-call check, issuing and revoking.

The participant is not a user of the system: what they may see follows from the link
kept in their session (services.mobile.link_for_session), checked on every request.
Every answer that carries or follows a token is kept out of caches and sends no Referer,
so the token leaves no trace beyond the one request that brought it.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from courtvcs.errors import NotFound
from courtvcs.hearings import access
from courtvcs.pages import Outcome, attempt

from ..models import MobileLink
from ..seats import hearing_seat
from ..services import mobile
from ..turn import ice_config

# The waiting room and the call are the signalling work's page (live:mobile_room).
ROOM_PATH = "/live/join/room/"
HEALTH_PATH = "/healthz"


def _private(response: HttpResponse) -> HttpResponse:
    # No Referer to another site, whatever the global setting. Not "no-referrer": browsers
    # then send "Origin: null" with the page's forms (the language buttons), which the CSRF
    # check refuses.
    response["Referrer-Policy"] = "same-origin"
    add_never_cache_headers(response)
    return response


def _closed(request, *, status: int, kind: str) -> HttpResponse:
    """The friendly page for a link that does not open: the same few words whatever the
    token was, so the page tells a guesser nothing."""
    response = render(request, "live/mobile_closed.html", {"kind": kind}, status=status)
    # Django's request logger would write "Not Found: /m/<token>/" for a 4xx answer; the
    # path is the token, which must not reach a log, so this answer counts as logged.
    response._has_been_logged = True
    return _private(response)


@require_safe
def open_link(request, token: str):
    """R17: the token is exchanged for a session and leaves the address bar at once."""
    try:
        link = mobile.exchange_token(token)
    except NotFound:
        return _closed(request, status=404, kind="invalid")
    except mobile.LinkClosed:
        return _closed(request, status=410, kind="closed")
    # A new session key: whoever planted a session id before cannot ride on this one.
    request.session.cycle_key()
    request.session[mobile.SESSION_KEY] = link.pk
    return _private(redirect("live:precall"))


def _precall_texts() -> dict:
    # The plain words the check script writes next to each result, in the person's language.
    return {
        "badge": {"pending": _("Not checked yet"), "running": _("Checking…"), "pass": _("Works"),
                  "warn": _("Needs attention"), "fail": _("Does not work")},
        "again": _("Check again"),
        "camera": {
            "running": _("Starting the camera…"),
            "pass": _("Your camera works. Check that your face is well lit and fully visible."),
            "no_picture": _("The camera is on but shows no picture. Close other programs that "
                            "use the camera and check again."),
            "denied": _("The browser was not allowed to use the camera. Allow the camera "
                        "(the camera sign in the address bar) and check again."),
            "missing": _("No camera was found. Connect a camera or use a phone."),
            "busy": _("The camera is used by another program. Close it and check again."),
            "ended": _("The camera stopped. Check that it is connected and check again."),
            "error": _("The camera could not be started. Check again, or use another device."),
        },
        "microphone": {
            "running": _("Listening… say a few words."),
            "pass": _("Your microphone works: we can hear you."),
            "silent": _("We hear nothing. Say a few words; check that the microphone is not "
                        "muted or covered."),
            "denied": _("The browser was not allowed to use the microphone. Allow the microphone "
                        "(the sign in the address bar) and check again."),
            "missing": _("No microphone was found. Connect a headset or use a phone."),
            "busy": _("The microphone is used by another program. Close it and check again."),
            "ended": _("The microphone stopped. Check that it is connected and check again."),
            "error": _("The microphone could not be started. Check again, or use another device."),
        },
        "network": {
            "running": _("Measuring your connection…"),
            "pass": _("Your connection is good (the court's server answers in %(ms)s ms)."),
            "slow": _("Your connection is slow (the court's server answers in %(ms)s ms): the "
                      "picture may freeze. Move closer to the Wi-Fi router or use another network."),
            "unstable": _("Some requests to the court's server were lost: the call may break up. "
                          "Move closer to the Wi-Fi router or use another network."),
            "offline": _("The court's server cannot be reached. Check that you are online and "
                         "check again."),
            "no_webrtc": _("This browser cannot make video calls. Use an up-to-date Chrome, "
                           "Firefox, Safari or Edge."),
            "ice_blocked": _("Your network does not allow video calls. Try another network, "
                             "for example mobile data."),
            "no_relay": _("Your network may block video calls. If the call does not start, try "
                          "another network, for example mobile data."),
        },
        "unsupported": _("This browser cannot use a camera and microphone here. Use an "
                         "up-to-date Chrome, Firefox, Safari or Edge."),
        "insecure": _("The page must be opened over a secure connection (https) to use the "
                      "camera and microphone."),
    }


@require_safe
def precall(request):
    """R17, R20: the participant checks camera, microphone and network before waiting to be
    admitted. Only the hearing's case, court and start, and the person's own name, are shown."""
    link = mobile.link_for_session(request.session)
    if link is None:
        # A link this session held has since been revoked or expired: say so, and forget it.
        had_one = request.session.pop(mobile.SESSION_KEY, None) is not None
        return _closed(request, status=403, kind="closed" if had_one else "no_session")
    quality = settings.COURTVCS_QUALITY
    context = {
        "hearing": link.hearing,
        "participant": link.participant,
        "room_url": ROOM_PATH,
        # The participant's own TURN credentials, so the check can see a relay route.
        "ice_servers": ice_config(hearing_seat(None, link.hearing_id, mobile_link=link))["iceServers"],
        "texts": _precall_texts(),
        "limits": {"health_url": HEALTH_PATH, "http_rounds": 5, "http_timeout_ms": 5000,
                   "rtt_ok_ms": quality["MAX_RTT_MS"], "ice_timeout_ms": 6000,
                   "picture_timeout_ms": 6000, "silence_ms": 8000},
    }
    return _private(render(request, "live/precall.html", context))


def _row(user, hearing_id: int, participant_id: int):
    """The hearing and the participant for the console's cell, as the person may see them."""
    try:
        hearing = access.get_visible(user, hearing_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    participant = hearing.participants.filter(pk=participant_id).first()
    if participant is None:
        raise Http404(_("No such participant in this hearing."))
    return hearing, participant


def _cell(request, hearing, participant, outcome: Outcome, *, issued: dict | None = None,
          done: str = "") -> HttpResponse:
    # Names of their own: the console that includes the cell has an "outcome" of its own.
    context = {"hearing": hearing, "p": participant, "link_outcome": outcome,
               "link_issued": issued, "link_done": done}
    template = "live/participant_link.html" if request.htmx else "live/mobile_link_page.html"
    return _private(render(request, template, context, status=outcome.status))


@login_required
@require_POST
def issue(request, hearing_id: int, participant_id: int):
    """R17: the court's secretary issues a participant's link; it is shown here once."""
    outcome = attempt(mobile.issue_link, actor=request.user, hearing_id=hearing_id,
                      participant_id=participant_id, base_url=request.build_absolute_uri("/"))
    issued = None
    if outcome.ok:
        link, raw_token = outcome.result
        issued = {"link": link, "url": request.build_absolute_uri(mobile.link_path(raw_token))}
    hearing, participant = _row(request.user, hearing_id, participant_id)
    return _cell(request, hearing, participant, outcome, issued=issued)


@login_required
@require_POST
def revoke(request, link_id: int):
    """R17: the court's secretary revokes a link; open pages and calls on it end."""
    outcome = attempt(mobile.revoke_link, actor=request.user, link_id=link_id)
    hearing_id, participant_id = (MobileLink.objects.filter(pk=link_id)
                                  .values_list("hearing_id", "participant_id").get())
    done = _("The link was revoked: it no longer opens.") if outcome.ok else ""
    if outcome.ok and not request.htmx:
        messages.success(request, done)
        return redirect("hearings:detail", hearing_id=hearing_id)
    hearing, participant = _row(request.user, hearing_id, participant_id)
    return _cell(request, hearing, participant, outcome, done=done)


urlpatterns = [
    path("m/<str:token>/", open_link, name="mobile_open"),
    path("live/join/", precall, name="precall"),
    path("live/hearings/<int:hearing_id>/participants/<int:participant_id>/link/", issue,
         name="mobile_link_issue"),
    path("live/mobile-links/<int:link_id>/revoke/", revoke, name="mobile_link_revoke"),
]
