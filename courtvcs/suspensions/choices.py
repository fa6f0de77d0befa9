from django.db import models
from django.utils.translation import gettext_lazy as _


class SuspensionReason(models.TextChoices):
    """R24: the situations in which VCS at an institution is suspended."""

    MASS_RIOT = "mass_riot", _("Mass riot")
    GROUP_DISOBEDIENCE = "group_disobedience", _("Group disobedience of convicts")
    ESCAPE = "escape", _("Escape")
    HOSTAGE_TAKING = "hostage_taking", _("Hostage-taking")
    NATURAL_DISASTER = "natural_disaster", _("Natural disaster")
    STATE_OF_EMERGENCY = "state_of_emergency", _("State of emergency")
    SPECIAL_REGIME = "special_regime", _("Special regime")
    MARTIAL_LAW = "martial_law", _("Martial law")
