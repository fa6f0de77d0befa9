from django.db import models
from django.utils.translation import gettext_lazy as _


class Ground(models.TextChoices):
    """R27: the grounds for remote interrogation."""

    HEALTH_OR_VALID_REASON = "health", _("Cannot come because of health or another valid reason")
    SAFETY = "safety", _("The person's safety must be ensured")
    MINOR = "minor", _("The witness or victim is a minor")
    DEADLINES = "deadlines", _("The deadlines of the investigation or trial must be kept")


class PersonRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")


class AgeBand(models.TextChoices):
    UNDER_14 = "under_14", _("Under 14")
    UNDER_18 = "under_18", _("14 to 17")
