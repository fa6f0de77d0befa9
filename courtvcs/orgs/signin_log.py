"""Issue 7: every sign-in, success or failure, in the audit log and the logs; throttling.

django-axes counts failures per account and per address (AXES_LOCKOUT_PARAMETERS) and,
past the limit, answers with `lockout_response` in the person's language. The receivers
below write each attempt to the audit log (the user name tried and the address, never the
password) and to the `courtvcs.signin` log.
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from courtvcs.audit.services import audit_record

from .models import User

log = logging.getLogger("courtvcs.signin")


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def on_signed_in(sender, request, user, **kwargs):
    if request is None or not request.path:  # Client.force_login in tests: no sign-in happened
        return
    audit_record(actor=user, action="signin_succeeded", obj=user, after={"address": _address(request)})
    log.info("signin succeeded", extra={"user_id": user.pk, "address": _address(request)})


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(actor=None, action="signin_locked_out" if locked else "signin_failed",
                 obj=user or User(username=username),
                 after={"username": username, "address": _address(request)})
    log.warning("signin failed", extra={"username": username, "address": _address(request),
                                        "locked_out": locked})


def connect() -> None:
    user_logged_in.connect(on_signed_in, dispatch_uid="courtvcs-signin-audit")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="courtvcs-signin-failed-audit")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: too many failures for this account or from this address."""
    message = _("Too many failed sign-ins for this account or from this address. "
                "Try again in 15 minutes or ask the administrator.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "signin_locked"}, status=429)
    from django.contrib.auth.forms import AuthenticationForm

    return render(request, "registration/login.html",
                  {"form": AuthenticationForm(request), "locked_message": message}, status=429)
