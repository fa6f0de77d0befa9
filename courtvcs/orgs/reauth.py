"""Sign in again before an action that cannot be undone (issue 7; ASVS 5.0, 6.8 / 7.5).

Destroying a recording (R4) and signing the act of absence of technical possibility (R18)
need a full sign-in (password and authenticator code) within the last
COURTVCS_REAUTH_MINUTES minutes (default 5). A session left open on a courtroom computer
is then not enough to do either. The time of the last full sign-in is kept in the session;
0 turns the check off (the test suite's default, whose flows move the clock by days on one
session; the tests of this module turn it on).
"""

import functools

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record
from courtvcs.errors import SecondFactorRequired

from . import second_factor

SESSION_KEY = "courtvcs_signed_in_at"


class RecentSignInRequired(SecondFactorRequired):
    def __init__(self):
        super().__init__(_("Sign in again (password and code) to do this."), code="reauthentication_required")


def stamp(request) -> None:
    """The person has just given the password and the code."""
    # A Unix time, as the session's own stamps (courtvcs/orgs/sessions.py) are kept.
    request.session[SESSION_KEY] = kztime.now().timestamp()


def is_recent(request) -> bool:
    minutes = settings.COURTVCS_REAUTH_MINUTES
    if not minutes:
        return True
    at = request.session.get(SESSION_KEY)
    if not isinstance(at, (int, float)):
        return False  # never stamped, or by an older version of this module
    return 0 <= kztime.now().timestamp() - at <= minutes * 60


def require_recent(request) -> None:
    """For the API: raises 403 with code "reauthentication_required"."""
    if not is_recent(request):
        raise RecentSignInRequired()


def confirm(*, request, password: str, code: str) -> bool:
    """Check the password and the current code again; on success the session is stamped."""
    user = request.user
    # authenticate() goes through django-axes too: failures here count towards the lockout.
    same = authenticate(request, username=user.get_username(), password=password or "")
    ok = same is not None and same.pk == user.pk and second_factor.check_code(user=user, code=code)
    audit_record(actor=user, action="reauthenticated" if ok else "reauthentication_failed", obj=user,
                 after={"address": request.META.get("REMOTE_ADDR", "")})
    if ok:
        stamp(request)
    return ok


def confirm_url(back_to: str) -> str:
    return f"{reverse('signin_confirm')}?{urlencode({'next': back_to})}"


def recent_sign_in_required(back_to: str):
    """For a page's POST: without a recent sign-in, go to the confirmation page, then back
    to `back_to` (a URL name: the page with the button; the POST itself is not replayed)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if is_recent(request):
                return view(request, *args, **kwargs)
            target = confirm_url(reverse(back_to))
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)

        return wrapped

    return decorator
