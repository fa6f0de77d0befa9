import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import OutboxKind


class OutboxEvent(models.Model):
    """R3: a change of a hearing to deliver to the courts' information system.

    Written in the transaction of the change it describes (services/outbox.py), so a
    committed change always has its event and a rolled-back one never does; delivered in
    `seq` order per hearing (services/delivery.py) until the receiver acknowledges it.
    """

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    hearing = models.ForeignKey("hearings.Hearing", on_delete=models.CASCADE, related_name="outbox_events",
                                verbose_name=_("hearing"))
    seq = models.PositiveIntegerField(_("number within the hearing"))
    kind = models.CharField(_("kind"), max_length=32, choices=OutboxKind.choices)
    # The timeline event that caused it (hearings/events.py), e.g. "agree" or "cancel".
    cause = models.CharField(_("cause"), max_length=48)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["hearing_id", "seq"]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        constraints = [
            models.UniqueConstraint(fields=["hearing", "seq"], name="outbox_event_seq_unique_per_hearing"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="outbox_event_seq_from_1"),
            models.CheckConstraint(condition=Q(kind__in=OutboxKind.values), name="outbox_event_kind_valid"),
        ]
        indexes = [
            # The delivery's scan: what is still to send, earliest attempt first.
            models.Index(fields=["next_attempt_at", "id"], condition=Q(delivered_at__isnull=True),
                         name="outbox_event_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.hearing_id}#{self.seq} {self.kind} ({self.cause})"
