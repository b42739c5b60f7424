"""工单打印: one order on one A4 page, for whoever may open its ticket page (the same scope, the same 404)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..print_sheet import print_sheet
from .tickets import ticket_or_404


@require_GET
@login_required
def ticket_print(request, pk):
    ticket = ticket_or_404(request.user, pk)
    return render(request, "hotline/ticket_print.html", print_sheet(request.user, ticket))
