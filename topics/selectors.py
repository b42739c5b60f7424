"""Reads of topics: who sees which, the month's candidates, and the orders of a topic week by week."""

import datetime as dt

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from assessment.monthly import hotspots, months
from core.permissions import role_may, visible_unit_ids
from dispatch.models import Unit
from hotline.models import Ticket

from .models import Topic, TopicPhoto, TopicReport, TopicStatus

WEEKS_BEFORE = 8  # the weekly chart: this many ISO weeks before the start week …
WEEKS_AFTER_MAX = 26  # … and the start week with those after it up to this week (or the close), at most this many
STREET_SUGGESTIONS = 8


def visible_topics(user):
    """The center sees every topic; a unit (a district: its own and its streets') the started ones it leads or is
    named in; anyone else none."""
    if not role_may(user, "view_topics"):
        return Topic.objects.none()
    topics = Topic.objects.select_related("lead_unit")
    unit_ids = visible_unit_ids(user)
    if unit_ids is None:
        return topics
    involved = Topic.objects.filter(Q(lead_unit_id__in=unit_ids) | Q(streets__in=unit_ids)).values("pk")
    return topics.filter(pk__in=involved).exclude(status=TopicStatus.DRAFT)


def topic_list(user):
    return list(visible_topics(user).annotate(report_count=Count("reports")).order_by("-month", "-id"))


def topic_for(user, topic_id):
    """The topic with its streets, leaves and reports (photos, authors' units) or None when out of scope."""
    reports = TopicReport.objects.select_related("unit").prefetch_related(
        Prefetch("photos", queryset=TopicPhoto.objects.order_by("id")))
    return (visible_topics(user).select_related("created_by")
            .prefetch_related("streets__parent", "catalog_items", Prefetch("reports", queryset=reports))
            .filter(pk=topic_id).first())


def photo_for(user, photo_id):
    photo = TopicPhoto.objects.select_related("report").filter(pk=photo_id).first()
    if photo is None or not visible_topics(user).filter(pk=photo.report.topic_id).exists():
        return None
    return photo


def default_month():
    """The month a leader picks from by default: the latest computed month, else the running one."""
    from assessment.models import MonthClose

    latest = MonthClose.objects.order_by("-month").values_list("month", flat=True).first()
    return latest or months.current_month()


def candidates(month):
    """The month's top problems (assessment/monthly/hotspots.py), each with the streets it was most called about."""
    return hotspots.top_problems(month)


def suggested_streets(month, item_id, limit=STREET_SUGGESTIONS):
    """The streets with the most originals of the leaf in the month (the form's proposal for 涉及街乡镇)."""
    start, end = months.bounds(month)
    rows = (Ticket.objects.filter(catalog_item_id=item_id, received_at__gte=start, received_at__lt=end,
                                  repeat_of__isnull=True, street__isnull=False)
            .values("street_id").annotate(n=Count("id")).order_by("-n", "street_id")[:limit])
    counts = {row["street_id"]: row["n"] for row in rows}
    streets = Unit.objects.select_related("parent").in_bulk(list(counts))
    return [(streets[pk], n) for pk, n in counts.items()]


def _monday(day):
    return day - dt.timedelta(days=day.weekday())


def week_range(topic, now=None):
    """(first Monday, start week's Monday, last Monday) of the weekly chart."""
    now = now or timezone.now()
    start_day = timezone.localdate(topic.started_at or topic.created_at)
    end_day = timezone.localdate(topic.closed_at or now)
    anchor = _monday(start_day)
    first = anchor - dt.timedelta(weeks=WEEKS_BEFORE)
    last = min(max(_monday(end_day), anchor), anchor + dt.timedelta(weeks=WEEKS_AFTER_MAX - 1))
    return first, anchor, last


def weekly_volume(topic, now=None):
    """Orders of the topic's leaves at its streets per ISO week (Beijing time), before and after its start:
    [{"week": Monday, "label", "count", "after"}], every week present. One GROUP BY over the (street,
    received_at) index."""
    first, anchor, last = week_range(topic, now)
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(weeks=1), dt.time.min, tzinfo=tz)
    rows = (Ticket.objects.filter(street__in=[s.pk for s in topic.streets.all()],
                                  catalog_item__in=[i.pk for i in topic.catalog_items.all()],
                                  received_at__gte=start, received_at__lt=end)
            .annotate(week=TruncWeek("received_at", tzinfo=tz)).values("week").annotate(n=Count("id"))
            .order_by("week"))
    counts = {timezone.localtime(row["week"], tz).date() if isinstance(row["week"], dt.datetime) else row["week"]:
              row["n"] for row in rows}
    weeks, day = [], first
    while day <= last:
        iso = day.isocalendar()
        weeks.append({"week": day, "label": f"{iso.year}年第{iso.week}周", "short": f"{day:%m-%d}",
                      "count": counts.get(day, 0), "after": day >= anchor})
        day += dt.timedelta(weeks=1)
    return weeks


def before_after(weeks):
    """Weekly averages before the start and from the start week on (None when there is no such week)."""
    def average(rows):
        return round(sum(r["count"] for r in rows) / len(rows), 1) if rows else None
    return average([w for w in weeks if not w["after"]]), average([w for w in weeks if w["after"]])


def weekly_chart(topic, weeks):
    """The ECharts option of the weekly before/after bars (static/js/charts.js draws it; the table beside it is
    the same ``weeks``)."""
    return {
        "title": {"text": "每周工单量（启动前后）", "subtext": topic.title, "left": 0, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 64, "bottom": 48},
        "xAxis": {"type": "category", "data": [w["short"] for w in weeks], "axisLabel": {"rotate": 45}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "name": "工单量",
                    "data": [{"value": w["count"], "itemStyle": {"color": "#1f7a4d" if w["after"] else "#8a94a6"}}
                             for w in weeks],
                    "markLine": {"silent": True, "symbol": "none", "label": {"formatter": "启动"},
                                 "data": [{"xAxis": next((w["short"] for w in weeks if w["after"]), "")}]}}],
    }
