"""导出Excel of the lists of orders: ?format=xlsx on a list's own URL (hotline/exports.py)."""

from django.contrib import messages
from django.shortcuts import redirect

from core.errors import DomainError

from .. import exports

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
    """The list's every page as .xlsx; a bad filter or too long a list: back to the list, whose page shows why
    (the filter's error beside its field, the reason at the top), and nothing is exported or recorded."""
    query = list_query(request)
    back = f"{request.path}?{query}" if query else request.path
    if filters.errors:
        named = "；".join(f"{filters.form[name].label}：{' '.join(errors)}" if name in filters.form.fields
                         else " ".join(errors) for name, errors in filters.errors.items())
        messages.error(request, f"筛选条件有误，未导出（{named}）。请更正后再导出")
        return redirect(back)
    try:
        return exports.export_list(request.user, tickets, list_name=list_name, list_path=request.path, query=query)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)

