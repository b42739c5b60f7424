"""导出Excel of the lists of orders: ?format=xlsx on a list's own URL (hotline/exports.py)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from core.errors import DomainError, InvalidInput

from .. import exports
from ..models import ListExport

FORMAT = "xlsx"
NOT_LIST_PARAMS = ("format", "page")  # what the export and the audit record leave out of the list's URL


def wanted(request):
    """The list's URL asks for its export: ?format=xlsx."""
    return request.GET.get("format") == FORMAT


def list_query(request):
    """The list's filters, sort, tab and search box as in its URL, without the export switch and the page."""
    params = request.GET.copy()
    for key in NOT_LIST_PARAMS:
        params.pop(key, None)
    return params.urlencode()


def export_or_back(request, filters, tickets, list_name):
    """The list's every page as .xlsx, or, for a longer list, its export queued and the user sent to 我的导出; a bad
    filter or too long a list: back to the list, whose page shows why (the filter's error beside its field, the
    reason at the top), and nothing is exported or recorded. A worker writing a queued export replays this view
    (hotline/export_jobs.py): the export is then written here, and a refusal raised for the worker to record."""
    query = list_query(request)
    back = f"{request.path}?{query}" if query else request.path
    job = getattr(request, "export_job", None)
    try:
        if filters.errors:
            raise InvalidInput(f"筛选条件有误，未导出（{_named_errors(filters)}）。请更正后再导出")
        if job is not None:
            exports.write_queued_export(job, tickets)
            return HttpResponse(status=204)
        started = exports.start_export(request.user, tickets, list_name=list_name, list_path=request.path,
                                       query=query)
    except DomainError as error:
        if job is not None:
            raise
        messages.error(request, error.message)
        return redirect(back)
    if isinstance(started, ListExport):
        messages.success(request, f"“{list_name}”条数较多，已转入后台生成，完成后在本页下载（本页自动刷新）")
        return redirect("hotline:my_exports")
    return started


def _named_errors(filters):
    return "；".join(f"{filters.form[name].label}：{' '.join(errors)}" if name in filters.form.fields
                    else " ".join(errors) for name, errors in filters.errors.items())

