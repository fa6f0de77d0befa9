from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyModel(models.Model):
    """Rows that are only ever added: the ORM raises on changing or deleting one (the
    database's triggers refuse it too, migrations 0003 and 0004)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name_plural} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name_plural} cannot be deleted")


class AuditEntry(AppendOnlyModel):
    """One write or state change: who, when, what, before and after (R5, R6).

    Entries are only ever added. Updating or deleting one through the ORM raises, and on
    PostgreSQL a trigger refuses UPDATE and DELETE (migration 0003). The sealing step gives
    each committed entry its place in the Merkle tree (AuditLeaf, docs/audit.md).
    """

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("who"))
    actor_label = models.CharField(_("who (as recorded)"), max_length=255)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    hearing_id = models.BigIntegerField(_("hearing"), null=True, blank=True, db_index=True)
    rule = models.CharField(_("rule"), max_length=8, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]


class AuditLeaf(AppendOnlyModel):
    """The place of one audit entry in the log's Merkle tree (RFC 9162), fixed once.

    Entry ids come from a sequence and transactions commit out of id order, so the id is
    not the log's order; the sealing step (sealing.py) appends committed entries here one
    after another under a lock. `leaf_hash` is SHA-256(0x00 || canonical entry) as sealed;
    the signed checkpoints outside the database commit to these hashes. Append-only like
    the entries: the ORM raises and PostgreSQL's trigger refuses UPDATE and DELETE.
    """

    index = models.BigIntegerField(_("position in the log"), primary_key=True)
    entry = models.OneToOneField(AuditEntry, on_delete=models.PROTECT, related_name="leaf",
                                 verbose_name=_("audit entry"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    sealed_at = models.DateTimeField(_("sealed at"))

    class Meta:
        ordering = ["index"]
        verbose_name = _("audit log leaf")
        verbose_name_plural = _("audit log leaves")
        constraints = [models.CheckConstraint(condition=models.Q(index__gte=0),
                                              name="audit_leaf_index_not_negative")]
