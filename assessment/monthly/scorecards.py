"""Per-unit counts of a month as SQL aggregates (GROUP BY unit), and the rates and score computed from them.

Counted per (unit, order): every unit holding a live lead or assisting assignment on the order is assessed on it
(双派双考). Which months assess an order is stated once, below: assessed_months (Python, for appeals) and its SQL
twin ASSESSED_IN_MONTH_SQL (both statements here), kept in agreement by tests/test_assessed_month.py.
In a month, an order counts with the answers of its deciding callback there (the latest of the month; an answered
call wins over a later unanswered attempt), if it has one. It counts as contacted in time when the unit recorded
a contact within the limit and, under the rule caller_denial_voids_contact (default on), that callback does not say
the unit never contacted the caller (承办单位未联系).
Excluded orders (unreasonable request: every unit, every month; a granted appeal: that unit, that month) are counted
apart and never in the rates.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, connections

from assessment.clock.overdue import overdue_sql
from assessment.models import AssessedOrder
from assessment.monthly import months, pair_partitions, refresh
from dispatch.choices import UnitKind, sql_list
from dispatch.models import CALLED_WHISTLE_STATUSES, LIVE_ASSIGNMENT_STATUSES
from hotline.models import Ticket

COUNT_FIELDS = ("assessed", "contacted_in_time", "answered", "resolved", "satisfied", "basic", "excluded")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# The deciding callback of each order in the month (the latest; an answered one wins over a later unanswered one).
# PostgreSQL: DISTINCT ON (well estimated, hash joins at scale); elsewhere (SQLite ≥ 3.30) a window function.
LATEST_CALLBACK_SQL = {
    "postgresql": """
        SELECT DISTINCT ON (c.ticket_id) c.ticket_id, c.reached, c.contacted, c.resolved, c.satisfaction
        FROM hotline_callback c
        WHERE c.created_at >= %(start)s AND c.created_at < %(end)s {callback_filter}
        ORDER BY c.ticket_id, c.reached DESC, c.created_at DESC, c.id DESC
    """,
    "other": """
        SELECT ticket_id, reached, contacted, resolved, satisfaction FROM (
            SELECT c.ticket_id, c.reached, c.contacted, c.resolved, c.satisfaction,
                   ROW_NUMBER() OVER (PARTITION BY c.ticket_id
                                      ORDER BY c.reached DESC, c.created_at DESC, c.id DESC) AS n
            FROM hotline_callback c
            WHERE c.created_at >= %(start)s AND c.created_at < %(end)s {callback_filter}
        ) latest WHERE n = 1
    """,
}

OVERDUE_SQL = overdue_sql()
# The fragments both statements below share: which orders the month assesses (ticket t, deciding callback cb),
# a live assignment, a contact in time, and an exclusion of ticket t for the units {units} in the month.
# Which orders the month assesses: the SQL twin of assessed_months (cb: the month's deciding callback, if any).
ASSESSED_IN_MONTH_SQL = f"""t.repeat_of_id IS NULL
      AND CASE WHEN {OVERDUE_SQL} THEN t.due_at >= %(start)s AND t.due_at < %(end)s
               ELSE cb.ticket_id IS NOT NULL END"""


def assessed_months(ticket, now):
    """The months that assess the order as seen at ``now``, oldest first (ASSESSED_IN_MONTH_SQL says the same):
    - a repeat (repeat_of set): none, its original counts once;
    - an overdue order (assessment.clock.overdue: completed after its limit, or still open past it): the month its
      limit fell, called back or not, so that an order left undone cannot stay out of the assessment;
    - any other order (done within its limit, or without a limit): each month with a callback of it (re-handled
      and called back again next month, it counts again there); none before its first callback."""
    if ticket.repeat_of_id is not None:
        return []
    if ticket.overdue_at(now):
        return [months.current_month(ticket.due_at)]
    return sorted({months.current_month(at) for at in ticket.callbacks.values_list("created_at", flat=True)})


LIVE_SQL = f"status IN {sql_list(LIVE_ASSIGNMENT_STATUSES)}"
IN_TIME_SQL = "(t.contacted_at IS NOT NULL AND t.contacted_at <= t.contact_due_at)"  # as the unit recorded it
# The month's deciding callback says the unit never contacted the caller (承办单位未联系).
CALLER_DENIED_SQL = "(cb.contacted IS NOT NULL AND NOT cb.contacted)"
# Contacted in time for the response rate: the unit's record, unless the caller denies it and the rule
# (caller_denial_voids_contact, parameter caller_word) takes the caller's word.
CONTACT_IN_TIME_SQL = f"({IN_TIME_SQL} AND NOT (%(caller_word)s AND {CALLER_DENIED_SQL}))"
EXCLUDED_SQL = ("EXISTS (SELECT 1 FROM assessment_exclusion e WHERE e.ticket_id = t.id "
                "AND (e.unit_id IS NULL OR e.unit_id {units}) AND (e.month IS NULL OR e.month = %(month)s))")

# Orders t whose limit fell in the month and that were done late or are still open: the index ticket_late_due,
# whose condition this repeats.
LATE_DUE_IN_MONTH_SQL = ("t.due_at >= %(start)s AND t.due_at < %(end)s "
                         "AND (t.completed_at IS NULL OR t.completed_at > t.due_at)")
# The orders a month can assess, found through two indexes instead of a scan of every order: those called back in
# the month, and those late due in it. ASSESSED_IN_MONTH_SQL then decides; this only keeps the other months' orders
# out.
CANDIDATES_SQL = f"""
    SELECT ticket_id AS id FROM cb
    UNION
    SELECT t.id FROM hotline_ticket t WHERE {LATE_DUE_IN_MONTH_SQL}
