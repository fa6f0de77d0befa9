from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuspensionsConfig(AppConfig):
    name = "courtvcs.suspensions"
    label = "suspensions"
    verbose_name = _("Suspensions of VCS at institutions")
