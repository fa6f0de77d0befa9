"""Idempotency keys: one row per (person, key), holding the first answer given.

The POSTs that create hearings, petitions, acts and signatures accept an `Idempotency-Key`
header (IETF draft "The Idempotency-Key HTTP Header Field"). A retry with the same key and
the same body gets the stored answer instead of a second record.
"""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    route = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    # Empty until the first request has its answer: a retry meanwhile is told "in progress".
    status = models.PositiveSmallIntegerField(null=True)
    body = models.BinaryField(default=b"")
    content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} {self.route}"
