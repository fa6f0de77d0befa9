"""Sign in and out, the language switch and the landing page after sign-in."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courtvcs.navigation import landing_url

from . import passwords, reauth, second_factor, services


class SignInView(auth_views.LoginView):
    """The password step; the code step (verify_second_factor) follows before any page."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        return f"{reverse('signin_verify')}?{urlencode({'next': super().get_success_url()})}"


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


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return target


@login_required
def verify_second_factor(request):
    """Issue 7: the code step after the password (or enrolment if there is no device yet)."""
    user = request.user
    target = _next_url(request)
    if user.is_verified():
        return HttpResponseRedirect(target)
    if second_factor.confirmed_device(user) is None:
        return redirect(f"{reverse('signin_enrol')}?{urlencode({'next': target})}")
    error = ""
    if request.method == "POST":
        if second_factor.verify(request=request, user=user, code=request.POST.get("code", "")):
            return HttpResponseRedirect(target)
        error = _("The code is wrong or has expired. Enter the current code.")
    return render(request, "registration/verify.html", {"next": target, "error": error})


@login_required
def enrol_second_factor(request):
    """Issue 7: first sign-in (or after an administrator's reset): scan the key, confirm a code."""
    user = request.user
    target = _next_url(request)
    if user.is_verified() or second_factor.confirmed_device(user) is not None:
        return redirect(f"{reverse('signin_verify')}?{urlencode({'next': target})}")
    device = second_factor.pending_device(user)
    error = ""
    if request.method == "POST":
        if second_factor.confirm_enrolment(request=request, user=user, code=request.POST.get("code", "")):
            return HttpResponseRedirect(target)
        error = _("The code is wrong or has expired. Enter the current code.")
    return render(request, "registration/enrol.html", {
        "next": target, "error": error, "qr_svg": second_factor.enrolment_qr_svg(device),
        "manual_key": second_factor.manual_key(device)})


@login_required
def confirm_sign_in(request):
    """Issue 7: the password and the code again, before destroying a recording or signing an act."""
    target = _next_url(request)
    error = ""
    if request.method == "POST":
        if reauth.confirm(request=request, password=request.POST.get("password", ""),
                          code=request.POST.get("code", "")):
            return HttpResponseRedirect(target)
        error = _("The password or the code is wrong. Enter them again (wait for a new code).")
    return render(request, "registration/confirm.html", {"next": target, "error": error})


@login_required
def change_password(request):
    """Issue 7: a member of staff changes their own password (present password and code)."""
    form = passwords.OwnPasswordForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            ended = passwords.change_own_password(request=request, form=form)
            messages.success(request, _("Your password was changed. Other browsers where you were "
                                        "signed in are signed out (%(n)d).") % {"n": ended})
            return redirect("home")
        return render(request, "registration/password_change.html", {"form": form}, status=400)
    return render(request, "registration/password_change.html", {"form": form})
