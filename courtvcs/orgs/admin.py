from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import District, Endpoint, EndpointBlock, Organisation, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_kk", "name_ru", "name_en", "is_city"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_kk", "name_ru", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]
    autocomplete_fields = ["parent", "district"]


class BlockInline(admin.TabularInline):
    model = EndpointBlock
    extra = 0


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["organisation", "room_number", "kind", "status"]
    list_filter = ["kind", "status", "organisation__region"]
    search_fields = ["room_number", "organisation__name_ru", "organisation__name_kk"]
    autocomplete_fields = ["organisation"]
    inlines = [BlockInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    autocomplete_fields = ["organisation"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Court work"), {"fields": ["middle_name", "organisation", "role", "language", "phone"]}),
    )

    def save_model(self, request, obj, form, change):
        # Disabling a person ends their sessions (courtvcs.orgs.sessions), audited as by this admin.
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
