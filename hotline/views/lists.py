"""The work lists: a unit's tabs, the district's orders, the callback queue, deadlines, search (the dispatcher's
queue: queue.py)."""

from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from assessment.clock.overdue import is_past
from assessment.clock.selectors import deadlines_to_urge, own_units_clocks, urge_count_cap
from core.pages import role_required
from core.paging import CappedPaginator, page_number
from core.throttling import SearchThrottle, retry_message
from dispatch.choices import Role

from .. import exports, listing, selectors
from ..models import Ticket
from . import exports as exporting
from .allowed import mark_extension_actions, mark_whistle_actions, mark_whistle_call, may_urge

LIST_LIMIT = 100
UNIT_TABS = [("to_sign", "待签收"), ("in_progress", "办理中"), ("due_soon", "临期"), ("overdue", "已超期")]


def paged(request, queryset, floor=None, *, read_rows=None, cap=None):
    """One page of LIST_LIMIT rows (?page=N); a page number out of range or not a number gives the nearest page.
    The count stops at ``cap``, 10 000 unless given (core/paging.py; ``floor``: see CappedPaginator).

    ``read_rows`` (ids first): the page is chosen as ids alone, in a query that reads no relation and no column the
    list does not filter or sort by, and ``read_rows(ids)`` then reads only those rows, in that order (with their
    units, leaf and annotations): joined and annotated before the limit, every row of a queue was read whole and
    joined to be sorted (the dispatcher's 3 287 at a quarter), and a deep page walked its offset's rows joined."""
    number = page_number(request.GET.get("page"), LIST_LIMIT, cap)
    if read_rows is None:
        return CappedPaginator(queryset, LIST_LIMIT, floor=floor, cap=cap).get_page(number)
    ids = queryset.select_related(None).prefetch_related(None).values_list("pk", flat=True)
    page = CappedPaginator(ids, LIST_LIMIT, floor=floor, cap=cap).get_page(number)
    page.object_list = read_rows(list(page.object_list))
    return page


def filtered_rows(request, queryset, *, relation=None, now=None):
    """(the list's filters, its rows: narrowed by the filters and the search box ?q=, sorted), from the URL.
    ``relation``: the rows' path to their order when they are not orders (whistles, clocks)."""
    queryset = selectors.within_list(request.user, queryset, request.GET.get("q"), relation=relation or "pk")
    return listing.filtered(request, queryset, relation=relation, now=now)


def filtered_list(request, queryset, *, relation=None, rows="tickets", floor=None, read_rows=None):
    """The list's filters, sort, search box (?q=) and page, all from the URL (hotline/listing.py): a context for
    templates/hotline/_list_filters.html and _ticket_table.html (the page under ``rows``). A list of orders (no
    ``relation``) offers 导出Excel. ``floor``: a condition picking a part of the list that is cheaper to count (see
    CappedPaginator); it narrows the already filtered rows, so a search runs once. ``read_rows``: the page's ids
    are chosen first and this reads their rows (``paged``)."""
    filters, queryset = filtered_rows(request, queryset, relation=relation)
    floor = None if floor is None else queryset.filter(floor)
    return {**filter_bar(request, filters, exportable=relation is None),
            rows: paged(request, queryset, floor, read_rows=read_rows)}


def export_requested(request, queryset, list_name):
    """A list of orders' every page as .xlsx when its URL asks for it (?format=xlsx), else None."""
    if not exporting.wanted(request):
        return None
    filters, rows = filtered_rows(request, queryset)
    return exporting.export_or_back(request, filters, rows, list_name)


def filter_bar(request, filters, *, exportable=True):
    """What templates/hotline/_list_filters.html shows: the bound filters, the user's saved ones of this list and,
    on a list of orders, the 导出Excel link (the list's URL with ?format=xlsx)."""
    return {"filters": filters, "saved_filters": selectors.saved_filters(request.user, request.path),
            "export_limit": exports.EXPORT_LIMIT if exportable else None}


def _tabs(user):
    tabs = list(UNIT_TABS)
    if user.role == Role.STREET_LEADER:
        tabs.append(("whistles", "吹哨待审批"))
    if user.role == Role.DEPARTMENT_STAFF:
        tabs.append(("whistle_calls", "吹哨报到"))
    return tabs


