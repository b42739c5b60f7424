"""Month close (月度考核): compute every unit's scorecard from SQL aggregates and freeze the month.

- close_month(month, freeze=False) computes a provisional month (re-runnable; same data, same rows);
- close_month(month, freeze=True) publishes it; a frozen month is never recomputed: a re-run returns it as is.
- recompute_units(...) is the one way a frozen month changes: a ruled appeal, stored as correction rows.
"""

import time

from django.db import connection, transaction
from django.utils import timezone

from assessment.models import MonthClose, Scorecard, ScorecardCorrection
from assessment.monthly import hotspots, months, rankings, refresh, scorecards
from assessment.monthly.rules import check_rule, rule_for, rule_from_snapshot, snapshot
from core.errors import InvalidInput
from core.permissions import require_role
from dispatch.models import Unit

CARD_FIGURES = ("assessed", "contacted_in_time", "answered", "resolved", "satisfied", "basic", "excluded",
                "response_rate", "resolution_rate", "satisfaction_rate", "score", "rank", "klass", "called_out")


def _units():
    return {u.pk: u for u in Unit.objects.only("id", "code", "kind", "parent_id")}


def build_cards(month, rule, units, counts, two_way, prev):
    """Unsaved Scorecards of every unit with assessed orders (districts include their streets)."""
    cards = []
    for unit_id, unit_counts in scorecards.with_districts(counts, units).items():
        unit = units[unit_id]
        group = rankings.group_of(unit)
        if group is None or unit_counts.assessed == 0:
            continue
        fig = scorecards.figures(unit_counts, rule)
        card = Scorecard(
            month=month, unit_id=unit_id, group=group, district_id=rankings.district_of(unit),
            response_rate=fig.response_rate, resolution_rate=fig.resolution_rate,
            satisfaction_rate=fig.satisfaction_rate, score=fig.score, rank=0, group_size=0,
            **{name: getattr(unit_counts, name) for name in scorecards.COUNT_FIELDS},
        )
        last = prev.get(unit_id)
        card.prev_score, card.prev_rank = (last.score, last.rank) if last else (None, None)
        calls = two_way.get(unit_id)
        if calls:
            card.whistle_calls, card.report_in_missed = calls.calls, calls.missed
            card.rated, card.avg_stars = calls.rated, calls.avg_stars
            card.two_way_score = scorecards.two_way_score(calls, rule)
        cards.append(card)
    codes = {unit_id: unit.code for unit_id, unit in units.items()}
    return rankings.rank_all(cards, rule, codes)


def _plan_for_a_month_scan():
    """For this transaction only: the month's sorts, hashes and key build stay in memory, and the planner uses
    parallel workers for the scans of a whole month (its default costs keep a one-off report like this on one
    core); no JIT: compiling the month's statement took 3.8 s of its 14 (a quarter loaded)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL parallel_setup_cost = 100")
        cursor.execute("SET LOCAL parallel_tuple_cost = 0.01")


def close_month(month, *, freeze=False, actor=None, now=None, full=False):
    """Compute (and optionally freeze) a month. Returns the MonthClose; a frozen month is returned unchanged.

    The month's stored pairs are refreshed for the orders touched since its last computation
    (assessment.monthly.refresh), or recomputed whole: the first time, under another rule, or with ``full``.
    ``actor`` is None for the beat job; a person needs the month-close role.
    """
    if actor is not None:
        require_role(actor, "close_month")
    now = now or timezone.now()
    month = months.first_of(month)
    if month >= months.current_month(now) and freeze:
        raise InvalidInput(f"{months.label(month)}尚未结束，不能发布", field="month")
    MonthClose.objects.get_or_create(month=month, defaults={"computed_at": now})
    with transaction.atomic():
        close = MonthClose.objects.select_for_update().get(month=month)
        if close.is_frozen:
            return close
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            _plan_for_a_month_scan()
        rule = rule_for(month)
        check_rule(rule)
        prev = {c.unit_id: c for c in Scorecard.objects.filter(month=months.previous_month(month))}
        marks = refresh.watermarks(now)
        if not full and refresh.can_refresh(close, snapshot(rule), now):
            counts, touched = scorecards.refresh_month_pairs(month, now=now, rule=rule, marks=close.pairs_watermarks,
                                                             since=close.computed_at)
        else:
            counts, touched = scorecards.store_month_pairs(month, now=now, rule=rule), None
        cards = build_cards(month, rule, _units(), counts, scorecards.two_way_counts(month), prev)
        Scorecard.objects.filter(month=month).delete()
        Scorecard.objects.bulk_create(cards, batch_size=500)
        close.rule = snapshot(rule)
        close.summary = hotspots.month_summary(month)
        close.summary["seconds"] = round(time.perf_counter() - started, 2)
        close.summary["touched"] = touched  # None: recomputed whole
        close.computed_at, close.pairs_watermarks = now, marks
        fields = ["rule", "summary", "computed_at", "pairs_watermarks"]
        if freeze:
            close.status, close.frozen_at, close.frozen_by = "frozen", now, actor
            fields += ["status", "frozen_at", "frozen_by"]
        close.save(update_fields=fields)
    return close


def _figures_of(card):
    return {name: str(getattr(card, name)) if getattr(card, name) is not None else None for name in CARD_FIGURES}


def correct_frozen_month(month, unit_id, ticket_id, *, appeal, actor, reason, now):
    """After a granted appeal on a frozen month: take the order's own contribution out of the unit's frozen
    counts (and its district's), re-rank their groups, and write one correction row per changed scorecard.
    Nothing else that happened since the freeze moves the month. Runs inside the appeal's transaction."""
    close = MonthClose.objects.select_for_update().get(month=month)
    rule = rule_from_snapshot(close.rule) if close.rule else rule_for(month)
    units = _units()
    share = scorecards.unit_counts(month, now=now, rule=rule, ticket_id=ticket_id, unit_id=unit_id,
                                   with_exclusions=False).get(unit_id)
    if share is None or share.assessed == 0:
        return []
    scorecards.mark_excluded(month, unit_id, ticket_id)
    delta = share - scorecards.Counts(excluded=1)
    month_cards = {c.unit_id: c for c in Scorecard.objects.select_for_update().filter(month=month)}
    before = {u: _figures_of(c) for u, c in month_cards.items()}
    affected = [u for u in {unit_id, rankings.district_of(units[unit_id])} if u in month_cards]
    for affected_id in affected:
        card = month_cards[affected_id]
        counts = scorecards.Counts.of(card) - delta
        for name in scorecards.COUNT_FIELDS:
            setattr(card, name, getattr(counts, name))
        fig = scorecards.figures(counts, rule)
        card.response_rate, card.resolution_rate = fig.response_rate, fig.resolution_rate
        card.satisfaction_rate, card.score = fig.satisfaction_rate, fig.score
    codes = {u: unit.code for u, unit in units.items()}
    changed = []
    for group in {month_cards[a].group for a in affected}:
        group_cards = [c for c in month_cards.values() if c.group == group]
        rankings.rank_group(group_cards, rule, codes)
        for card in group_cards:
            after = _figures_of(card)
            if after != before[card.unit_id]:
                card.corrected = True
                changed.append((card, before[card.unit_id], after))
    Scorecard.objects.bulk_update([c for c, _, _ in changed], [*CARD_FIGURES, "corrected"])
    ScorecardCorrection.objects.bulk_create(
        ScorecardCorrection(scorecard=card, appeal=appeal, before=old, after=new, reason=reason,
                            corrected_by=actor, corrected_at=now)
        for card, old, new in changed
    )
    return [card for card, _, _ in changed]
