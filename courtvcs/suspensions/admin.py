from django.contrib import admin

from .models import Suspension


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ["institution", "reason", "starts_at", "expected_end_at", "lifted_at"]
    list_filter = ["reason"]
    readonly_fields = ["declared_by", "declared_at", "lifted_by", "lifted_at"]