@role_required("sign")
def worklist(request):
    """A handling unit's orders by tab (each with its count); a leader's whistles to approve; a department's whistle
    calls."""
    user = request.user
    counts = selectors.worklist_counts(user, [key for key, _ in _tabs(user)])
    tabs = [(key, label, counts.get(key, 0)) for key, label in _tabs(user)]
    labels = {key: label for key, label, _ in tabs}
    tab = request.GET.get("tab") if request.GET.get("tab") in labels else "to_sign"
    context = {"tabs": tabs, "tab": tab, "tab_label": labels[tab], "tickets": [], "whistles": [], "calls": []}
    if tab == "whistles":
        context.update(filtered_list(request, selectors.whistles_awaiting_approval(user), relation="ticket",
                                     rows="whistles"))
        page = context["whistles"]
        page.object_list = mark_whistle_actions(user, list(page.object_list))
    elif tab == "whistle_calls":
        context.update(filtered_list(request, selectors.whistle_calls_for(user), relation="whistle__ticket",
                                     rows="calls"))
        page = context["calls"]
        page.object_list = list(page.object_list)
        for call in page.object_list:
            mark_whistle_call(user, call.whistle, call)
    else:
        tickets = selectors.unit_worklist(user, tab)
        if export := export_requested(request, tickets, f"工作台-{labels[tab]}"):
            return export
        context.update(filtered_list(request, tickets))
    return render(request, "hotline/worklist.html", context)


@role_required("district_orders")
def district_orders(request):
    """本区工单: the district's orders with the lists' filters, each open one with 督办 in its row."""
    tickets = selectors.district_orders(request.user)  # reads the district's scope once
    if export := export_requested(request, tickets, "本区工单"):
        return export
    context = filtered_list(request, tickets, floor=selectors.district_address_part(request.user))
    for ticket in context["tickets"]:
        ticket.can_urge = may_urge(request.user, ticket)
    return render(request, "hotline/district_orders.html", context)


@role_required("dispatch")
def extensions(request):
    """延期申请: every pending extension request, with the lists' filters on their orders, oldest first."""
    context = filtered_list(request, selectors.pending_extensions(), relation="ticket", rows="extensions")
    page = context["extensions"]
    page.object_list = mark_extension_actions(request.user, list(page.object_list))
    return render(request, "hotline/extensions.html", context)


@role_required("callback")
def callback_queue(request):
    if export := export_requested(request, selectors.callback_queue(), "待回访"):
        return export
    return render(request, "hotline/callback_queue.html", {
        **filtered_list(request, selectors.callback_queue(), read_rows=selectors.callback_queue_rows),
        "decisions": selectors.callback_decisions()[:LIST_LIMIT],
    })


def urge_rows(user, clocks, now):
    """Running clocks grouped by order (soonest first), each order with may-urge; a clock knows if it is past due."""
    rows = {}
    for clock in clocks:
        clock.overdue = is_past(clock.due_at, now)
        row = rows.setdefault(clock.ticket_id, SimpleNamespace(ticket=clock.ticket, clocks=[]))
        row.clocks.append(clock)
    for row in rows.values():
        row.can_urge = may_urge(user, row.ticket)
        row.overdue = any(clock.overdue for clock in row.clocks)
    return list(rows.values())


@role_required("urge")
def deadlines(request):
    """督办: every running clock (orders and whistled departments) due within a day or past, in the user's scope."""
    now, user = timezone.now(), request.user
    clocks = deadlines_to_urge(user, now=now).select_related("ticket__lead_unit", "ticket__street")
    filters, clocks = filtered_rows(request, clocks, relation="ticket", now=now)
    if exporting.wanted(request):
        return exporting.export_or_back(request, filters, selectors.tickets_of_clocks(clocks), "临期督办")
    own = None if request.GET.get("q") else own_units_clocks(user, now=now)  # searched: the list alone is counted
    page = paged(request, clocks, floor=None if own is None else listing.filtered(request, own, relation="ticket",
                                                                                 now=now)[1],
                 cap=urge_count_cap(user))
    return render(request, "hotline/deadlines.html", {
        "rows": urge_rows(user, page.object_list, now), "clocks": page, **filter_bar(request, filters)})


@login_required
def search(request):
    query = request.GET.get("q", "").strip()
    throttle = SearchThrottle()
    if query and not throttle.allow_request(request, None):  # per user: a search is not an oracle to hammer
        context = {"query": query, "tickets": [], "throttled": retry_message(throttle.wait())}
        return render(request, "hotline/search.html", context, status=429)
    filters = listing.TicketListFilter(request.GET, queryset=Ticket.objects.none())
    filters.is_valid()  # cleans the form once: its valid fields narrow the search, its errors show beside them
    if not (query or filters.active):
        return render(request, "hotline/search.html", {"query": query, "tickets": [], "filters": filters})
    if exporting.wanted(request):
        tickets, _ = selectors.search_results(request.user, query, narrow=filters.filter_queryset)
        return exporting.export_or_back(request, filters, tickets, "查找结果")
    tickets, note = selectors.search_page(request.user, query, LIST_LIMIT, page=request.GET.get("page"),
                                          narrow=filters.filter_queryset)
    capped = tickets.paginator.capped and selectors.searches_words(query)
    return render(request, "hotline/search.html", {
        "query": query, "tickets": tickets, "note": note, "word_cap": tickets.paginator.cap if capped else None,
        **filter_bar(request, filters)})
