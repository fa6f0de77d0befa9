from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AgeBand, PersonRole


class InterrogationRequest(models.Model):
    """R25-R27: questioning a victim or witness from the court of their district."""

    hearing = models.ForeignKey("hearings.Hearing", on_delete=models.CASCADE,
                                related_name="interrogations")
    person_name = models.CharField(_("full name"), max_length=255)
    person_role = models.CharField(_("role"), max_length=10, choices=PersonRole.choices)
    grounds = models.JSONField(_("grounds (R27)"))
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    district = models.ForeignKey("orgs.District", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district where the person is or lives"))
    proposed_court = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("court proposed as the remote site"))
    remote_site = models.ForeignKey("hearings.RemoteSite", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    participant = models.ForeignKey("hearings.Participant", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
