from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courtvcs.audit.admin import ReadOnlyAdmin

from . import selectors
from .models import OutboxEvent
from .services import delivery


class DeliveryFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("pending", _("Pending")), ("failing", _("Failing")), ("delivered", _("Delivered"))]

    def queryset(self, request, queryset):
        pending = Q(delivered_at__isnull=True)
        if self.value() == "pending":
            return queryset.filter(pending)
        if self.value() == "failing":
            return queryset.filter(pending, attempts__gte=settings.COURTVCS_OUTBOX_ALERT_AFTER_ATTEMPTS)
        if self.value() == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        return queryset


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    """R3: what went to the courts' information system, and what is still waiting.

    Read-only: events are written with the changes they describe and settled by the
    delivery; the administrator may only ask for pending ones to be tried again now.
    """

    list_display = ["event_id", "hearing_id", "seq", "kind", "cause", "created_at", "delivered_at",
                    "attempts", "next_attempt_at", "last_error"]
    list_filter = [DeliveryFilter, "kind"]
    search_fields = ["=event_id", "=hearing__id"]
    ordering = ["-created_at", "-id"]
    actions = ["retry_now"]
    list_select_related = False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "outbox": selectors.outbox_summary(),
                         "outbox_url": settings.COURTVCS_OUTBOX_URL,
                         "alert_after": settings.COURTVCS_OUTBOX_ALERT_AFTER_ATTEMPTS}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description=_("Try the selected pending events again now"), permissions=["view"])
    def retry_now(self, request, queryset):
        count = delivery.retry_now(actor=request.user, event_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, ngettext("%(n)d event will be tried again now.",
                                            "%(n)d events will be tried again now.", count) % {"n": count},
                          messages.SUCCESS)
