from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponse

from .catalog import fileformat as catalog_fileformat
from .catalog import selectors as catalog_selectors
from .catalog import services as catalog_services
from .models import AddressAlias, CatalogItem, CatalogVersion, Unit, User

_EXPORT_TYPES = {
    catalog_fileformat.CSV: "text/csv; charset=utf-8",
    catalog_fileformat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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
    actions = ["make_current", "export_csv", "export_xlsx"]

    @admin.action(description="设为当前派单目录版本")
    def make_current(self, request, queryset):
        version = self._single(request, queryset)
        if version:
            catalog_services.set_current(version)
            self.message_user(request, f"{version} 已设为当前版本")

    @admin.action(description="导出为 CSV（可修改后用 import_catalog 导入为新版本）")
    def export_csv(self, request, queryset):
        return self._export(request, queryset, catalog_fileformat.CSV)

    @admin.action(description="导出为 Excel (.xlsx)")
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, catalog_fileformat.XLSX)

    def _export(self, request, queryset, fmt):
        version = self._single(request, queryset)
        if version is None:
            return None
        response = HttpResponse(catalog_selectors.export_catalog(version, fmt), content_type=_EXPORT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="catalog_v{version.number}.{fmt}"'
        return response

    def _single(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个版本", level=messages.ERROR)
            return None
        return queryset.get()


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "responsible", "responsible_unit", "default_tier", "dispatch_class",
                    "photo_required_to_complete", "version")
    list_filter = ("version", "level", "responsible", "default_tier", "dispatch_class", "photo_required_to_complete")
    list_editable = ("photo_required_to_complete",)
    search_fields = ("code", "name", "keywords")
    raw_id_fields = ("parent", "responsible_unit")


@admin.register(AddressAlias)
class AddressAliasAdmin(admin.ModelAdmin):
    list_display = ("alias", "street", "note")
    search_fields = ("alias", "street__name")
    raw_id_fields = ("street",)
