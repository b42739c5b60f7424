"""Every read of tickets a page, the API or a task needs, scoped to what the user's unit may see."""

import datetime as dt
import re

from django.db import transaction
from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from assessment.clock import countdown
from assessment.clock.models import OPEN as OPEN_CLOCK
from assessment.clock.models import Clock
from assessment.clock.overdue import past_q
from assessment.clock.selectors import open_dispatch_due
from core import paging
from core.paging import COUNT_CAP, CappedPaginator, page_number
from core.permissions import address_district_id, visible_unit_ids
from core.planner import estimated_rows
from dispatch.models import (
    Assignment,
    AssignmentStatus,
    ExtensionRequest,
    ExtensionStatus,
    Unit,
    Whistle,
    WhistleStatus,
    WhistleTarget,
)

from . import day_search, privacy, stored_scope, text_search
from .choices import (
    AWAITING_CALLBACK_STATUSES,
    AWAITING_DISPATCH_STATUSES,
    HANDLING_STATUSES,
    OPEN_STATUSES,
    ExportStatus,
    Status,
)
from .models import CallerReveal, ListExport, SavedListFilter, Ticket

LIST_RELATED = ("district", "street", "lead_unit", "catalog_item")
DUE_SOON = dt.timedelta(hours=24)
UNIT_WORKLIST_TABS = ("to_sign", "in_progress", "due_soon", "overdue")
PHONE_MATCH_LIMIT = 1000  # a number or a name never matches more of the orders one must call now
TICKET_DATE = re.compile(r"^\d{8}$")  # the date part of a quoted ticket number


