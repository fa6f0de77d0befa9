from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.messages import WARNING
from django.contrib.messages.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courtvcs.audit.services import audit_record

from . import sessions


class UserLanguageMiddleware:
    """The language a user chose sticks to the user, on every device (after LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


# Reachable before the second factor: the sign-in steps themselves, the language switch,
# static files and the operators' probes.
SECOND_FACTOR_OPEN = ("/signin/", "/signout/", "/language/", "/i18n/", "/static/", "/healthz",
                      "/readyz", "/metrics", "/api/auth/login", "/api/auth/logout")


class SecondFactorMiddleware:
    """Issue 7: a person signed in with a password only is not yet signed in.

    Pages send them to the code step (or to enrolment); the API answers 403 with
    code "second_factor_required" so a client knows to ask for the code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is None or not user.is_authenticated or user.is_verified()
                or request.path.startswith(SECOND_FACTOR_OPEN)):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Enter the code from your authenticator app first."),
                                 "code": "second_factor_required"}, status=403)
        return redirect(f"{reverse('signin_verify')}?{urlencode({'next': request.get_full_path()})}")


class SessionLimitsMiddleware:
    """Issue 7: a member of staff's session ends after the idle time or the absolute lifetime.

    After OTPMiddleware, before SecondFactorMiddleware: a session past its limit is signed
    out (and audited) whatever step it had reached. Pages go to the sign-in page with the
    reason in the person's language and come back to the page asked for; the API answers
    401 {"code": "session_expired"}. What counts as activity: courtvcs.orgs.sessions.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not sessions.limits_on():
            return self.get_response(request)
        limit = sessions.limit_passed(request.session)
        if limit is None:
            sessions.note_activity(request.session)
            return self.get_response(request)
        audit_record(actor=user, action="session_expired", obj=user,
                     after={"limit": limit, "address": request.META.get("REMOTE_ADDR", "")})
        detail = self._why(user, limit)
        logout(request)
        if request.path.startswith(SECOND_FACTOR_OPEN):
            return self.get_response(request)  # signing in again, signing out: go on, signed out
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "session_expired", "detail": detail}, status=401)
        return self._to_sign_in(request, user, detail)

    @staticmethod
    def _why(user, limit: str) -> str:
        with translation.override(user.language or translation.get_language()):
            if limit == sessions.IDLE:
                minutes = int(sessions.idle_limit().total_seconds() // 60)
                detail = ngettext(
                    "Your session ended after %(n)d minute without activity; sign in again.",
                    "Your session ended after %(n)d minutes without activity; sign in again.",
                    minutes) % {"n": minutes}
            else:
                hours = int(sessions.absolute_limit().total_seconds() // 3600)
                detail = ngettext(
                    "Your session ended %(n)d hour after you signed in; sign in again.",
                    "Your session ended %(n)d hours after you signed in; sign in again.",
                    hours) % {"n": hours}
        return detail

    @staticmethod
    def _to_sign_in(request, user, detail: str):
        target = request.get_full_path() if request.method == "GET" else request.path
        if request.headers.get("HX-Request"):
            # A fragment a page reloads: the whole page goes to sign-in, back to the page itself.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            if current.path:
                target = f"{current.path}?{current.query}" if current.query else current.path
            url = f"{reverse('signin')}?{urlencode({'next': target})}"
            response = HttpResponse(status=204, headers={"HX-Redirect": url})
        else:
            response = redirect(f"{reverse('signin')}?{urlencode({'next': target})}")
        # MessageMiddleware sits further in and does not see this answer: store it here.
        storage = default_storage(request)
        storage.add(WARNING, detail)
        storage.update(response)
        if user.language:  # the sign-in page in the language the message is in
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response
