from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AddressAlias, CatalogItem, CatalogVersion, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "division_kind", "parent", "is_active")
    list_filter = ("kind", "division_kind", "is_active")
    search_fields = ("code", "name", "short_name")
    raw_id_fields = ("parent",)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "unit__name")
    raw_id_fields = ("unit",)
    fieldsets = UserAdmin.fieldsets + (("岗位", {"fields": ("role", "unit", "phone")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("岗位", {"fields": ("role", "unit", "phone")}),)


@admin.register(CatalogVersion)
class CatalogVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "label", "is_current", "created_at")


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "responsible", "responsible_unit", "default_tier", "version")
    list_filter = ("version", "level", "responsible", "default_tier")
    search_fields = ("code", "name", "keywords")
    raw_id_fields = ("parent", "responsible_unit")


@admin.register(AddressAlias)
class AddressAliasAdmin(admin.ModelAdmin):
    list_display = ("alias", "street", "note")
    search_fields = ("alias", "street__name")
    raw_id_fields = ("street",)
