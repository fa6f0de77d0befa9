from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "courtvcs.orgs"
    label = "orgs"
    verbose_name = _("Courts, institutions and people")

    def ready(self):
        from . import sessions, signin_log

        signin_log.connect()
        sessions.connect()
