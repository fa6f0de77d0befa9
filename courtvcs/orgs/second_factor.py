"""Issue 7: the second factor (TOTP) every staff member gives after the password.

A person with no confirmed device enrols once (QR code or the key typed by hand) and
confirms with the first code; after that each sign-in asks for the current code. An
administrator recovers a lost phone by resetting the device (the person enrols again at
the next sign-in). Every success and failure goes to the audit log; codes never do.
"""

import logging

import segno
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from courtvcs.audit.services import audit_record

from .models import User

log = logging.getLogger("courtvcs.signin")

DEVICE_NAME = "authenticator"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device shown on the enrolment page (same key on every reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def enrolment_qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def manual_key(device: TOTPDevice) -> str:
    """The base32 key in groups of four, as authenticator apps expect it typed."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def _clean(code: str) -> str:
    return "".join(ch for ch in str(code) if ch.isdigit())[:8]


def verify(*, request, user: User, code: str) -> bool:
    """The code of the person's confirmed device; on success the session is verified."""
    device = confirmed_device(user)
    ok = device is not None and device.verify_token(_clean(code))
    _record(request, user, ok, "second_factor_verified" if ok else "second_factor_failed")
    if ok:
        otp_login(request, device)
        _signed_in_fully(request)
    return ok


def check_code(*, user: User, code: str) -> bool:
    """The current code of the person's confirmed device, without touching the session's
    sign-in (used to sign in again before an irreversible action)."""
    device = confirmed_device(user)
    return device is not None and device.verify_token(_clean(code))


@transaction.atomic
def confirm_enrolment(*, request, user: User, code: str) -> bool:
    """The first code from the newly scanned key confirms the device and verifies the session."""
    device = pending_device(user)
    ok = device.verify_token(_clean(code))
    _record(request, user, ok, "second_factor_enrolled" if ok else "second_factor_failed")
    if ok:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        otp_login(request, device)
        _signed_in_fully(request)
    return ok


@transaction.atomic
def reset_second_factor(*, actor: User, user: User) -> None:
    """Recovery: an administrator removes the person's devices; they enrol at next sign-in."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    audit_record(actor=actor, action="second_factor_reset", obj=user, after={"devices_removed": removed})
    log.info("second factor reset", extra={"user_id": user.pk, "by": actor.pk if actor else None})


def _signed_in_fully(request) -> None:
    from .reauth import stamp  # reauth builds on this module

    stamp(request)


def _record(request, user: User, ok: bool, action: str) -> None:
    audit_record(actor=user, action=action, obj=user,
                 after={"address": request.META.get("REMOTE_ADDR", "")})
    log.log(logging.INFO if ok else logging.WARNING, action,
            extra={"user_id": user.pk, "address": request.META.get("REMOTE_ADDR", "")})