"""

# Excluded for the pair's unit in the month: the hashed IN over the few excluded orders first, so the exclusion
# table is probed only for them.
EXCLUDED_PAIR = (f"(t.id IN (SELECT ticket_id FROM assessment_exclusion) AND "
                 f"{EXCLUDED_SQL.format(units='= a.unit_id')})")

# One row per (live assignment unit, order) the month assesses, with the flags it is counted by: lead and
# assisting units alike (双派双考). A live (ticket, unit) assignment is unique (constraint
# one_live_assignment_per_unit), so no DISTINCT is needed. The month close stores these rows (AssessedOrder).
PAIR_FIELDS_SQL = f"""a.unit_id, t.id AS ticket_id, t.received_at, cb.reached, cb.resolved, cb.satisfaction,
       COALESCE({OVERDUE_SQL}, FALSE) AS overdue, COALESCE({CONTACT_IN_TIME_SQL}, FALSE) AS in_time,
       {CALLER_DENIED_SQL} AS caller_denied, {{excluded}} AS excluded"""
LIVE_ASSIGNMENT_JOIN = f"JOIN dispatch_assignment a ON a.ticket_id = t.id AND a.{LIVE_SQL}"
PAIRS_SQL = f"""
WITH cb AS ({{latest}}),
candidates AS ({{candidates}})
SELECT {PAIR_FIELDS_SQL}
FROM candidates JOIN hotline_ticket t ON t.id = candidates.id
{LIVE_ASSIGNMENT_JOIN}
LEFT JOIN cb ON cb.ticket_id = t.id
WHERE {ASSESSED_IN_MONTH_SQL} {{filters}}
"""
# PostgreSQL, a whole month: the same pairs in three parts, each driven from its own rows and stored in turn into
# the month's new table (pair_partitions.replace_month). The month's deciding callbacks are first stored in a table
# of their own ({callbacks}: pair_partitions.deciding_callbacks), whose size the planner then knows (a CTE's it
# does not).
# 1. The orders called back in the month and received from a month before it on (ids from %(recent_from)s,
#    RECENT_FROM_SQL): the callbacks, those orders and their assignments, each read once in order id and merged
#    (MERGE_JOINS), not hashed: at a quarter 3.4 s against 6.7-8.3 s for the parallel hash joins it was, whose workers
#    hashed half a million joined rows each and funnelled 1.5 million to the leader.
# 2. The few older orders called back in the month, looked up by id.
# 3. The orders whose limit fell in the month, done late or still open, and with no callback in it: their ids from
#    the index ticket_late_due (LATE_DUE_IN_MONTH_SQL), then each order by id. Joined otherwise, the planner (which
#    expects ten times the rows) scanned every order's facts, a cost that grew with the table.
# ASSESSED_IN_MONTH_SQL decides in each part.
MERGE_JOINS = (("enable_hashjoin", "off"), ("max_parallel_workers_per_gather", "0"))
MONTH_PAIRS_PARTS = (
    (f"""
