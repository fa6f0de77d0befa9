"""The hearing's case file: every document generated for it, each version kept.

The PDF and DOCX bytes live in the row (BinaryField), not in files: a document is tens of
kilobytes, and keeping the bytes, their SHA-256 and the frozen flag in one row means one
transaction writes them all or nothing (no file without its row, no row without its file),
the database trigger that guards a frozen row guards its bytes too (migration 0002), and a
database backup is a backup of the case file.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import HEARING_LEVEL_KINDS, DocumentKind, DocumentLanguage


class Document(models.Model):
    """One version of one document of a hearing, in one language, as PDF and DOCX.

    Documents are only ever added: a new generation is a new version. A frozen document
    (R18: an act signed by all three) is never changed, and the database refuses to.
    """

    hearing = models.ForeignKey("hearings.Hearing", on_delete=models.PROTECT,
                                related_name="documents", verbose_name=_("hearing"))
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    # The record the document is about: the test session, the letter, the act or the
    # suspension (by id, read with the kind); 0 for the protocol mark, which is about the
    # hearing itself. A plain number keeps the unique constraint below a simple one.
    source_id = models.PositiveBigIntegerField(_("source record"), default=0)
    language = models.CharField(_("language"), max_length=2, choices=DocumentLanguage.choices)
    version = models.PositiveIntegerField(_("version"))
    is_draft = models.BooleanField(_("draft"), default=False)
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    pdf_size = models.PositiveIntegerField(_("PDF size, bytes"))
    docx = models.BinaryField(_("DOCX"))
    docx_sha256 = models.CharField(_("DOCX SHA-256"), max_length=64)
    docx_size = models.PositiveIntegerField(_("DOCX size, bytes"))
    created_at = models.DateTimeField(_("created at"))
    # Empty when the service made it by itself (freezing an act after its signatures).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("created by"))
    frozen = models.BooleanField(_("frozen"), default=False)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)

    class Meta:
        ordering = ["hearing", "kind", "source_id", "language", "version"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["hearing", "kind", "source_id", "language", "version"],
                                    name="document_version_once"),
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"),
            models.CheckConstraint(condition=Q(language__in=DocumentLanguage.values),
                                   name="document_language_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="document_version_from_one"),
            models.CheckConstraint(
                condition=(Q(kind__in=HEARING_LEVEL_KINDS) & Q(source_id=0))
                | (~Q(kind__in=HEARING_LEVEL_KINDS) & Q(source_id__gt=0)),
                name="document_source_fits_kind"),
            models.CheckConstraint(condition=Q(frozen=False, frozen_at__isnull=True)
                                   | Q(frozen=True, frozen_at__isnull=False),
                                   name="document_frozen_has_time"),
            models.CheckConstraint(condition=~Q(frozen=True, is_draft=True),
                                   name="document_draft_never_frozen"),
            models.CheckConstraint(condition=Q(pdf_size__gt=0) & Q(docx_size__gt=0),
                                   name="document_has_bytes"),
            models.CheckConstraint(condition=Q(frozen_at__isnull=True) | Q(frozen_at__gte=F("created_at")),
                                   name="document_frozen_after_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.language} v{self.version}"
