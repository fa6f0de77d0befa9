"""Sign in and out, the language switch and the landing page after sign-in."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from courtvcs.navigation import landing_url

from . import services


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def home(request):
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return redirect(landing_url(request.user))


@require_POST
def choose_language(request):
    """The chosen language sticks to the person (kept on the user) and to the browser."""
    language = request.POST.get("language", "")
    codes = {code for code, _name in settings.LANGUAGES}
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in codes:
        if request.user.is_authenticated:
            services.set_language(actor=request.user, language=language)
        translation.activate(language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                            samesite="Lax")
    return response
