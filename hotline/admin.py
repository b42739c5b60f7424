from django.contrib import admin

from core.read_only_admin import ReadOnlyAdmin

from .models import CallerReveal, ListExport


@admin.register(CallerReveal)
class CallerRevealAdmin(ReadOnlyAdmin):
    """查看完整号码记录: the audit trail of who saw a caller's full number; nobody edits it."""

    list_display = ("created_at", "user", "role", "unit", "ticket_id", "basis")
    list_filter = ("role", "basis")
    list_select_related = ("user", "unit")
    search_fields = ("user__username",)
    date_hierarchy = "created_at"


@admin.register(ListExport)
class ListExportAdmin(ReadOnlyAdmin):
    """列表导出记录: who exported which list of orders with which filters; nobody edits it."""

    list_display = ("created_at", "user", "role", "unit", "list_name", "query", "row_count", "status")
    list_filter = ("role", "list_name")
    list_select_related = ("user", "unit")
    search_fields = ("user__username", "list_name")
    date_hierarchy = "created_at"
