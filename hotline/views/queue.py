"""The dispatcher's queue (earliest dispatch deadline first) and 批量派单 from it: tick orders, pick one unit."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from assessment.clock.selectors import missing_holiday_year
from core.errors import DomainError
from core.pages import role_required, show_error
from core.permissions import role_may

from .. import selectors
from ..forms import BatchDispatchForm
from ..services import center
from ..services.checks import check_can_dispatch
from .allowed import mark_extension_actions, passes
from .lists import LIST_LIMIT, export_requested, filtered_list

REPORT_KEY = "batch_dispatch_report"  # the last batch's outcomes, shown once on the queue after the redirect


@role_required("dispatch")
def dispatch_queue(request):
    if export := export_requested(request, selectors.dispatch_queue(), "派单队列"):
        return export
    return queue_page(request)


def queue_page(request, batch_form=None, status=200):
    """The queue with its filters; for a dispatcher a checkbox on every order a dispatch would take, the batch form
    (a bound one re-shown with its errors) and the report of the last batch."""
    user = request.user
    context = filtered_list(request, selectors.dispatch_queue(), read_rows=selectors.dispatch_queue_rows)
    context.update({
        "extensions": mark_extension_actions(user, list(selectors.pending_extensions()[:LIST_LIMIT])),
        "deadlines": selectors.near_or_past_deadline(user)[:LIST_LIMIT],
        "missing_holiday_year": missing_holiday_year(),
    })
    if role_may(user, "batch_dispatch"):
        selected = set(getattr(batch_form, "cleaned_data", {}).get("ticket_ids", ()))
        for ticket in context["tickets"]:
            ticket.can_dispatch = passes(check_can_dispatch, user, ticket)
            ticket.selected = ticket.pk in selected
        context.update({
            "batch_form": batch_form or BatchDispatchForm(auto_id="batch_%s"),
            "batch_report": request.session.pop(REPORT_KEY, None),
        })
    return render(request, "hotline/dispatch_queue.html", context, status=status)


@role_required("batch_dispatch")
def batch_dispatch(request):
    """批量派单: each ticked order dispatched on its own (center.batch_dispatch); the queue then shows which were
    dispatched and why the others were not. Bad input re-shows the queue with the message beside its field (400);
    a GET here (the re-shown page's filter form) is the queue with those filters."""
    if request.method != "POST":
        query = request.GET.urlencode()
        return redirect(reverse("hotline:dispatch_queue") + (f"?{query}" if query else ""))
    form = BatchDispatchForm(request.POST, auto_id="batch_%s")
    if not form.is_valid():
        return queue_page(request, form, status=400)
    try:
        unit = form.cleaned_data["lead_unit"]
        outcomes = center.batch_dispatch(request.user, form.cleaned_data["ticket_ids"], unit,
                                         note=form.cleaned_data["note"])
    except DomainError as error:
        return queue_page(request, form, status=show_error(request, error, form))
    request.session[REPORT_KEY] = {
        "unit": unit.name, "dispatched": sum(o.dispatched for o in outcomes),
        "failed": sum(not o.dispatched for o in outcomes),
        "outcomes": [{"id": o.ticket_id, "number": o.number, "dispatched": o.dispatched, "reason": o.reason}
                     for o in outcomes],
    }
    return redirect(_back_to_queue(request))


def _back_to_queue(request):
    """The queue page the batch was sent from, with its filters (a path of this site only)."""
    target = request.POST.get("next", "")
    queue = reverse("hotline:dispatch_queue")
    if target.startswith(queue) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return queue
