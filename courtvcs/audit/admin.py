from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, AuditLeaf


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody edits by hand (the audit log, frozen documents, the outbox): shown,
    never added, changed or deleted from the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "rule"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label", "action"]


@admin.register(AuditLeaf)
class AuditLeafAdmin(ReadOnlyAdmin):
    list_display = ["index", "entry", "sealed_at", "leaf_hash_hex"]
    list_select_related = ["entry"]
    search_fields = ["entry__id"]

    @admin.display(description=_("leaf hash"))
    def leaf_hash_hex(self, obj):
        return bytes(obj.leaf_hash).hex()