SELECT {PAIR_FIELDS_SQL}
FROM {{callbacks}} cb JOIN hotline_ticket t ON t.id = cb.ticket_id
{LIVE_ASSIGNMENT_JOIN}
WHERE cb.ticket_id >= %(recent_from)s AND t.id >= %(recent_from)s AND a.ticket_id >= %(recent_from)s
  AND {ASSESSED_IN_MONTH_SQL}""", MERGE_JOINS),
    (f"""
SELECT {PAIR_FIELDS_SQL}
FROM hotline_ticket t JOIN {{callbacks}} cb ON cb.ticket_id = t.id
{LIVE_ASSIGNMENT_JOIN}
WHERE t.id = ANY(ARRAY(SELECT ticket_id FROM {{callbacks}} WHERE ticket_id < %(recent_from)s))
  AND {ASSESSED_IN_MONTH_SQL}""", ()),
    (f"""
SELECT {PAIR_FIELDS_SQL}
FROM hotline_ticket t
{LIVE_ASSIGNMENT_JOIN}
LEFT JOIN {{callbacks}} cb ON cb.ticket_id = t.id
WHERE t.id = ANY(ARRAY(SELECT t.id FROM hotline_ticket t WHERE {LATE_DUE_IN_MONTH_SQL}))
  AND cb.ticket_id IS NULL AND {ASSESSED_IN_MONTH_SQL}""", ()),
)
RECENT_FROM_SQL = """SELECT coalesce(min(id), 0) FROM (
    SELECT id FROM hotline_ticket WHERE received_at >= CAST(%(start)s AS timestamptz) - interval '1 month'
    ORDER BY received_at LIMIT 1000) first_orders"""
# PostgreSQL, a refresh: the same pairs of a few orders ({orders}), driven from them through the indexes (each
# order's assignments, row and callbacks) instead of joined by hash with the month's callbacks and every assignment.
REFRESHED_PAIRS_SQL = f"""
SELECT {PAIR_FIELDS_SQL}
FROM ({{orders}}) x JOIN hotline_ticket t ON t.id = x.id
{LIVE_ASSIGNMENT_JOIN}
LEFT JOIN LATERAL (
    SELECT c.ticket_id, c.reached, c.contacted, c.resolved, c.satisfaction FROM hotline_callback c
    WHERE c.ticket_id = t.id AND c.created_at >= %(start)s AND c.created_at < %(end)s
    ORDER BY c.reached DESC, c.created_at DESC, c.id DESC LIMIT 1
) cb ON TRUE
WHERE {ASSESSED_IN_MONTH_SQL}
"""
PAIR_COLUMNS = refresh.PAIR_COLUMNS
# In the key's order: the rows append to the key's index page after page instead of landing all over it.
STORE_PAIRS_SQL = (f"INSERT INTO assessment_assessedorder (month, {', '.join(PAIR_COLUMNS)}) "
                   f"SELECT %(month)s, {', '.join(PAIR_COLUMNS)} FROM ({{pairs}}) pairs "
                   f"ORDER BY unit_id, received_at, ticket_id")

# The counts of COUNT_FIELDS per unit over pairs: excluded pairs are counted apart and never in the rates.
COUNTS_SQL = """
SELECT unit_id,
       count(*) FILTER (WHERE NOT excluded),
       count(*) FILTER (WHERE NOT excluded AND in_time),
       count(*) FILTER (WHERE NOT excluded AND reached),
       count(*) FILTER (WHERE NOT excluded AND reached AND resolved),
       count(*) FILTER (WHERE NOT excluded AND reached AND satisfaction = 'satisfied'),
       count(*) FILTER (WHERE NOT excluded AND reached AND satisfaction = 'basic'),
       count(*) FILTER (WHERE excluded)
