"""Per-unit counts of a month as SQL aggregates (GROUP BY unit), and the rates and score computed from them.

Counted per (unit, order): every unit holding a live lead or assisting assignment on the order is assessed on it
(双派双考). Orders linked as repeats (repeat_of set) are left out: the original counts once. Excluded orders
(unreasonable request, or a granted appeal for that unit) are counted apart and never in the rates.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from dispatch.choices import UnitKind

from . import months

COUNT_FIELDS = ("assessed", "contacted_in_time", "answered", "resolved", "satisfied", "basic", "excluded")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# The latest callback of each order in the month (an answered one wins over a later unanswered attempt).
# The latest callback of each order in the month (an answered one wins over a later unanswered attempt).
# PostgreSQL: DISTINCT ON (well estimated, hash joins at scale); elsewhere (SQLite ≥ 3.30) a window function.
LATEST_CALLBACK_SQL = {
    "postgresql": """
        SELECT DISTINCT ON (c.ticket_id) c.ticket_id, c.reached, c.resolved, c.satisfaction
        FROM hotline_callback c
        WHERE c.created_at >= %(start)s AND c.created_at < %(end)s {callback_filter}
        ORDER BY c.ticket_id, c.reached DESC, c.created_at DESC, c.id DESC
    """,
    "other": """
        SELECT ticket_id, reached, resolved, satisfaction FROM (
            SELECT c.ticket_id, c.reached, c.resolved, c.satisfaction,
                   ROW_NUMBER() OVER (PARTITION BY c.ticket_id
                                      ORDER BY c.reached DESC, c.created_at DESC, c.id DESC) AS n
            FROM hotline_callback c
            WHERE c.created_at >= %(start)s AND c.created_at < %(end)s {callback_filter}
        ) latest WHERE n = 1
    """,
}

EXCLUDED_SQL = "(ex_all.ticket_id IS NOT NULL OR ex_unit.ticket_id IS NOT NULL)"

# One row per (live assignment unit, order): lead and assisting units alike (双派双考).
UNIT_COUNTS_SQL = """
WITH cb AS ({latest}),
live AS (SELECT DISTINCT ticket_id, unit_id FROM dispatch_assignment
         WHERE status IN ('dispatched', 'signed', 'completed') {assignment_filter}),
ex AS (SELECT DISTINCT ticket_id, unit_id FROM assessment_exclusion),
pairs AS (
    SELECT a.unit_id, cb.reached, cb.resolved, cb.satisfaction,
           (t.contacted_at IS NOT NULL AND t.contacted_at <= t.contact_due_at) AS in_time,
           {excluded} AS excluded
    FROM cb
    JOIN hotline_ticket t ON t.id = cb.ticket_id
    JOIN live a ON a.ticket_id = cb.ticket_id
    LEFT JOIN ex ex_all ON ex_all.ticket_id = cb.ticket_id AND ex_all.unit_id IS NULL
    LEFT JOIN ex ex_unit ON ex_unit.ticket_id = cb.ticket_id AND ex_unit.unit_id = a.unit_id
    WHERE t.repeat_of_id IS NULL
)
SELECT unit_id,
       count(*) FILTER (WHERE NOT excluded),
       count(*) FILTER (WHERE NOT excluded AND in_time),
       count(*) FILTER (WHERE NOT excluded AND reached),
       count(*) FILTER (WHERE NOT excluded AND reached AND resolved),
       count(*) FILTER (WHERE NOT excluded AND reached AND satisfaction = 'satisfied'),
       count(*) FILTER (WHERE NOT excluded AND reached AND satisfaction = 'basic'),
       count(*) FILTER (WHERE excluded)
FROM pairs GROUP BY unit_id
"""

# Two-way assessment: whistle calls whose report-in limit fell in the month.
TWO_WAY_SQL = """
SELECT wt.unit_id,
       count(*),
       count(*) FILTER (WHERE wt.report_in_missed OR wt.reported_in_at > wt.report_in_due_at
                        OR (wt.reported_in_at IS NULL AND wt.report_in_due_at < %(end)s)),
       count(wt.stars),
       avg(wt.stars)
FROM dispatch_whistletarget wt JOIN dispatch_whistle w ON w.id = wt.whistle_id
WHERE w.status IN ('approved', 'closed') AND wt.report_in_due_at >= %(start)s AND wt.report_in_due_at < %(end)s
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


def unit_counts(month, unit_ids=None, *, ticket_id=None, with_exclusions=True):
    """{unit_id: Counts} for every unit assessed in the month (or only ``unit_ids``): one SQL statement.
    ``ticket_id`` with ``with_exclusions=False``: one order's own contribution, as if nothing were excluded."""
    params = month_params(month)
    callback_filter = assignment_filter = ""
    if ticket_id is not None:
        params["ticket"] = ticket_id
        callback_filter = "AND c.ticket_id = %(ticket)s"
    if unit_ids is not None:
        names = [f"u{i}" for i in range(len(unit_ids))]
        params.update(zip(names, unit_ids, strict=True))
        in_list = ", ".join(f"%({name})s" for name in names) or "NULL"
        callback_filter = callback_filter or (
            f"AND c.ticket_id IN (SELECT ticket_id FROM dispatch_assignment WHERE unit_id IN ({in_list}))")
        assignment_filter = f"AND unit_id IN ({in_list})"
    latest = LATEST_CALLBACK_SQL.get(connection.vendor, LATEST_CALLBACK_SQL["other"])
    sql = UNIT_COUNTS_SQL.format(latest=latest.format(callback_filter=callback_filter),
                                 assignment_filter=assignment_filter,
                                 excluded=EXCLUDED_SQL if with_exclusions else "FALSE")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: Counts(*row[1:]) for row in cursor.fetchall()}


def month_params(month):
    start, end = months.bounds(month)
    adapt = connection.ops.adapt_datetimefield_value
    return {"start": adapt(start), "end": adapt(end)}


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
