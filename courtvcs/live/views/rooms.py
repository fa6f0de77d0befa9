"""The VCS room pages: a remote site's (R15-R22), a mobile-VCS participant's after the
pre-call check (R17, R20), and a test call's (R13). The courtroom's call is on the
hearing console (live_tags.live_panel)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from ..panel import panel_context
from ..seats import hearing_seat, test_seat
from ..services.mobile import link_for_session


def _refused(request, message: str, status: int = 403):
    return render(request, "live/refused.html", {"message": message}, status=status)


@login_required
def site_room(request, hearing_id: int):
    """A remote court's or institution's VCS room page for one hearing."""
    seat = hearing_seat(request.user, hearing_id)
    if seat is None:
        return _refused(request, _("No such hearing, or it has no place for you."), 404)
    if seat.kind in {"courtroom", "observer"}:
        return redirect("hearings:detail", hearing_id=hearing_id)
    return render(request, "live/room_page.html", {**panel_context(request, seat), "title": seat.label})


def mobile_room(request):
    """The mobile participant's waiting room, then the call once admitted (R20)."""
    link = link_for_session(request.session)
    if link is None:
        return _refused(request, _("Open the personal link the court sent you. If it no longer "
                                   "works, ask the court secretary for a new one."))
    seat = hearing_seat(None, link.hearing_id, mobile_link=link)
    response = render(request, "live/room_page.html", {**panel_context(request, seat), "mobile": True,
                                                       "title": _("Hearing by mobile VCS")})
    response["Referrer-Policy"] = "same-origin"  # as the pre-call page (views/mobile.py)
    return response


@login_required
def test_room(request, test_session_id: int):
    seat = test_seat(request.user, test_session_id)
    if seat is None:
        return _refused(request, _("This test call is for the technical specialists of the court "
                                   "and of the remote site."), 403)
    return render(request, "live/room_page.html", {**panel_context(request, seat),
                                                   "title": _("Test call (R13)")})


urlpatterns = [
    path("live/hearings/<int:hearing_id>/site/", site_room, name="site_room"),
    path("live/join/room/", mobile_room, name="mobile_room"),
    path("live/tests/<int:test_session_id>/", test_room, name="test_room"),
]
