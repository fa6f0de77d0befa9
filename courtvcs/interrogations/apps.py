from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterrogationsConfig(AppConfig):
    name = "courtvcs.interrogations"
    label = "interrogations"
    verbose_name = _("Remote interrogations")
