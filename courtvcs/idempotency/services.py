"""Claiming, answering and forgetting idempotency keys (the middleware calls these)."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction

from courtvcs import kztime

from .models import IdempotencyKey


def request_hash(*, route: str, body: bytes) -> str:
    return hashlib.sha256(route.encode() + b"\n" + body).hexdigest()


def claim(*, user, key: str, route: str, digest: str) -> tuple[IdempotencyKey, bool]:
    """The row for (user, key) and whether this request created it (and so must answer).

    The unique constraint decides between concurrent requests: exactly one creates the row;
    the others read it (its answer, or "in progress" while status is empty).
    """
    expired_before = kztime.now() - lifetime()
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=expired_before).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, route=route,
                                                 request_hash=digest), True
    except IntegrityError:
        return IdempotencyKey.objects.get(user=user, key=key), False


def store_answer(*, record: IdempotencyKey, status: int, body: bytes, content_type: str) -> None:
    IdempotencyKey.objects.filter(pk=record.pk).update(status=status, body=body,
                                                       content_type=content_type)


def release(*, record: IdempotencyKey) -> None:
    """Forget a key whose request failed on our side (5xx), so that a retry runs again."""
    IdempotencyKey.objects.filter(pk=record.pk).delete()


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "COURTVCS_IDEMPOTENCY_KEY_HOURS", 24))


def delete_expired() -> int:
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=kztime.now() - lifetime()).delete()
    return deleted
