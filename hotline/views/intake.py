"""The agent's intake page and the small JSON views its script calls (earlier requests, catalog search)."""

from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dispatch.catalog.selectors import search_leaves
from dispatch.choices import Responsible, UnitKind
from dispatch.errors import DomainError
from dispatch.models import Unit
from dispatch.selectors import districts

from .. import selectors
from ..choices import Urgency
from ..forms import IntakeForm
from ..services import intake
from .common import put_error_on_form, role_required


@role_required("intake")
def intake_page(request):
    form = IntakeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket = _take(request, form)
            except DomainError as error:
                if not put_error_on_form(form, error):
                    messages.error(request, error.message)
                status = error.http_status
            else:
                messages.success(request, _receipt(ticket))
                return redirect(f"{reverse('hotline:intake')}?done={ticket.pk}")
        else:
            status = 400
    done = selectors.ticket_for(request.user, request.GET["done"]) if request.GET.get("done", "").isdigit() else None
    streets = Unit.objects.filter(kind=UnitKind.STREET, is_active=True).select_related("parent").order_by("code")
    return render(request, "hotline/intake.html", {
        "form": form, "streets": streets, "districts": districts(), "done": done,
        "selected_leaf": form.cleaned_data.get("catalog_item") if form.is_bound and hasattr(form, "cleaned_data")
        else None,
    }, status=status)


def _take(request, form):
    """Record and then dispatch or answer, all or nothing: a failed dispatch leaves no half-taken ticket."""
    answering = request.POST.get("submit") == "answer"
    with transaction.atomic():
        ticket, created = intake.intake_ticket(request.user, **form.service_kwargs())
        if not created:
            return ticket
        if answering:  # an error here rolls the intake back too
            return intake.answer_directly(request.user, ticket.pk, form.cleaned_data["answer"])
        return intake.dispatch_ticket(request.user, ticket.pk)


def _receipt(ticket):
    ticket.refresh_from_db()
    if ticket.lead_unit_id:
        where = f"已派至{ticket.lead_unit.name}（主办）"
        if ticket.lead_unit.kind == UnitKind.STREET:
            where += f"，抄送{ticket.district.name}"
        return f"工单 {ticket.number} 已受理，{where}，响应级别{ticket.get_tier_display()}"
    return f"工单 {ticket.number} 已受理并{ticket.get_status_display()}"


@role_required("intake")
def earlier_requests_json(request):
    phone = request.GET.get("phone", "").replace(" ", "")
    rows = selectors.earlier_requests(phone) if len(phone) >= 7 else []
    return JsonResponse({"requests": [
        {"id": t.pk, "number": t.number, "received_at": f"{t.received_at:%Y-%m-%d %H:%M}", "content": t.content[:60],
         "status": t.get_status_display(), "unit": t.lead_unit.name if t.lead_unit else "",
         "url": reverse("hotline:ticket", args=[t.pk])}
        for t in rows
    ]})


@role_required("intake")
def catalog_search_json(request):
    """Leaves matching the words, with the tier the service would suggest for each urgency."""
    leaves = search_leaves(request.GET.get("q", ""))
    return JsonResponse({"leaves": [
        {"id": leaf.pk, "code": leaf.code, "name": leaf.name, "path": leaf.path_names(),
         "responsible": (leaf.responsible_unit.name if leaf.responsible == Responsible.UNIT and leaf.responsible_unit
                         else "属地街乡镇"),
         "request_type": leaf.default_request_type,
         "tiers": {u: _tier_label(intake.suggested_tier(leaf, u)) for u in Urgency.values}}
        for leaf in leaves
    ]})


def _tier_label(tier):
    return {"value": tier.value, "label": tier.label}
