"""Reads behind the leader pages' charts: each returns plain rows that the page's table shows as they are and that
assessment/monthly/charts.py turns into the chart's option, so the chart and its table cannot disagree.
Closed months read their stored summary and scorecards; the early warning's weeks are one aggregate query."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from assessment.monthly import selectors
from assessment.monthly.choices import RankGroup
from config.db_router import reports_db
from dispatch.selectors import districts
from hotline.models import Ticket

ALERT_PANELS = 12  # small multiples of the seven-day warning: the biggest rises
WEEK_LABELS = ["前4周", "前3周", "前2周", "前1周", "近7天"]


def catalog_tree(summary):
    """The month's volume by catalog as a tree: [{name, value, children: [{name, value, children: [...]}]}], each
    level biggest first. A month closed before the summary kept the three levels has its first level only."""
    rows = summary.get("by_catalog")
    if rows is None:
        return [{"name": name, "value": count, "children": []} for name, count in summary.get("by_category", [])]
    top = {}
    for first, second, third, count in rows:
        node = top.setdefault(first, {"name": first, "value": 0, "children": {}})
        middle = node["children"].setdefault(second, {"name": second, "value": 0, "children": []})
        node["value"] += count
        middle["value"] += count
        middle["children"].append({"name": third, "value": count})

    def ordered(nodes):
        return sorted(nodes, key=lambda n: (-n["value"], n["name"]))

    return [{**node, "children": ordered(
        {**middle, "children": ordered(middle["children"])} for middle in node["children"].values())}
        for node in ordered(top.values())]


def district_figures(user, month, summary):
    """Every district (directory order) with the month's volume (orders received) and its scorecard: score, rank,
    class. A district supervisor sees the volumes of all and the scorecard of their own district only."""
    volumes = dict(summary.get("by_district", []))
    cards = {card.unit_id: card for card in selectors.ranking(user, month, RankGroup.DISTRICT)} if month else {}
    rows = []
    for district in districts().using(reports_db()):
        card = cards.get(district.pk)
        rows.append({
            "code": district.code, "name": district.name, "volume": volumes.get(district.name, 0),
            "score": card.score if card else None, "rank": card.rank if card else None,
            "klass": card.klass if card else "", "klass_label": card.klass_label if card else "",
        })
    return rows


def trend_rows(history):
    """A unit's scorecards (selectors.trend) as the trend table's rows, oldest first."""
    return [{"month": card.month, "label": f"{card.month:%Y-%m}", "score": card.score,
             "response_rate": card.response_rate, "resolution_rate": card.resolution_rate,
             "satisfaction_rate": card.satisfaction_rate, "assessed": card.assessed} for card in history]


def alert_weeks(day, alerts, panels=ALERT_PANELS):
    """The warning day's alerts (hotspots.latest_alerts, biggest rise first); the first ``panels`` of them with their
    five weeks' counts (4 weeks before, the last 7 days) from one aggregate over those streets' orders of the 35 days
    (index ticket_street_time), the rest with weeks None (the scan grows with every street asked). Each row:
    {street, district, item, weekly_avg, ratio, last7, weeks: [w1, .., w4, last7] or None}."""
    if not alerts:
        return []
    charted = alerts[:panels]
    tz = timezone.get_default_timezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    edges = [end - dt.timedelta(days=7 * back) for back in range(5, -1, -1)]
    weeks = {f"w{i}": Count("id", filter=Q(received_at__gte=edges[i], received_at__lt=edges[i + 1]))
             for i in range(5)}
    pairs = Q()
    for alert in charted:
        pairs |= Q(street_id=alert.street_id, catalog_item_id=alert.catalog_item_id)
    counts = Ticket.objects.using(reports_db()).filter(pairs, received_at__gte=edges[0], received_at__lt=end) \
        .values("street_id", "catalog_item_id").annotate(**weeks).order_by()
    by_pair = {(row["street_id"], row["catalog_item_id"]): [row[f"w{i}"] for i in range(5)] for row in counts}
    return [{"street": a.street.name, "district": a.street.parent.name, "item": a.catalog_item.name,
             "weekly_avg": a.weekly_avg, "ratio": a.ratio, "last7": a.last7,
             "weeks": by_pair.get((a.street_id, a.catalog_item_id), [0] * 5) if index < panels else None}
            for index, a in enumerate(alerts)]