FROM {source} GROUP BY unit_id
"""
STORED_PAIRS = "assessment_assessedorder WHERE month = %(month)s"

# The stored orders behind one unit's counts, newest first, through the key (month, unit, received_at, ticket).
UNIT_ORDERS_SQL = """
SELECT ticket_id, reached, resolved, satisfaction, overdue, excluded, in_time, caller_denied
FROM assessment_assessedorder WHERE month = %(month)s AND unit_id = %(u0)s AND {measure}
ORDER BY received_at DESC, ticket_id DESC LIMIT %(limit)s OFFSET %(offset)s
"""
# Several units (a district and its streets): each order once, excluded if it is for any of them.
UNITS_ORDERS_SQL = f"""
SELECT ticket_id, reached, resolved, satisfaction, overdue, excluded, in_time, caller_denied FROM (
    SELECT received_at, ticket_id, MAX(satisfaction) AS satisfaction,
           {", ".join(f"MAX(CAST({flag} AS INTEGER)) = 1 AS {flag}"
                      for flag in ("reached", "resolved", "overdue", "excluded", "in_time", "caller_denied"))}
    FROM assessment_assessedorder WHERE month = %(month)s AND unit_id IN ({{units}})
    GROUP BY received_at, ticket_id
) orders WHERE {{measure}}
ORDER BY received_at DESC, ticket_id DESC LIMIT %(limit)s OFFSET %(offset)s
"""

# PostgreSQL, several units: each unit's newest pairs through its key (a LATERAL walk per unit, LIMIT %(per_unit)s),
# merged in assessed_orders: a district's first pages without grouping the district's month (~100 000 pairs).
NEWEST_PAIRS_SQL = """
SELECT p.received_at, p.ticket_id, p.reached, p.resolved, p.satisfaction, p.overdue, p.excluded, p.in_time,
       p.caller_denied, u.id
FROM unnest(%(units)s::bigint[]) AS u(id) CROSS JOIN LATERAL (
    SELECT * FROM assessment_assessedorder a WHERE a.month = %(month)s AND a.unit_id = u.id
    ORDER BY a.received_at DESC, a.ticket_id DESC LIMIT %(per_unit)s) p
"""
# MEASURE_SQL on an order's OR-ed flags, with SQL's NULL (a flag no pair had: None) neither true nor false.
MEASURE_TEST = {
    "all": lambda o: o["excluded"] is False,
    "late": lambda o: o["excluded"] is False and o["in_time"] is False,
    "overdue": lambda o: o["excluded"] is False and o["overdue"] is True,
    "unanswered": lambda o: o["excluded"] is False and o["reached"] is False,
    "unresolved": lambda o: o["excluded"] is False and o["reached"] is True and o["resolved"] is False,
    "unsatisfied": lambda o: o["excluded"] is False and o["reached"] is True and o["satisfaction"] == "unsatisfied",
    "basic": lambda o: o["excluded"] is False and o["reached"] is True and o["satisfaction"] == "basic",
    "excluded": lambda o: o["excluded"] is True,
}
MEASURE_SQL = {
    "all": "NOT excluded",
    "late": "NOT excluded AND NOT in_time",  # the pairs COUNTS_SQL does not count in time
    "overdue": "NOT excluded AND overdue",
    "unanswered": "NOT excluded AND NOT reached",
    "unresolved": "NOT excluded AND reached AND NOT resolved",
    "unsatisfied": "NOT excluded AND reached AND satisfaction = 'unsatisfied'",
    "basic": "NOT excluded AND reached AND satisfaction = 'basic'",
    "excluded": "excluded",
}

# Two-way assessment: whistle calls whose report-in limit fell in the month.
TWO_WAY_SQL = f"""
SELECT wt.unit_id,
       count(*),
       count(*) FILTER (WHERE wt.report_in_missed
                        OR {overdue_sql("wt.report_in_due_at", "wt.reported_in_at", "%(end)s")}),
       count(wt.stars),
       avg(wt.stars)
