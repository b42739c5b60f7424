"""The work lists: a unit's tabs, the dispatcher's queue, the callback queue, deadlines, search."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dispatch.choices import Role

from .. import selectors
from .allowed import mark_extension_actions, mark_whistle_actions
from .common import role_required

LIST_LIMIT = 100
UNIT_TABS = [("to_sign", "待签收"), ("in_progress", "办理中"), ("due_soon", "临期"), ("overdue", "已超期")]


def _tabs(user):
    tabs = list(UNIT_TABS)
    if user.role == Role.STREET_LEADER:
        tabs.append(("whistles", "吹哨待审批"))
    if user.role == Role.DEPARTMENT_STAFF:
        tabs.append(("whistle_calls", "吹哨报到"))
    return tabs


@role_required("sign")
def worklist(request):
    """A handling unit's orders by tab; a leader's whistles to approve; a department's whistle calls."""
    user = request.user
    tabs = _tabs(user)
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(tabs) else "to_sign"
    context = {"tabs": tabs, "tab": tab, "tab_label": dict(tabs)[tab], "tickets": [], "whistles": [], "calls": []}
    if tab == "whistles":
        context["whistles"] = mark_whistle_actions(user, list(selectors.whistles_awaiting_approval(user)[:LIST_LIMIT]))
    elif tab == "whistle_calls":
        calls = list(selectors.whistle_calls_for(user)[:LIST_LIMIT])
        context["calls"] = calls
        for call in calls:
            call.can_report_in, call.can_act = not call.reported_in_at, bool(call.reported_in_at)
    else:
        context["tickets"] = selectors.unit_worklist(user, tab)[:LIST_LIMIT]
    return render(request, "hotline/worklist.html", context)


@role_required("dispatch")
def dispatch_queue(request):
    user = request.user
    extensions = mark_extension_actions(user, list(selectors.pending_extensions()[:LIST_LIMIT]))
    return render(request, "hotline/dispatch_queue.html", {
        "queue": selectors.dispatch_queue()[:LIST_LIMIT],
        "extensions": extensions,
        "deadlines": selectors.near_or_past_deadline(user)[:LIST_LIMIT],
    })


@role_required("callback")
def callback_queue(request):
    return render(request, "hotline/callback_queue.html", {
        "queue": selectors.callback_queue()[:LIST_LIMIT],
        "decisions": selectors.callback_decisions()[:LIST_LIMIT],
    })


@role_required("urge")
def deadlines(request):
    """Orders near or past their deadline in the user's scope (urging itself comes with the supervision pages)."""
    return render(request, "hotline/deadlines.html", {
        "tickets": selectors.near_or_past_deadline(request.user)[:LIST_LIMIT],
    })


@login_required
def search(request):
    query = request.GET.get("q", "").strip()
    tickets = selectors.search_tickets(request.user, query).order_by("-received_at")[:LIST_LIMIT] if query else []
    return render(request, "hotline/search.html", {"query": query, "tickets": tickets})
