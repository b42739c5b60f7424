"""The auditor's lists: 查看完整号码 records (who saw which order's caller number, when, on what ground) and
导出Excel records (who exported which list of orders, with which filters, how many rows)."""

from django.shortcuts import render

from core.pages import role_required

from .. import selectors
from .lists import paged


@role_required("audit_caller_reveals")
def caller_reveals(request):
    return render(request, "hotline/caller_reveals.html", {"reveals": paged(request, selectors.caller_reveals())})


@role_required("audit_list_exports")
def list_exports(request):
    return render(request, "hotline/list_exports.html", {"exports": paged(request, selectors.list_exports())})