FROM dispatch_whistletarget wt JOIN dispatch_whistle w ON w.id = wt.whistle_id
WHERE w.status IN {sql_list(CALLED_WHISTLE_STATUSES)}
  AND wt.report_in_due_at >= %(start)s AND wt.report_in_due_at < %(end)s
GROUP BY wt.unit_id
"""


@dataclass
class Counts:
    assessed: int = 0
    contacted_in_time: int = 0
    answered: int = 0
    resolved: int = 0
    satisfied: int = 0
    basic: int = 0
    excluded: int = 0

    def __add__(self, other):
        return Counts(*(getattr(self, f) + getattr(other, f) for f in COUNT_FIELDS))

    def __sub__(self, other):
        return Counts(*(getattr(self, f) - getattr(other, f) for f in COUNT_FIELDS))

    @classmethod
    def of(cls, card):
        return cls(*(getattr(card, f) for f in COUNT_FIELDS))


@dataclass
class TwoWay:
    calls: int = 0
    missed: int = 0
    rated: int = 0
    avg_stars: Decimal | None = None


@dataclass
class Figures:
    """Rates in percent (None when nothing to divide by) and the composite score."""

    response_rate: Decimal | None
    resolution_rate: Decimal | None
    satisfaction_rate: Decimal | None
    score: Decimal
    extra: dict = field(default_factory=dict)


def unit_counts(month, *, now, rule, ticket_id=None, unit_id=None, with_exclusions=True):
    """{unit_id: Counts} for every unit assessed in the month, as seen at ``now``, under the month's ``rule``,
    computed live from the orders (store_month_pairs keeps them for the month close and the drill-down).

    ``ticket_id`` / ``unit_id`` narrow it to one order / one unit; ``with_exclusions=False`` counts excluded
    orders as if they were not (an order's own contribution, for a correction)."""
    params, pairs = _pairs(month, now, rule, ticket_id, unit_id, with_exclusions)
    return _counts(f"({pairs}) pairs", params)


def store_month_pairs(month, *, now, rule):
    """Replace the month's stored (unit, order) pairs with those the month assesses as seen at ``now``; returns
    {unit_id: Counts} counted from them, so the scorecards and the drill-down rest on the same rows."""
    if connection.vendor == "postgresql":  # one table per month, replaced whole
        params = query_params(month, now, rule)
        with connection.cursor() as cursor:
            cursor.execute(RECENT_FROM_SQL, params)
            params["recent_from"] = cursor.fetchone()[0]
        with pair_partitions.deciding_callbacks(month, latest_callback_sql(""), params) as callbacks:
            parts = [(sql.format(callbacks=callbacks, excluded=EXCLUDED_PAIR), plan)
                     for sql, plan in MONTH_PAIRS_PARTS]
            pair_partitions.replace_month(month, parts, params)
    else:
        params, pairs = _pairs(month, now, rule)
        AssessedOrder.objects.filter(month=month).delete()
        with connection.cursor() as cursor:
            cursor.execute(STORE_PAIRS_SQL.format(pairs=pairs), params)
    return _counts(STORED_PAIRS, params)


def refresh_month_pairs(month, *, now, rule, marks, since):
    """store_month_pairs for the orders touched since the month's last computation only (its watermarks ``marks``
    and time ``since``; assessment.monthly.refresh); returns ({unit_id: Counts} of the whole month, touched)."""
    params = query_params(month, now, rule)

    def pairs_for(orders):
        if connection.vendor == "postgresql":
            return REFRESHED_PAIRS_SQL.format(orders=orders, excluded=EXCLUDED_PAIR)
        return _pairs(month, now, rule, orders=orders)[1]

    touched, _, _ = refresh.refresh_pairs(month, pairs_for, params, marks=marks, since=since)
    return _counts(STORED_PAIRS, params), touched


def _pairs(month, now, rule, ticket_id=None, unit_id=None, with_exclusions=True, orders=None):
    """(params, PAIRS_SQL for the month); ``orders``: a query of the only order ids to consider (a refresh)."""
    params = query_params(month, now, rule)
    callback_filter, filters = [], []
    if orders is not None:
        callback_filter.append(f"AND c.ticket_id IN ({orders})")
    if ticket_id is not None:
        params["ticket"] = ticket_id
        callback_filter.append("AND c.ticket_id = %(ticket)s")
        filters.append("AND t.id = %(ticket)s")
    if unit_id is not None:
        params["unit"] = unit_id
        filters.append("AND a.unit_id = %(unit)s")
    sql = PAIRS_SQL.format(latest=latest_callback_sql(" ".join(callback_filter)), filters=" ".join(filters),
                           candidates=CANDIDATES_SQL if orders is None else orders,
                           excluded=EXCLUDED_PAIR if with_exclusions else "FALSE")
    return params, sql


def _counts(source, params):
    with connection.cursor() as cursor:
        cursor.execute(COUNTS_SQL.format(source=source), params)
        return {row[0]: Counts(*row[1:]) for row in cursor.fetchall()}


def assessed_orders(month, unit_ids, measure, *, limit, offset=0, using="default"):
    """[(ticket_id, reached, resolved, satisfaction, overdue, excluded, in_time, caller_denied)] of the stored
    orders behind the units' counts (as the month was last computed) that match ``measure`` (a MEASURE_SQL key),
    newest first, each order once. ``using``: the database alias (the drill-down reads the reports replica)."""
    if len(unit_ids) > 1 and measure != "excluded" and connections[using].vendor == "postgresql":  # 核减: rare
        rows = _newest_of_units(month, unit_ids, measure, limit + offset, using)
        if rows is not None:
            return rows[offset:offset + limit]
    units = {f"u{i}": unit_id for i, unit_id in enumerate(unit_ids)}
    params = {**month_params(month), **units, "limit": limit, "offset": offset}
    template = UNIT_ORDERS_SQL if len(units) == 1 else UNITS_ORDERS_SQL
    sql = template.format(units=", ".join(f"%({name})s" for name in units), measure=MEASURE_SQL[measure])
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


FLAGS = ("reached", "resolved", "overdue", "excluded", "in_time", "caller_denied")


def _newest_of_units(month, unit_ids, measure, wanted, using):
    """The ``wanted`` newest orders of several units matching ``measure`` (UNITS_ORDERS_SQL's rows, each order
    once with its pairs' flags OR-ed and the highest satisfaction), from each unit's 2 × wanted newest pairs; None
    when those do not settle them (a rare measure, a deep page): the caller groups the month instead.

    An order newer than every cut-off of a unit whose walk stopped at its limit has all its pairs read."""
    per_unit = 2 * wanted
    with connections[using].cursor() as cursor:
        cursor.execute(NEWEST_PAIRS_SQL, {"units": list(unit_ids), "month": month, "per_unit": per_unit})
        pairs = cursor.fetchall()
    read, last = {}, {}
    for received_at, ticket_id, *_flags, unit_id in pairs:
        read[unit_id] = read.get(unit_id, 0) + 1
        last[unit_id] = min(last.get(unit_id, (received_at, ticket_id)), (received_at, ticket_id))
    cut = max((last[u] for u, n in read.items() if n == per_unit), default=None)  # complete above it
    orders = {}
    for received_at, ticket_id, reached, resolved, satisfaction, *flags, _unit in pairs:
        if cut is not None and (received_at, ticket_id) < cut:
            continue
        order = orders.setdefault((received_at, ticket_id), {"satisfaction": None, **dict.fromkeys(FLAGS)})
        for name, value in zip(FLAGS, (reached, resolved, *flags), strict=True):
            if value is not None:  # MAX(CAST(flag AS INTEGER)) = 1: NULL when no pair had the flag
                order[name] = bool(order[name]) or bool(value)
        if satisfaction is not None and (order["satisfaction"] is None or satisfaction > order["satisfaction"]):
            order["satisfaction"] = satisfaction  # MAX(satisfaction), as UNITS_ORDERS_SQL
    test = MEASURE_TEST[measure]
    rows = [(ticket_id, o["reached"], o["resolved"], o["satisfaction"], o["overdue"], o["excluded"], o["in_time"],
             o["caller_denied"]) for (_, ticket_id), o in sorted(orders.items(), reverse=True) if test(o)]
    if len(rows) < wanted and cut is not None:
        return None
    return rows[:wanted]


def mark_excluded(month, unit_id, ticket_id):
    """A granted appeal takes the order out of the unit's stored pairs of the month (the drill-down shows it 核减)."""
    received_at = Ticket.objects.values_list("received_at", flat=True).get(pk=ticket_id)  # the key's third part
    AssessedOrder.objects.filter(month=month, unit_id=unit_id, received_at=received_at,
                                 ticket_id=ticket_id).update(excluded=True)


def latest_callback_sql(callback_filter):
    return LATEST_CALLBACK_SQL.get(connection.vendor, LATEST_CALLBACK_SQL["other"]).format(
        callback_filter=callback_filter)


def query_params(month, now, rule):
    """The month's bounds, ``now`` (for OVERDUE_SQL) and the rule's switch (for CONTACT_IN_TIME_SQL), as the
    database takes them."""
    return {**month_params(month), "now": connection.ops.adapt_datetimefield_value(now),
            "caller_word": bool(rule.caller_denial_voids_contact)}


def month_params(month):
    start, end = months.bounds(month)
    adapt = connection.ops.adapt_datetimefield_value
    return {"start": adapt(start), "end": adapt(end), "month": connection.ops.adapt_datefield_value(month)}


def two_way_counts(month):
    with connection.cursor() as cursor:
        cursor.execute(TWO_WAY_SQL, month_params(month))
        return {
            unit_id: TwoWay(calls, missed, rated,
                            None if avg is None else Decimal(str(avg)).quantize(CENT, ROUND_HALF_UP))
            for unit_id, calls, missed, rated, avg in cursor.fetchall()
        }


def with_districts(counts, units):
    """Add each district's aggregate: its own orders plus those of its streets (and zones)."""
    totals = dict(counts)
    for unit_id, unit_counts_ in counts.items():
        unit = units.get(unit_id)
        if unit and unit.kind in (UnitKind.STREET, UnitKind.ZONE) and unit.parent_id:
            totals[unit.parent_id] = totals.get(unit.parent_id, Counts()) + unit_counts_
    return totals


def _percent(numerator, denominator):
    return None if not denominator else Decimal(numerator) * HUNDRED / Decimal(denominator)


def _round(value):
    return None if value is None else value.quantize(CENT, ROUND_HALF_UP)


def figures(counts, rule):
    """Rates and score: score = Σ weight × rate over the rates that exist, divided by the weights used."""
    response = _percent(counts.contacted_in_time, counts.assessed)
    resolution = _percent(counts.resolved, counts.answered)
    satisfaction = _percent(Decimal(counts.satisfied) + rule.basic_credit * counts.basic, counts.answered)
    weighted = [(rule.weight_response, response), (rule.weight_resolution, resolution),
                (rule.weight_satisfaction, satisfaction)]
    used = [(w, r) for w, r in weighted if r is not None and w > 0]
    total_weight = sum(w for w, _ in used)
    score = sum(w * r for w, r in used) / total_weight if total_weight else Decimal(0)
    return Figures(_round(response), _round(resolution), _round(satisfaction), _round(score))


def two_way_score(two_way, rule):
    """Stars (average × 20) or 100 when unrated, minus the penalty per missed report-in, never below zero."""
    base = two_way.avg_stars * 20 if two_way.avg_stars is not None else HUNDRED
    return max(Decimal(0), base - rule.report_in_penalty * two_way.missed).quantize(CENT, ROUND_HALF_UP)
