"""The agent's intake page and the small JSON views its script calls: earlier requests, catalog search, and the
smart-intake suggestions (catalog leaves from the content, streets from the address, repeat requests)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localtime

from core.errors import DomainError, InvalidInput
from core.pages import role_required, show_error
from core.throttling import NumberLookupThrottle, retry_message
from dispatch.catalog.selectors import search_leaves
from dispatch.choices import Responsible, UnitKind
from dispatch.selectors import districts, street_named
from dispatch.tiers import suggested_tier
from knowledge import services as knowledge

from .. import selectors
from ..choices import CONTENT_MAX_LENGTH, Urgency
from ..forms import IntakeForm
from ..services import intake
from ..suggest import find_repeats, guess_district, resolve_address, suggest_leaves
from ..suggest.repeats import repeat_window
from ..suggest.request_type import suggest_request_type


@role_required("intake")
def intake_page(request):
    form = IntakeForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket = _take(request, form)
            except DomainError as error:
                status = show_error(request, error, form)
            else:
                messages.success(request, _receipt(ticket))
                return redirect(f"{reverse('hotline:intake')}?done={ticket.pk}")
        else:
            status = 400
    done = selectors.ticket_for(request.user, request.GET["done"]) if request.GET.get("done", "").isdigit() else None
    leaf = form.cleaned_data.get("catalog_item") if form.is_bound and hasattr(form, "cleaned_data") else None
    return render(request, "hotline/intake.html", {
        "form": form, "districts": districts(), "done": done,
        "repeat_window_days": repeat_window().days, "content_max": CONTENT_MAX_LENGTH,
        "selected_leaf": leaf,
        "suggested_lead": intake.suggested_lead(leaf, form.cleaned_data.get("street"),
                                                form.cleaned_data.get("district")) if leaf else None,
    }, status=status)


def _take(request, form):
    """Record and then dispatch, answer or link as a repeat, all or nothing (intake.take_call)."""
    original_id = request.POST.get("repeat_of", "").strip()
    if original_id and not original_id.isdigit():
        raise InvalidInput("重复诉求的原工单编号无效", field="repeat_of")
    if original_id:
        then = intake.REPEAT
    else:
        then = intake.ANSWER if request.POST.get("submit") == "answer" else intake.DISPATCH
    data = form.cleaned_data
    cited = data["cited_version"] if then == intake.ANSWER else None
    ticket, _ = intake.take_call(request.user, then=then, answer=data["answer"], lead_unit=data["lead_unit"],
                                 assist_units=data["assist_units"], lead_reason=data["lead_reason"],
                                 cited_version=cited or None,
                                 repeat_of=int(original_id) if original_id else None, **form.service_kwargs())
    if ticket.cited_article_version_id and data["kb_search"]:  # the panel's search found what was answered
        knowledge.mark_opened(request.user, data["kb_search"], ticket.cited_article_version.article_id)
    return ticket


def _receipt(ticket):
    ticket.refresh_from_db()
    if ticket.repeat_of_id:
        return (f"工单 {ticket.number} 已受理，已关联为工单 {ticket.repeat_of.number} 的重复诉求，"
                "并入原工单办理，未再派单")
    if ticket.lead_unit_id:
        where = f"已派至{ticket.lead_unit.name}（主办）"
        if ticket.lead_unit.kind == UnitKind.STREET:
            where += f"，抄送{ticket.district.name}"
        return f"工单 {ticket.number} 已受理，{where}，响应级别{ticket.get_tier_display()}"
    return f"工单 {ticket.number} 已受理并{ticket.get_status_display()}"


@role_required("intake")
def earlier_requests_json(request):
    phone = request.GET.get("phone", "").replace(" ", "")
    if not intake.PHONE_RE.match(phone):  # a whole number, not a part
        return JsonResponse({"requests": []})
    lookups = NumberLookupThrottle()
    if not lookups.allow_request(request, None):
        return JsonResponse({"requests": [], "detail": retry_message(lookups.wait())}, status=429,
                            headers={"Retry-After": str(lookups.wait())})
    rows = selectors.earlier_requests(phone)
    return JsonResponse({"requests": [
        {"id": t.pk, "number": t.number, "received_at": _local(t.received_at), "content": t.shown_content[:60],
         "status": t.get_status_display(), "unit": t.lead_unit.name if t.lead_unit else "",
         "url": reverse("hotline:ticket", args=[t.pk])}
        for t in rows
    ]})


@role_required("intake")
def catalog_search_json(request):
    """Leaves matching the words, with the tier the service would suggest for each urgency."""
    return JsonResponse({"leaves": [_leaf_json(leaf) for leaf in search_leaves(request.GET.get("q", ""))]})


def _leaf_json(leaf, score=None):
    row = {"id": leaf.pk, "code": leaf.code, "name": leaf.name, "path": leaf.path_names(),
           "responsible": (leaf.responsible_unit.name if leaf.responsible == Responsible.UNIT
                           and leaf.responsible_unit else "属地街乡镇"),
           "request_type": leaf.default_request_type,
           "tiers": {u: _tier_label(suggested_tier(leaf, u)) for u in Urgency.values}}
    if score is not None:
        row["score"] = score
    return row


def _local(moment):
    return f"{localtime(moment):%Y-%m-%d %H:%M}"


def _tier_label(tier):
    return {"value": tier.value, "label": tier.label}


# --- smart intake --------------------------------------------------------------------------------------------

MAX_TEXT = CONTENT_MAX_LENGTH  # longer input is cut: suggestions read the gist, not a whole letter


def _param(request, name):
    return request.GET.get(name, "").strip()[:MAX_TEXT]


@role_required("intake")
def suggest_leaves_json(request):
    """The three catalog leaves that best fit the content typed so far, with their scores."""
    ranked = suggest_leaves(_param(request, "text"))
    return JsonResponse({"leaves": [_leaf_json(leaf, score) for leaf, score in ranked]})


@role_required("intake")
def suggest_request_type_json(request):
    """The 诉求类型 the content typed so far suggests, with the words that suggest it (null: no suggestion)."""
    kind, cues = suggest_request_type(_param(request, "text"))
    return JsonResponse({"request_type": {"value": kind.value, "label": kind.label, "cues": cues} if kind else None})


@role_required("intake")
def suggest_streets_json(request):
    """Streets for the address typed so far, best first, and the district the address names (if any)."""
    address = _param(request, "address")
    district = guess_district(address) if address else None
    return JsonResponse({
        "district": {"id": district.pk, "name": district.name} if district else None,
        "streets": [{"code": street.code, "name": street.name, "district_id": street.parent_id,
                     "district": street.parent.name, "score": score, "reason": reason}
                    for street, score, reason in resolve_address(address)],
    })


@role_required("intake")
def suggest_repeats_json(request):
    """Earlier open tickets this call may repeat: same phone, or near-identical content at the same street."""
    phone = _param(request, "phone").replace(" ", "")
    street = _street_named(_param(request, "street"), _param(request, "district"))
    rows = find_repeats(phone if intake.PHONE_RE.match(phone) else "", _param(request, "content"), street)
    return JsonResponse({"repeats": [
        {"id": t.pk, "number": t.number, "received_at": _local(t.received_at),
         "content": t.shown_content[:80], "status": t.get_status_display(), "reason": t.repeat_reason,
         "url": reverse("hotline:ticket", args=[t.pk])}
        for t in rows
    ]})


def _street_named(name, district_id):
    """The street the form names (as IntakeForm reads it); None when absent, unknown or ambiguous."""
    try:
        return street_named(name, int(district_id) if district_id.isdecimal() else None)
    except InvalidInput:
        return None
