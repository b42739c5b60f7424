"""What leaders look at beside the ranking: volumes by category and district, the top problems of the month
(每月一题 candidates) and the seven-day early warning (七天一预警). All SQL aggregates."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from assessment.models import HotspotAlert
from assessment.monthly import months
from assessment.monthly.rules import rule_for
from config.db_router import reports_db

TOP_PROBLEMS = 10

# The month's volumes in one scan of its tickets: per leaf (all orders, originals, streets of the originals) and
# per district; plain SQL that SQLite runs too. Top problems count originals only (repeats are linked, not
# double-counted).
MONTH_VOLUMES_SQL = """
WITH g AS (
    SELECT t.catalog_item_id, t.district_id, t.street_id, count(*) AS n,
           count(*) FILTER (WHERE t.repeat_of_id IS NULL) AS originals
    FROM hotline_ticket t
    WHERE t.received_at >= %(start)s AND t.received_at < %(end)s
    GROUP BY t.catalog_item_id, t.district_id, t.street_id
)
SELECT catalog_item_id, NULL, sum(n), sum(originals), count(DISTINCT CASE WHEN originals > 0 THEN street_id END)
FROM g GROUP BY catalog_item_id
UNION ALL
SELECT NULL, district_id, sum(n), sum(originals), 0 FROM g GROUP BY district_id
"""

# Per (street, leaf): the last 7 days against the 28 days before them.
RISES_SQL = """
SELECT street_id, catalog_item_id, last7, before28 FROM (
    SELECT t.street_id, t.catalog_item_id,
           count(*) FILTER (WHERE t.received_at >= %(split)s) AS last7,
           count(*) FILTER (WHERE t.received_at < %(split)s) AS before28
    FROM hotline_ticket t
    WHERE t.received_at >= %(start)s AND t.received_at < %(end)s AND t.street_id IS NOT NULL
    GROUP BY t.street_id, t.catalog_item_id
) c
WHERE last7 >= %(min_count)s AND last7 * 4 >= %(ratio)s * CASE WHEN before28 < 4 THEN 4 ELSE before28 END
"""


def _rows(sql, params):
    adapt = connection.ops.adapt_datetimefield_value
    params = {k: adapt(v) if isinstance(v, dt.datetime) else v for k, v in params.items()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def month_summary(month):
    """Stored on the MonthClose so that a closed month's overview page needs no scan of the tickets."""
    from dispatch.models import CatalogItem, Unit

    start, end = months.bounds(month)
    by_leaf, by_district = {}, {}
    for item_id, district_id, total, originals, streets in _rows(MONTH_VOLUMES_SQL, {"start": start, "end": end}):
        if item_id is not None:
            by_leaf[item_id] = (int(total), int(originals), streets)
        else:
            by_district[district_id] = int(total)
    items = CatalogItem.objects.select_related("parent__parent").in_bulk(list(by_leaf))
    categories = {}
    for item_id, (total, _, _) in by_leaf.items():
        name = items[item_id].parent.parent.name
        categories[name] = categories.get(name, 0) + total
    top = sorted((item_id for item_id, row in by_leaf.items() if row[1]), key=lambda i: (-by_leaf[i][1], i))
    districts = Unit.objects.filter(pk__in=list(by_district)).order_by("code").values_list("pk", "name")
    return {
        "by_category": [[name, n] for name, n in sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))],
        # the three levels' names as the catalog named them that month (the overview's treemap), biggest first
        "by_catalog": sorted(([items[i].parent.parent.name, items[i].parent.name, items[i].name, row[0]]
                              for i, row in by_leaf.items()), key=lambda r: (-r[3], r[:3])),
        "by_district": [[name, by_district[pk]] for pk, name in districts],
        "top_problems": [
            {"item": items[item_id].path_names(), "item_id": item_id, "count": by_leaf[item_id][1],
             "streets": by_leaf[item_id][2]}
            for item_id in top[:TOP_PROBLEMS]
        ],
    }


TOP_LEAVES_SQL = """
SELECT t.catalog_item_id, count(*) AS originals, count(DISTINCT t.street_id) AS streets
FROM hotline_ticket t
WHERE t.received_at >= %(start)s AND t.received_at < %(end)s AND t.repeat_of_id IS NULL
GROUP BY t.catalog_item_id ORDER BY originals DESC, t.catalog_item_id LIMIT %(limit)s
"""


def top_problems(month, limit=TOP_PROBLEMS):
    """每月一题 candidates of a month: [{"item", "item_id", "count", "streets"}], most originals first. A computed
    month's stored summary answers (no scan); a month not yet computed (or computed before the summary kept the
    leaf's id) is counted from its tickets."""
    from assessment.models import MonthClose

    close = MonthClose.objects.using(reports_db()).filter(month=month).first()
    stored = (close.summary or {}).get("top_problems", []) if close else []
    if stored and all("item_id" in row for row in stored):
        return stored[:limit]
    from dispatch.models import CatalogItem

    start, end = months.bounds(month)
    rows = _rows(TOP_LEAVES_SQL, {"start": start, "end": end, "limit": limit})
    items = CatalogItem.objects.select_related("parent__parent").in_bulk([row[0] for row in rows])
    return [{"item": items[item_id].path_names(), "item_id": item_id, "count": int(n), "streets": int(streets)}
            for item_id, n, streets in rows]


def detect_rises(day=None, rule=None):
    """七天一预警 for the 7 days ending with ``day`` (default today): store and return the alerts.

    Alert when last7 ≥ min_count and last7 ≥ ratio × weekly average of the previous 4 weeks (an average below
    one a week counts as one, so a handful of first-ever orders is not a 'rise')."""
    day = day or timezone.localdate()
    rule = rule or rule_for(months.first_of(day))
    tz = timezone.get_default_timezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    split, start = end - dt.timedelta(days=7), end - dt.timedelta(days=35)
    rows = _rows(RISES_SQL, {"start": start, "split": split, "end": end, "min_count": rule.hotspot_min_count,
                             "ratio": rule.hotspot_ratio})
    alerts = []
    for street_id, item_id, last7, before28 in rows:
        weekly = (Decimal(before28) / 4).quantize(Decimal("0.01"), ROUND_HALF_UP)
        ratio = (Decimal(last7) / max(weekly, Decimal(1))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        alerts.append(HotspotAlert(computed_on=day, street_id=street_id, catalog_item_id=item_id, last7=last7,
                                   weekly_avg=weekly, ratio=ratio))
    with transaction.atomic():
        HotspotAlert.objects.filter(computed_on=day).delete()
        HotspotAlert.objects.bulk_create(alerts)
    return alerts


def latest_alerts(district_id=None, limit=50):
    """The most recent day's alerts, biggest rise first (one query for the day, one for the rows; reports replica)."""
    alerts = HotspotAlert.objects.using(reports_db())
    day = alerts.order_by("-computed_on").values_list("computed_on", flat=True).first()
    if day is None:
        return None, []
    alerts = alerts.filter(computed_on=day).select_related("street__parent", "catalog_item")
    if district_id:
        alerts = alerts.filter(street__parent_id=district_id)
    return day, list(alerts.order_by("-ratio", "-last7", "id")[:limit])
