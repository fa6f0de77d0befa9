from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running courtvcs: health and readiness, request ids and structured logs, metrics."""

    name = "courtvcs.ops"
    verbose_name = _("Operations")
