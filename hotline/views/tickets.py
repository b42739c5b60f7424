"""The ticket page: everything about one order the user may see, and the actions open to them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from assessment.clock import countdown
from assessment.clock.selectors import dispatch_clock, ticket_deadlines
from assessment.clock.whistle_limits import whistle_limits
from attachments import selectors as attachment_selectors
from core.errors import DomainError
from core.pages import show_error
from dispatch.models import WhistleTarget

from .. import privacy, selectors
from ..services import caller
from ..services.checks import Facts, completion_needs_photo
from ..suggest import find_repeats
from .actions import ACTIONS, form_auto_id, form_context, form_data
from .allowed import mark_extension_actions, mark_whistle_actions, may_review_unreasonable, ticket_actions


def ticket_or_404(user, pk):
    ticket = selectors.ticket_for(user, pk)
    if ticket is None:
        raise Http404("工单不存在或不在您的权限范围内")
    return ticket


@login_required
def ticket_detail(request, pk):
    return _render_ticket(request, ticket_or_404(request.user, pk))


def _render_ticket(request, ticket, bound=None, status=200, revealed=False):
    """bound = (action, obj_id, form) re-shows a submitted form with its errors; revealed: the caller's full
    number and name are shown (查看完整号码, recorded by the caller service)."""
    user = request.user
    assignments = list(ticket.assignments.select_related("unit").order_by("dispatched_at", "id"))
    whistles = list(ticket.whistles.select_related("street", "raised_by").prefetch_related(
        Prefetch("targets", queryset=WhistleTarget.objects.select_related("unit").order_by("id"))).order_by("id"))
    extensions = list(ticket.extensions.select_related("unit", "requested_by").order_by("id"))
    returns = list(ticket.return_requests.select_related("unit", "suggested_unit").order_by("id"))
    files = attachment_selectors.of_ticket(ticket)
    facts = Facts(ticket, assignments=assignments, whistles=whistles, extensions=extensions, returns=returns,
                  attachments=files)
    record = privacy.record_for(
        user, ticket, assignments=assignments, whistles=whistles, extensions=extensions, returns=returns,
        attachments=files,
        events=selectors.timeline(ticket), callbacks=ticket.callbacks.select_related("agent").order_by("id"),
        feedbacks=ticket.caller_feedbacks.select_related("unit").order_by("id"), clocks=ticket_deadlines(ticket))
    allowed, reasons = ticket_actions(user, ticket, facts)
    mark_whistle_actions(user, whistles)
    mark_extension_actions(user, extensions)
    files_by_event = attachment_selectors.by_event(record["attachments"])
    for event in record["events"]:
        event.files = files_by_event.get(event.pk, [])
    context = {
        "ticket": ticket, "revealed": revealed, "address": privacy.shown_address(user, ticket),
        "may_reveal": not revealed and privacy.caller_entitlement(user, ticket) is not None,
        "record": record, "assignments": record["assignments"], "whistles": record["whistles"],
        "extensions": record["extensions"], "returns": record["returns"], "events": record["events"],
        "callbacks": record["callbacks"], "feedbacks": record["feedbacks"],
        "allowed": allowed, "reasons": reasons, "bound": bound or (None, None, None),
        "may_review": may_review_unreasonable(user), "dispatch_clock": dispatch_clock(ticket),
        "running_clocks": countdown.running(record["clocks"]),
        "whistle_limits": whistle_limits(ticket, timezone.now()) if "raise_whistle" in allowed else None,
        "repeats": selectors.repeats_of(ticket),
        "merge_candidates": _merge_candidates(ticket) if "merge_repeat" in allowed else [],
        "photo_needed": completion_needs_photo(ticket, facts),
    }
    return render(request, "hotline/ticket_detail.html", context, status=status)


def _merge_candidates(ticket):
    """Earlier open orders this one may repeat (same caller, or the same matter at its street), as hints."""
    return find_repeats(ticket.caller_phone, ticket.content, ticket.street_id, now=ticket.received_at,
                        exclude_id=ticket.pk)


@require_POST
@login_required
def reveal_caller(request, pk):
    """查看完整号码: the page again with the caller's full number, for whoever must call them now (recorded);
    anyone else gets the page with the reason and a 403."""
    ticket = ticket_or_404(request.user, pk)
    try:
        ticket, _ = caller.reveal_caller(request.user, ticket.pk)
    except DomainError as error:
        return _render_ticket(request, ticket, status=show_error(request, error))
    return _render_ticket(request, ticket, revealed=True)


@require_POST
@login_required
def ticket_action(request, pk, action, obj_id=None):
    """Run one action through its service; a domain error re-shows the page with the message, never a 500."""
    ticket = ticket_or_404(request.user, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("未知操作")
    form = spec.form(request.POST, request.FILES, auto_id=form_auto_id(action, obj_id),
                     **form_context(spec, ticket, request.user))
    if form.is_valid():
        try:
            message = spec.run(request.user, ticket, obj_id, form_data(form, request))
        except DomainError as error:
            status = show_error(request, error, form)
        else:
            messages.success(request, f"工单 {ticket.number}：{message}")
            return redirect(_next_url(request, ticket))
    else:
        status = 400
    ticket = ticket_or_404(request.user, pk)  # fresh state after a failed attempt
    return _render_ticket(request, ticket, bound=(action, obj_id, form), status=status)


def _next_url(request, ticket):
    """Back to the list the action was taken from (same site only), else the ticket page."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target  # a path of this site; anything else (a view name, another host) is ignored
    return reverse("hotline:ticket", args=[ticket.pk])
