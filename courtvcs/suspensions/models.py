from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import SuspensionReason


class Suspension(models.Model):
    """R24: VCS at an institution is suspended for a period."""

    institution = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                    related_name="suspensions", verbose_name=_("institution"))
    reason = models.CharField(_("reason"), max_length=24, choices=SuspensionReason.choices)
    details = models.TextField(_("details"), blank=True)
    starts_at = models.DateTimeField(_("from"))
    expected_end_at = models.DateTimeField(_("expected end"), null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["institution", "lifted_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=SuspensionReason.values),
                                   name="suspension_reason_valid"),
            models.CheckConstraint(condition=Q(expected_end_at__isnull=True) | Q(expected_end_at__gt=F("starts_at")),
                                   name="suspension_ends_after_start"),
        ]


class SuspendedHearing(models.Model):
    """A hearing caught by a suspension, and the status it had, for the review (R24)."""

    suspension = models.ForeignKey(Suspension, on_delete=models.CASCADE, related_name="hearings")
    hearing = models.ForeignKey("hearings.Hearing", on_delete=models.CASCADE, related_name="suspensions")
    previous_status = models.CharField(max_length=24)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suspension", "hearing"],
                                               name="suspended_hearing_once")]
