"""The auditor's list of 查看完整号码 records: who saw which order's caller number, when, on what ground."""

from django.shortcuts import render

from core.pages import role_required

from .. import selectors
from .lists import paged


@role_required("audit_caller_reveals")
def caller_reveals(request):
    return render(request, "hotline/caller_reveals.html", {"reveals": paged(request, selectors.caller_reveals())})
