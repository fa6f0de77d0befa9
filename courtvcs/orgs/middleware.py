from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _


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
