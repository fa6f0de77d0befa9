from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordingStatus(models.TextChoices):
    RECORDING = "recording", _("Recording")
    COMPLETE = "complete", _("Complete")
    DESTROYED = "destroyed", _("Destroyed")


class RecordingSource(models.TextChoices):
    CONSOLE = "console", _("Courtroom console")
    SERVER = "server", _("Server (VCS media server)")
