"""Reference data carries its names in the three interface languages."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class NamedInThreeLanguages(models.Model):
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        lang = (translation.get_language() or "kk")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_ru or self.name_en

    def __str__(self) -> str:
        return self.name
