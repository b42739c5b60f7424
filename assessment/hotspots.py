"""What leaders look at beside the ranking: volumes by category and district, the top problems of the month
(每月一题 candidates) and the seven-day early warning (七天一预警). All SQL aggregates."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from . import months
from .models import HotspotAlert
from .rules import rule_for

TOP_PROBLEMS = 10

BY_CATEGORY_SQL = """
SELECT l1.name, count(*) FROM hotline_ticket t
JOIN dispatch_catalogitem l3 ON l3.id = t.catalog_item_id
JOIN dispatch_catalogitem l2 ON l2.id = l3.parent_id
JOIN dispatch_catalogitem l1 ON l1.id = l2.parent_id
WHERE t.received_at >= %(start)s AND t.received_at < %(end)s
GROUP BY l1.name ORDER BY count(*) DESC, l1.name
"""

BY_DISTRICT_SQL = """
SELECT u.name, count(*) FROM hotline_ticket t JOIN dispatch_unit u ON u.id = t.district_id
WHERE t.received_at >= %(start)s AND t.received_at < %(end)s
GROUP BY u.code, u.name ORDER BY u.code
"""

TOP_LEAVES_SQL = """
SELECT t.catalog_item_id, count(*), count(DISTINCT t.street_id) FROM hotline_ticket t
WHERE t.received_at >= %(start)s AND t.received_at < %(end)s AND t.repeat_of_id IS NULL
GROUP BY t.catalog_item_id ORDER BY count(*) DESC, t.catalog_item_id LIMIT %(limit)s
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
    from dispatch.models import CatalogItem

    start, end = months.bounds(month)
    params = {"start": start, "end": end, "limit": TOP_PROBLEMS}
    leaves = _rows(TOP_LEAVES_SQL, params)
    items = CatalogItem.objects.select_related("parent__parent").in_bulk([row[0] for row in leaves])
    return {
        "by_category": [[name, n] for name, n in _rows(BY_CATEGORY_SQL, params)],
        "by_district": [[name, n] for name, n in _rows(BY_DISTRICT_SQL, params)],
        "top_problems": [
            {"item": items[item_id].path_names(), "count": n, "streets": streets}
            for item_id, n, streets in leaves
        ],
    }


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
    """The most recent day's alerts, biggest rise first (one query for the day, one for the rows)."""
    day = HotspotAlert.objects.order_by("-computed_on").values_list("computed_on", flat=True).first()
    if day is None:
        return None, []
    alerts = HotspotAlert.objects.filter(computed_on=day).select_related("street__parent", "catalog_item")
    if district_id:
        alerts = alerts.filter(street__parent_id=district_id)
    return day, list(alerts.order_by("-ratio", "-last7", "id")[:limit])
