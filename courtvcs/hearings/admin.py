from django.contrib import admin

from .models import Hearing, TimelineEvent


class TimelineInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "kind", "rule", "actor", "from_status", "to_status", "data"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Hearing)
class HearingAdmin(admin.ModelAdmin):
    """Read-only: hearings change only through the workflow (states.py)."""

    list_display = ["case_number", "court", "starts_at", "status"]
    list_filter = ["status", "instance", "category"]
    search_fields = ["case_number"]
    inlines = [TimelineInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
