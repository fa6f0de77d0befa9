"""The words of the public schedule: its statuses and the case's category and instance.

Made once per page or feed (not once per hearing), in the language active at the call.
"""

from django.conf import settings
from django.utils import translation

from courtvcs.hearings.choices import Category, Instance

from .choices import PublicState, VcsStatus

LANGUAGES = [code for code, _name in settings.LANGUAGES]
CHOICES = {"state": PublicState, "vcs": VcsStatus, "category": Category, "instance": Instance}


def words() -> dict[str, dict[str, str]]:
    """{"state": {"scheduled": "Scheduled", ...}, "vcs": ..., "category": ..., "instance": ...}"""
    return {name: {value: str(label) for value, label in choices.choices} for name, choices in CHOICES.items()}


def words_in_every_language() -> dict[str, dict[str, dict[str, str]]]:
    """{"state": {"scheduled": {"kk": ..., "ru": ..., "en": ...}, ...}, ...}"""
    every: dict[str, dict[str, dict[str, str]]] = {name: {v: {} for v in c.values} for name, c in CHOICES.items()}
    for language in LANGUAGES:
        with translation.override(language):
            for name, values in words().items():
                for value, label in values.items():
                    every[name][value][language] = label
    return every
