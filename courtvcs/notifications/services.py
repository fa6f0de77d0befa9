"""Putting an item in people's inboxes and sending it by e-mail.

Each recipient gets the text in their own language. E-mail goes out only after the
transaction that caused it commits, so a change that fails notifies nobody.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from courtvcs import kztime
from courtvcs.errors import NotFound

from .messages import MESSAGES
from .models import Notification

log = logging.getLogger(__name__)


def hearing_params(hearing) -> dict:
    if hearing is None:
        return {}
    return {
        "case": hearing.case_number,
        "court": hearing.court.name,
        "room": hearing.courtroom.room_number,
        "start": kztime.format_local(hearing.starts_at),
    }


def notify(recipients: Iterable, kind: str, *, hearing=None, **params) -> list[Notification]:
    subject_t, body_t = MESSAGES[kind]
    created = []
    seen = set()
    now = kztime.now()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            values = {**hearing_params(hearing), **{k: str(v) for k, v in params.items()}}
            subject, body = str(subject_t) % values, str(body_t) % values
        created.append(Notification(recipient=user, kind=kind, hearing=hearing,
                                    subject=subject[:255], body=body, created_at=now,
                                    emailed=bool(user.email)))
    Notification.objects.bulk_create(created)
    for item in created:
        if item.emailed:
            transaction.on_commit(_mailer(item.subject, item.body, item.recipient.email))
    return created


def _mailer(subject: str, body: str, address: str):
    return lambda: send_email(subject, body, [address])


def send_email(subject: str, body: str, addresses: list[str]) -> bool:
    """Send one e-mail; a mail server that is down must not undo the court's work, so a
    failure is logged (the inbox item stays) rather than raised."""
    try:
        send_mail(subject, body, None, addresses)
    except Exception:  # noqa: BLE001 - any transport error is logged, none may propagate
        log.exception("e-mail to %s failed", addresses)
        return False
    return True


def mark_read(*, user, notification_id: int) -> Notification:
    item = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if item is None:
        raise NotFound(translation.gettext("No such notification."))
    if item.read_at is None:
        item.read_at = kztime.now()
        item.save(update_fields=["read_at"])
    return item


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=kztime.now())