class ProbedExists(Exists):
    """EXISTS probed for each outer row through the inner table's index. OFFSET 0 keeps PostgreSQL from turning it
    into a hashed subplan, which first reads every row of the subquery (a district's units hold a month's hundred
    thousand assignments) before a list walked by its index can stop at its page."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def visible_tickets(user, *, tested_per_order=False):
    """Tickets the user may see: all for the center; else those assigned or whistled to the user's units, and for
    a district supervisor also the dispatched orders at addresses in the district, whoever leads them
    (core/permissions.py address_district_id). The one home of a user's scope: lists, search, the ticket page,
    the API, urging and the deadlines read it.

    On PostgreSQL the rule's answer is stored on each order (hotline/stored_scope.py: tokens kept by triggers, a GIN
    index), so the scope is a test of the order's own row, or a bitmap beside a word's (related_scope is the rule
    it stores, tested equal). Elsewhere, related_scope."""
    if stored_scope.stored():
        tickets = Ticket.objects.select_related(*LIST_RELATED)
        scope = stored_scope.user_scope(user)
        return tickets if scope is None else tickets.filter(scope)
    return related_scope(user, tested_per_order=tested_per_order)


def related_scope(user, *, tested_per_order=False):
    """visible_tickets' rule, asked of the assignments, whistle calls and addresses themselves.

    A unit's scope is one set of ticket ids (a UNION read from the units' assignment and whistle-target indexes), so
    the planner can start from the unit's few thousand ids or, for one ticket, push its id into both halves. With
    ``tested_per_order`` the same scope is a test of each order through those indexes (EXISTS), for a query that
    walks or matches many orders: no hash of a district's every id first. A district's scope is always that test,
    its own column first (an eighth of the city's orders: a list walked by its index finds its page within a few
    hundred rows, where the id set would first gather the district's every order)."""
    tickets = Ticket.objects.select_related(*LIST_RELATED)
    unit_ids = visible_unit_ids(user)
    if unit_ids is None:
        return tickets
    district = _district_scope_q(user, unit_ids)
    if district is not None:
        return tickets.filter(district)
    assigned = Assignment.objects.filter(unit_id__in=unit_ids)
    whistled = WhistleTarget.objects.filter(unit_id__in=unit_ids)
    if tested_per_order:
        return tickets.filter(Exists(assigned.filter(ticket=OuterRef("pk")))
                              | Exists(whistled.filter(whistle__ticket=OuterRef("pk"))))
    return tickets.filter(pk__in=_scope_ids(unit_ids))


def _scope_ids(unit_ids):
    assigned = Assignment.objects.filter(unit_id__in=unit_ids)
    whistled = WhistleTarget.objects.filter(unit_id__in=unit_ids)
    return assigned.values("ticket_id").union(whistled.values("whistle__ticket_id"))


def scope_ids(user):
    """A unit's scope as the ids of its orders (visible_tickets' UNION of the units' assignments and whistle targets,
    each the id of an existing order: the foreign keys), for counting them without reading the orders; None when the
    scope is no set of ids (the center sees every order, a district supervisor's is tested per order)."""
    unit_ids = visible_unit_ids(user)
    if unit_ids is None or address_district_id(user) is not None:
        return None
    return _scope_ids(unit_ids)


def _district_scope_q(user, unit_ids):
    """A district supervisor's scope (see related_scope) as a condition on tickets; None for anyone else."""
    district_id = address_district_id(user)
    if district_id is None:
        return None
    return (district_address_q(district_id)
            | ProbedExists(Assignment.objects.filter(unit_id__in=unit_ids, ticket=OuterRef("pk")))
            | ProbedExists(WhistleTarget.objects.filter(unit_id__in=unit_ids, whistle__ticket=OuterRef("pk"))))


def district_address_q(district_id):
    """The part of a district's scope one column finds: the dispatched orders at the district's addresses."""
    return Q(district_id=district_id, dispatched_at__isnull=False)


def district_address_part(user):
    """The condition picking a district supervisor's orders at the district's addresses: part of their scope
    (district_scope_q), found without testing each order; the count of 本区工单 stops at it when it alone passes the
    cap."""
    return district_address_q(address_district_id(user))


def ticket_for(user, ticket_id):
    """One ticket with its timeline, or None if it does not exist or is out of the user's scope."""
    return visible_tickets(user).filter(pk=ticket_id).first()


def timeline(ticket):
    return ticket.events.select_related("actor", "actor_unit").order_by("created_at", "id")


def unit_worklist(user, tab, now=None):
    """A handling unit's tabs: to_sign, in_progress, due_soon, overdue (orders whose lead is the user's unit), each
    row with the unit's running clocks (``running_clocks``: sign, contact, complete) for its countdowns.

    临期 and 已超期 follow the unit's own clocks, sign limit included (countdown.py): 已超期 when one of them is past
    (or the order's limit is), 临期 when one is in its warning and none is past. The tab counts ask these same
    querysets (worklist_counts), so a tab counts exactly the rows it shows."""
    now = now or timezone.now()
    mine = Assignment.objects.filter(ticket=OuterRef("pk"), unit_id=user.unit_id)
    base = Ticket.objects.select_related(*LIST_RELATED).prefetch_related(running_clocks(user.unit_id))
    if tab == "to_sign":
        pending = mine.filter(status=AssignmentStatus.DISPATCHED)
        return base.filter(Exists(pending)).order_by("dispatched_at", "pk")
    if tab == "in_progress":
        return base.filter(lead_unit_id=user.unit_id, status__in=HANDLING_STATUSES).order_by("due_at", "pk")
    led = base.filter(lead_unit_id=user.unit_id, status__in=OPEN_STATUSES)
    unit_clocks = _unit_running_clocks(user.unit_id)
    late = Q(pk__in=unit_clocks.filter(countdown.breached_q(now)).values("ticket_id")) | past_q(now)
    if tab == "due_soon":
        warned = led.filter(pk__in=unit_clocks.filter(countdown.warning_q(now)).values("ticket_id"))
        return warned.exclude(late).order_by("due_at", "pk")
    if tab == "overdue":
        return led.filter(late).order_by("due_at", "pk")
    raise ValueError(f"unknown worklist tab {tab!r}")


def _unit_running_clocks(unit_id):
    """The unit's own running clocks on orders (sign, contact, complete; not a whistled department's)."""
    return Clock.objects.filter(OPEN_CLOCK, unit_id=unit_id, whistle_target__isnull=True)


def running_clocks(unit_id):
    """Prefetch (``ticket.running_clocks``): the unit's running clocks of each order, soonest due first."""
    clocks = _unit_running_clocks(unit_id).order_by("due_at", "pk")
    return Prefetch("clocks", queryset=clocks, to_attr="running_clocks")


def whistles_awaiting_approval(user):
    requested = Whistle.objects.filter(street_id=user.unit_id, status=WhistleStatus.REQUESTED)
    return (requested.select_related("ticket", "raised_by").prefetch_related("targets__unit")
            .order_by("raised_at", "pk"))


def whistle_calls_for(user):
    """Whistles addressed to the user's unit that still need a report-in or an action."""
    return (
        WhistleTarget.objects.filter(
            unit_id=user.unit_id, whistle__status=WhistleStatus.APPROVED, acted_at__isnull=True
        )
        .select_related("whistle", "whistle__ticket", "whistle__street")
        .order_by("report_in_due_at", "pk")
    )


def dispatch_queue():
    """The dispatcher's queue: received (not yet dispatched) and returned tickets, the earliest dispatch deadline
    first (``dispatch_due_at``, when a received one must be dispatched by: an emergency taken later can come before
    an ordinary call taken earlier), then the returned ones awaiting a ruling, oldest first."""
    return (
        Ticket.objects.select_related(*LIST_RELATED)
        .filter(status__in=AWAITING_DISPATCH_STATUSES)
        .annotate(dispatch_due_at=open_dispatch_due())
        .prefetch_related("return_requests")
        .order_by(F("dispatch_due_at").asc(nulls_last=True), "received_at", "pk")
    )


def dispatch_queue_rows(ids):
    """The dispatcher's queue's orders ``ids`` (a page of dispatch_queue's, chosen first), in that order, as its rows
    show them: units, leaf and the dispatch deadline."""
    return _in_order(Ticket.objects.select_related(*LIST_RELATED).annotate(dispatch_due_at=open_dispatch_due()), ids)


def _in_order(tickets, ids):
    """The orders ``ids`` read by their ids alone (a page chosen already: its list's conditions with the ids make
    the planner expect one or two rows and loop the small tables over them), in the order of ``ids``."""
    by_id = {row.pk: row for row in tickets.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def pending_extensions():
    return (
        ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING)
        .select_related("ticket", "unit", "requested_by")
        .order_by("requested_at", "pk")
    )


def near_or_past_deadline(user, now=None):
    """Open orders due within a day or overdue, for urging; district supervisors see their district's."""
    now = now or timezone.now()
    tickets = visible_tickets(user).filter(status__in=OPEN_STATUSES, due_at__lte=now + DUE_SOON)
    return tickets.order_by("due_at", "pk")


def district_orders(user):
    """本区工单: the district supervisor's scope (the district's streets' orders and the dispatched orders at its
    addresses, whoever leads them), newest first."""
    return visible_tickets(user).order_by("-received_at", "-pk")


def callback_queue():
    """Completed orders and direct answers waiting for the callback, oldest completion first."""
    return (
        Ticket.objects.select_related(*LIST_RELATED)
        .filter(status__in=AWAITING_CALLBACK_STATUSES)
        .order_by("completed_at", "pk")
    )


def callback_queue_rows(ids):
    """The callback queue's orders ``ids`` (a page of callback_queue's, chosen first), in that order."""
    return _in_order(Ticket.objects.select_related(*LIST_RELATED), ids)


def callback_decisions():
    """Called-back orders waiting for close or re-handle."""
    return Ticket.objects.select_related(*LIST_RELATED).filter(status=Status.CALLBACK).order_by("callback_at")


def earlier_requests(phone, limit=10):
    """The caller's earlier requests, newest first, for the intake form (重复诉求)."""
    return (
        Ticket.objects.select_related(*LIST_RELATED)
        .filter(caller_phone=phone)
        .order_by("-received_at")[:limit]
    )


def ticket_id_for_number(user, text):
    """The id of the ticket in the user's scope that a quoted number (20261122-1234) or a bare id names, else None."""
    text = (text or "").strip()
    head, _, tail = text.rpartition("-")
    if not tail.isdigit() or len(tail) > 18:
        return None
    ticket = visible_tickets(user).filter(pk=int(tail)).first()
    if ticket is None or (head and ticket.number != text):
        return None
    return ticket.pk


def repeats_of(ticket):
    """The later requests linked or merged into this order, oldest first."""
    return ticket.repeats.order_by("received_at", "id").only("id", "received_at", "status")


def search_tickets(user, query, *, wanted=text_search.PAGE_ROWS):
    """(tickets, note): by number (20261122-123 or 123), phone or its last digits, content words, or a caller's
    name, within the user's scope. A phone-shaped query, a phone's last 4 to 8 digits and a caller's name match only
    orders the user must call now (privacy.phone_search_q), never their content or address; ``note`` says so. Each
    shape goes to its own index: the id, caller_phone, the grams of content and address (text_search); none is OR-ed
    with a scan of another. ``wanted``: how many of them the caller reads (a page's end, a capped count), which
    decides how a content word is searched (text_search.word_search_plans)."""
    (tickets,), note = _search_routes(user, query, (wanted,))
    return tickets, note


def _search_routes(user, query, wanted, plans=None):
    """([the orders search_tickets finds, for each number of ``wanted`` found the way that reads fewest rows for
    that many], note): the same orders each time. ``plans``: a word's plans for ``wanted`` already chosen
    (_word_plans)."""
    tickets = visible_tickets(user)
    query = query.strip()
    head, _, tail = query.rpartition("-")
    if _number_shaped(query):
        if head:
            return [tickets.filter(pk=int(tail))] * len(wanted), ""
        phones = _phone_matches(user, query)
        if not phones and not privacy.phone_shaped(query) and len(tail) < privacy.MIN_PHONE_TAIL:
            return [tickets.filter(pk=int(tail))] * len(wanted), ""
        return [tickets.filter(pk__in=[int(tail), *phones])] * len(wanted), privacy.PHONE_SEARCH_NOTE
    if privacy.phone_shaped(query):
        return [tickets.filter(pk__in=_phone_matches(user, query))] * len(wanted), privacy.PHONE_SEARCH_NOTE
    if privacy.has_number(query):  # numbers in content and addresses are masked: no oracle for them
        return [tickets.none()] * len(wanted), privacy.PHONE_SEARCH_NOTE
    routes, named = _word_matches(user, query, wanted, plans), _name_matches(user, query)
    if named:  # one set of ids, not an OR: OR-ed, the planner walks every order testing both (22 s at 5 M)
        named_ids = Ticket.objects.filter(pk__in=named).values("pk")
        return [tickets.filter(pk__in=named_ids.union(words.order_by().values("pk"))) for words in routes], ""
    return routes, ""


def _number_shaped(query):
    """A ticket's number (20261122-123), or digits that may be an id or a phone's last digits."""
    head, _, tail = query.rpartition("-")
    return tail.isdigit() and len(tail) < 11 and (not head or bool(TICKET_DATE.match(head)))


def searches_words(query):
    """True when search_tickets looks for the query in content and addresses (not a number, a phone, nor a query
    holding one): such a search page counts to text_search.WORD_COUNT_CAP."""
    query = (query or "").strip()
    return bool(query) and not (_number_shaped(query) or privacy.phone_shaped(query) or privacy.has_number(query))


def search_results(user, query, *, narrow=None):
    """(every order search_page pages through, newest first unless ``narrow`` sorts them; note): its export."""
    (tickets,), note = _search_lists(user, query, narrow, (COUNT_CAP + 1,))
    return tickets, note


def _search_lists(user, query, narrow, wanted, plans=None):
    """([search_results' orders, for each number of ``wanted`` found the way that reads fewest rows for that
    many], note)."""
    routes, note = (_search_routes(user, query, wanted, plans) if query
                    else ([visible_tickets(user)] * len(wanted), ""))
    ordered = [tickets.order_by("-received_at", "-pk") for tickets in routes]
    return (ordered if narrow is None else [narrow(tickets) for tickets in ordered]), note


def search_page(user, query, limit, *, narrow=None, page=None):
    """(one page of the orders search_tickets finds, newest first unless ``narrow`` sorts them; note).
    ``narrow`` is the list's filters (a function of a queryset, hotline/listing.py). The page's ids are chosen
    first, in one query that joins nothing but what the filters need, and only those rows are then read with their
    units and leaf: joined before the limit, the planner (which cannot estimate a word's matches) loops the small
    tables over every match. With no query, the filters alone choose from the user's scope.

    A content or address word is counted to text_search.WORD_COUNT_CAP (1 000), anything else to COUNT_CAP. The
    page and the capped count are each searched the way that finds their rows soonest: a page's end is near, the
    count's far. When the page's way reads every candidate anyway (the index's matches, a street's scope), one
    query reads the ids up to the cap, newest first, and both the page and the count come from it. A page shorter
    than the page length tells the count too (nothing is counted again). A district supervisor's count stops at
    the matches at the district's addresses when they alone pass the cap (no order of them tested against the
    district's units)."""
    words = searches_words(query)
    cap = text_search.WORD_COUNT_CAP if words else paging.COUNT_CAP
    number = page_number(page, limit, cap)
    if words and day_search.serves(query.strip(), narrow):
        return _newest_days_page(user, query.strip(), limit, number, cap, narrow)
    wanted = (number * limit, cap + 1)
    plans = _word_plans(user, query.strip(), wanted, counts=1) if words else None
    (tickets, counted), note = _search_lists(user, query, narrow, wanted, plans)
    paginator = CappedPaginator(_ids(tickets), limit, counted=_ids(counted), floor=None, cap=cap)
    start = (number - 1) * limit
    with transaction.atomic():
        text_search.tune_word_search()
        upto = None
        if plans and plans[0] in text_search.READS_ALL:  # every candidate read for the page: read the cap's once
            upto = list(_ids(tickets)[: cap + 1])
            paginator.found, ids = len(upto), upto[start:start + limit]
        else:
            ids = list(_ids(tickets)[start:start + limit])
            if len(ids) < limit and (ids or number == 1):  # the page is the list's last: the count is known
                paginator.found = start + len(ids)
            else:
                paginator.floor = _district_floor(user, query, counted, cap)
        ids_page = paginator.get_page(number)
        if ids_page.number != number:  # asked past the last page: the last page instead
            last = (ids_page.number - 1) * limit
            ids = upto[last:last + limit] if upto is not None else list(ids_page.object_list)
    ids_page.object_list = list_rows(user, ids)
    return ids_page, note


def _newest_days_page(user, query, limit, number, cap, narrow):
    """search_page for a content or address word on PostgreSQL: the ids up to the cap, newest days first
    (hotline/day_search.py), with the orders of the caller's name the user may search by; page and count from
    them."""
    named = _name_matches(user, query)
    also = visible_tickets(user).filter(pk__in=named) if named else None
    with transaction.atomic():
        text_search.tune_word_search()
        upto = day_search.newest_ids(user, query, cap + 1, narrow=narrow, also=also)
    paginator = CappedPaginator(upto, limit, cap=cap)
    paginator.found = len(upto)
    ids_page = paginator.get_page(number)
    ids_page.object_list = list_rows(user, list(ids_page.object_list))
    return ids_page, ""


def list_rows(user, ids):
    """The orders ``ids`` (chosen from the user's scope already) as a list row reads them, in that order: units,
    leaf and whether the user sees the address. The scope is not tested again (a street's: 9 000 ids hashed for
    50 rows)."""
    rows = privacy.with_address_access(Ticket.objects.select_related(*LIST_RELATED).filter(pk__in=ids), user)
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def _district_floor(user, query, counted, cap=COUNT_CAP):
    """The district's address part of a district supervisor's counted matches, when the word is expected to pass
    the cap there alone (else counting it first would only add a count); else None. Not where the scope is stored:
    the whole scope is then tested on the word's rows as cheaply as that part (at a year the part, read through the
    district's column, took 968 ms where the count of the whole scope took 279)."""
    if address_district_id(user) is None or not query or stored_scope.stored():
        return None
    part = district_address_part(user)
    if text_search.expected_matches_within(query.strip(), Ticket.objects.filter(part)) <= cap:
        return None
    return _ids(counted.filter(part))


def _ids(tickets):
    return tickets.select_related(None).values_list("pk", flat=True)


def _phone_matches(user, query):
    """The ids of the orders whose caller number the query is, or ends with (4 to 8 digits), and the user may
    search by (the caller_phone index, or the few orders the user must call now)."""
    allowed = privacy.phone_search_q(user)
    if allowed is None:
        return []
    by_phone = Ticket.objects.filter(caller_phone__in=privacy.phone_forms(query)).filter(allowed)
    found = list(by_phone.values_list("pk", flat=True)[:PHONE_MATCH_LIMIT])
    digits = privacy.SEPARATORS.sub("", query)
    if digits.isdigit() and privacy.MIN_PHONE_TAIL <= len(digits) <= privacy.MAX_PHONE_TAIL:
        by_tail = Ticket.objects.filter(allowed, caller_phone__endswith=digits).exclude(pk__in=found)
        found += list(by_tail.values_list("pk", flat=True)[:PHONE_MATCH_LIMIT])
    return found


def _name_matches(user, query):
    """The ids of the orders whose caller's name is the query (张先生) and the user must call now; names are masked
    for everyone else, so no one else may search by them."""
    allowed = privacy.phone_search_q(user)
    if allowed is None or not privacy.name_shaped(query):
        return []
    return list(Ticket.objects.filter(allowed, caller_name=query).values_list("pk", flat=True)[:PHONE_MATCH_LIMIT])


def _word_matches(user, query, wanted, plans=None):
    """Orders in the user's scope whose content holds the query, or whose address does where the user sees it in
    full, once for each number of ``wanted``: the rows to read first are text_search.word_search_plans' choice for
    that many (``plans``, when already chosen): the scope by its ids, or each order walked or matched through the
    index tested against the scope (visible_tickets). The same orders either way."""
    plans = _word_plans(user, query, wanted) if plans is None else plans
    return [_word_route(user, query, plan) for plan in plans]


def _word_plans(user, query, wanted, counts=0):
    """text_search.word_search_plans for the query within the user's scope, for each number of ``wanted`` (the
    last ``counts`` of them counts)."""
    unit_ids = visible_unit_ids(user)
    scope_rows = None if unit_ids is None else estimated_rows(Assignment.objects.filter(unit_id__in=unit_ids))
    return text_search.word_search_plans(query, scope_rows, wanted, counts)


def _word_route(user, query, plan):
    tickets = visible_tickets(user, tested_per_order=plan != text_search.SCOPE)
    if plan == text_search.INDEX:  # on PostgreSQL a scope's bitmap (its stored tokens) is ANDed with the word's
        tickets = tickets.filter(text_search.indexed_words_match(query))
    address = text_search.holds("address", query) & Q(address_shown=True)
    return privacy.with_address_access(tickets, user).filter(text_search.holds("content", query) | address)


def within_list(user, queryset, query, *, relation="pk"):
    """A list (a queue, a worklist tab) narrowed to the orders its search box names: the same search as the
    search page, within the list's own rows (``relation``: the rows' path to their order, when they are clocks
    or whistles)."""
    query = (query or "").strip()
    if not query:
        return queryset
    found, _ = search_tickets(user, query)
    return queryset.filter(**{f"{relation}__in": found.order_by().values("pk")})


def tickets_of_clocks(clocks):
    """The orders of these running clocks, soonest clock first: the 督办 list as rows of orders (its export)."""
    soonest = clocks.filter(ticket=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
    return (Ticket.objects.select_related(*LIST_RELATED).filter(pk__in=clocks.order_by().values("ticket_id"))
            .annotate(soonest_due=Subquery(soonest)).order_by("soonest_due", "pk"))


def saved_filters(user, list_path):
    """The user's 常用筛选 of one list."""
    return list(SavedListFilter.objects.filter(user=user, list_path=list_path))


def caller_reveals():
    """Every 查看完整号码 record, newest first, for the auditor."""
    return CallerReveal.objects.select_related("user", "unit", "ticket").order_by("-created_at", "-id")


def list_exports():
    """Every 导出Excel record, newest first, for the auditor."""
    return ListExport.objects.select_related("user", "unit").order_by("-created_at", "-id")


def own_exports(user):
    """我的导出: the user's own exports, newest first (the files are theirs alone)."""
    return ListExport.objects.filter(user=user).order_by("-created_at", "-id")


def own_export_file(user, export_id):
    """The user's own finished export that has a file, or None (anyone else's: None, as if there were none)."""
    return own_exports(user).filter(pk=export_id, status=ExportStatus.DONE).exclude(file="").first()


# --- API reads -----------------------------------------------------------------------------------------------


def ticket_detail(user, ticket_id):
    """One ticket in scope with everything the detail view shows, in a fixed number of queries; else None."""

    from .models import TicketEvent

    return (
        visible_tickets(user)
        .select_related("repeat_of")
        .prefetch_related(
            Prefetch("repeats", queryset=Ticket.objects.only("id", "received_at", "status", "repeat_of_id")
                     .order_by("received_at", "id")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("id")),
            Prefetch("whistles", queryset=Whistle.objects.select_related("street").order_by("id")),
            Prefetch("whistles__targets", queryset=WhistleTarget.objects.select_related("unit").order_by("id")),
            Prefetch("extensions", queryset=ExtensionRequest.objects.select_related("unit").order_by("id")),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor", "actor_unit")),
        )
        .filter(pk=ticket_id)
        .first()
    )


def ticket_visible(user, ticket_id):
    return visible_tickets(user).filter(pk=ticket_id).exists()


def whistle_for(user, whistle_id):
    """A whistle whose order the user may see, else None."""
    whistle = Whistle.objects.filter(pk=whistle_id).only("id", "ticket_id").first()
    return whistle if whistle and ticket_visible(user, whistle.ticket_id) else None


def extension_for(user, extension_id):
    """An extension request whose order the user may see, else None."""
    extension = ExtensionRequest.objects.filter(pk=extension_id).only("id", "ticket_id").first()
    return extension if extension and ticket_visible(user, extension.ticket_id) else None


def _count(queryset):
    """SELECT COUNT(*) of a list as a scalar subquery (no GROUP BY, no joins the list only needs for display)."""
    return Subquery(
        queryset.order_by().select_related(None).prefetch_related(None).values(n=Func(F("pk"), function="COUNT"))
    )


def worklist_counts(user, tab_keys, now=None):
    """The count of every worklist tab in one query: the tabs' own selectors as scalar subqueries of one SELECT."""
    if user.unit_id is None:
        return {}
    now = now or timezone.now()
    lists = {key: unit_worklist(user, key, now) for key in tab_keys if key in UNIT_WORKLIST_TABS}
    if "whistles" in tab_keys:
        lists["whistles"] = whistles_awaiting_approval(user)
    if "whistle_calls" in tab_keys:
        lists["whistle_calls"] = whistle_calls_for(user)
    row = Unit.objects.filter(pk=user.unit_id).values(**{f"n_{key}": _count(qs) for key, qs in lists.items()}).first()
    return {key.removeprefix("n_"): count for key, count in (row or {}).items()}
