"""大屏: today's figures of the city (or of a supervisor's district) for the command center's live screen.

Cost does not grow with the table, nor with the day's orders (≈ 55 000–90 000 on a busy day): on PostgreSQL the
counts are read from the day's tallies (bigscreen/tally.py, kept current by triggers), the overdue ones from the
late or undone orders due today; elsewhere (SQLite) one aggregate of today's rows. The latest orders are the head
of the received_at index. A poll reads the scope's snapshot from the cache (Redis) and notes that the scope is on a
screen; Celery beat recomputes the noted scopes' snapshots every 10 s (bigscreen/tasks.py), so a poll waits for the
aggregate only when the cache lost the snapshot (the cold path, bounded by one day's rows; bench/big_screen.py
measures both).

Figures (today = the Beijing calendar day): 今日受理 every order received today; 在办 those of them now with a
unit and not done; 逾期 those of them past a deadline (assessment/clock/overdue.py, the one rule); 办结 those
completed, answered directly, called back or closed. A district supervisor's screen counts the dispatched orders
at the district's addresses (the address part of hotline/selectors.py district_scope_q), by street; its latest
orders are the same orders' latest (so a screen's list and counts agree).
"""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from assessment.clock.overdue import overdue_sql
from bigscreen import charts
from core.errors import NotPermitted
from core.permissions import address_district_id, require_role, visible_unit_ids
from dispatch.choices import sql_list
from dispatch.models import CatalogItem, Unit
from hotline import privacy
from hotline.choices import OPEN_STATUSES, Status
from hotline.models import Ticket

DONE_STATUSES = [Status.COMPLETED, Status.ANSWERED, Status.CALLBACK, Status.CLOSED]
TOP_PROBLEMS = 8
LATEST = 9  # what the screen's column holds at 1080 px
CONTENT_CHARS = 28
AREA_ROWS = 20  # the table's rows that fit the screen

TODAY_SQL = """
WITH g AS (
    SELECT t.district_id, t.street_id, t.catalog_item_id, count(*) AS intake,
           count(*) FILTER (WHERE t.status IN {open}) AS open,
           count(*) FILTER (WHERE {overdue}) AS overdue,
           count(*) FILTER (WHERE t.status IN {done}) AS done,
           count(*) FILTER (WHERE t.repeat_of_id IS NULL) AS originals
    FROM hotline_ticket t
    WHERE t.received_at >= %(start)s AND t.received_at < %(end)s {scope}
    GROUP BY t.district_id, t.street_id, t.catalog_item_id
)
SELECT 'district', district_id, sum(intake), sum(open), sum(overdue), sum(done) FROM g GROUP BY district_id
UNION ALL
SELECT 'street', street_id, sum(intake), sum(open), sum(overdue), sum(done) FROM g
    WHERE street_id IS NOT NULL GROUP BY street_id
UNION ALL
SELECT 'leaf', catalog_item_id, sum(originals), 0, 0, 0 FROM g GROUP BY catalog_item_id
"""
DISTRICT_SCOPE = "AND t.district_id = %(district)s AND t.dispatched_at IS NOT NULL"
# PostgreSQL: the day's counts from its tallies (bigscreen/tally.py, a few thousand rows kept current by triggers),
# the top leaves among them, and the overdue ones counted from the orders themselves (overdue moves with the time):
# through the partial index of late or undone orders (ticket_late_due) over the deadlines of the day. An order
# received today has its deadline after its receipt (the clock starts at dispatch), and one done late was done
# after its deadline, by now: so its deadline falls within [start, end) of the day, or it is not overdue yet.
TALLY_SQL = """
SELECT 'area', {area}, status, sum({n}) FROM bigscreen_streettally t WHERE day = %(day)s {tally_scope}
    GROUP BY {area}, status HAVING sum({n}) <> 0
UNION ALL
(SELECT 'leaf', catalog_item_id, NULL, {n} FROM bigscreen_leaftally
    WHERE day = %(day)s AND district_id = %(leaf_district)s AND {n} > 0 ORDER BY {n} DESC, catalog_item_id LIMIT {top})
UNION ALL
SELECT 'overdue', {area}, NULL, count(*) FROM (
    SELECT t.district_id, t.street_id, t.received_at, t.dispatched_at, t.due_at, t.completed_at FROM hotline_ticket t
    WHERE t.due_at >= %(start)s AND t.due_at < %(end)s AND (t.completed_at IS NULL OR t.completed_at > t.due_at)
    OFFSET 0) t  -- those few rows alone: not beside a bitmap of the day's receipts
    WHERE {overdue} AND t.received_at >= %(start)s AND t.received_at < %(end)s {scope}
    GROUP BY {area}
"""
# The city's areas are its districts; a district's, its streets (0 in the tallies: none) and of its orders the
# dispatched ones (n_dispatched).
TALLY_SCOPE = "AND t.district_id = %(district)s"
FIGURES = ("intake", "open", "overdue", "done")


def scope_of(user):
    """None for the whole city (the center's roles), else the supervisor's district id."""
    require_role(user, "view_big_screen", "您的岗位无权查看大屏")
    district_id = address_district_id(user)  # asked first: a supervisor's scope is its district, one read of its unit
    if district_id is not None:
        return district_id
    if visible_unit_ids(user) is None:
        return None
    raise NotPermitted("区督办员账号未关联到区，无法查看大屏")


def day_bounds(now):
    tz = timezone.get_default_timezone()
    day = timezone.localdate(now)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return day, start, start + dt.timedelta(days=1)


def today_sql(district_id):
    return TODAY_SQL.format(open=sql_list(OPEN_STATUSES), done=sql_list(DONE_STATUSES), overdue=overdue_sql(),
                            scope=DISTRICT_SCOPE if district_id else "")


def tally_sql(district_id):
    return TALLY_SQL.format(
        overdue=overdue_sql(), top=TOP_PROBLEMS, scope=DISTRICT_SCOPE if district_id else "",
        tally_scope=TALLY_SCOPE if district_id else "", n="n_dispatched" if district_id else "n",
        area="NULLIF(t.street_id, 0)" if district_id else "t.district_id")


def _tallied_rows(day, start, end, now, district_id):
    """_today_rows from the day's tallies (PostgreSQL): a district's rows and its streets', or the city's districts;
    the leaves: the top ones only."""
    params = {"day": day, "start": start, "end": end, "now": now, "district": district_id,
              "leaf_district": district_id or 0}
    with connection.cursor() as cursor:
        cursor.execute(tally_sql(district_id), params)
        rows = cursor.fetchall()
    areas, leaves = {}, []
    for kind, key, status, n in rows:
        if kind == "leaf":
            leaves.append(("leaf", key, n, 0, 0, 0))
            continue
        figures = (0, 0, n, 0) if kind == "overdue" else (n, n * (status in OPEN_STATUSES), 0,
                                                          n * (status in DONE_STATUSES))
        areas[key] = [a + b for a, b in zip(areas.get(key, (0, 0, 0, 0)), figures, strict=True)]
    if not district_id:
        return [("district", key, *figures) for key, figures in areas.items()] + leaves
    total = [sum(column) for column in zip((0, 0, 0, 0), *areas.values(), strict=True)]
    return ([("district", district_id, *total)] + leaves
            + [("street", key, *figures) for key, figures in areas.items() if key is not None])


def _today_rows(start, end, now, district_id):
    """(kind, key, intake, open, overdue, done) per district, street and leaf (a leaf's intake: its originals)."""
    if connection.vendor == "postgresql":
        return _tallied_rows(timezone.localdate(start), start, end, now, district_id)
    adapt = connection.ops.adapt_datetimefield_value
    params = {"start": adapt(start), "end": adapt(end), "now": adapt(now), "district": district_id}
    with connection.cursor() as cursor:
        cursor.execute(today_sql(district_id), params)
        return cursor.fetchall()


def _latest(district_id, start, end):
    tickets = Ticket.objects.select_related("district", "street", "catalog_item")
    if district_id:
        tickets = tickets.filter(district_id=district_id, dispatched_at__isnull=False)
    tickets = tickets.filter(received_at__gte=start, received_at__lt=end).only(
        "received_at", "content", "status", "tier", "district__name", "street__name", "catalog_item__name")
    return [{
        "number": t.number, "time": f"{timezone.localtime(t.received_at):%H:%M}",
        "area": f"{t.district.name}{t.street.name if t.street_id else ''}", "category": t.catalog_item.name,
        "content": _short(privacy.mask_numbers(t.content)), "tier": t.get_tier_display(),
        "status": t.get_status_display(),
    } for t in tickets.order_by("-received_at", "-id")[:LATEST]]


def _short(text):
    text = " ".join(text.split())
    return text if len(text) <= CONTENT_CHARS else text[:CONTENT_CHARS] + "…"


def compute(district_id, now):
    """The snapshot, read from the database (4 queries)."""
    day, start, end = day_bounds(now)
    rows = _today_rows(start, end, now, district_id)
    groups = {"district": {}, "street": {}, "leaf": {}}
    for kind, key, *figures in rows:
        groups[kind][key] = dict(zip(FIGURES, (int(f or 0) for f in figures), strict=True))
    leaves = sorted(((pk, f) for pk, f in groups["leaf"].items() if f["intake"] > 0),
                    key=lambda kv: (-kv[1]["intake"], kv[0]))[:TOP_PROBLEMS]
    if district_id:
        units = Unit.objects.filter(pk=district_id) | Unit.objects.filter(parent_id=district_id, kind="street")
    else:
        units = Unit.objects.filter(kind="district")
    units = {u.pk: u for u in units.only("name", "code", "kind")}
    items = CatalogItem.objects.only("name").in_bulk([pk for pk, _ in leaves])
    totals = {f: sum(g[f] for g in groups["district"].values()) for f in FIGURES}
    if district_id:  # the district's streets that had orders today, busiest first
        areas = [{"name": units[pk].name, **figures} for pk, figures in groups["street"].items() if pk in units]
    else:  # every district, a quiet one with its zeros
        areas = [{"name": u.name, **groups["district"].get(pk, dict.fromkeys(FIGURES, 0))}
                 for pk, u in units.items()]
    areas = sorted(areas, key=lambda a: (-a["intake"], a["name"]))[:AREA_ROWS]
    districts = [u for u in units.values() if u.kind == "district"]
    return {
        "day": f"{day:%Y-%m-%d}", "generated_at": f"{timezone.localtime(now):%H:%M:%S}",
        "scope": units[district_id].name if district_id else "全市",
        "area_label": "街乡镇" if district_id else "区",
        "totals": totals,
        "areas": areas,
        "map": [{"name": d.name, "value": groups["district"].get(d.pk, {}).get("intake", 0)}
                for d in sorted(districts, key=lambda d: d.code)],
        "top_problems": [{"item": items[pk].name, "count": figures["intake"]} for pk, figures in leaves
                         if pk in items],
        "latest": _latest(district_id, start, end),
    }


WANTED_SECONDS = 300  # a scope no screen asked for in 5 minutes is no longer recomputed


def _key(district_id):
    return f"bigscreen:{district_id or 'city'}"


def _wanted_key(district_id):
    return f"bigscreen:wanted:{district_id or 'city'}"


def refresh(district_id, now=None):
    """Compute the scope's snapshot and keep it for BIG_SCREEN_CACHE_SECONDS (beat's step and a poll's cold path)."""
    data = compute(district_id, now or timezone.now())
    data["charts"] = charts.options(data)  # kept with the snapshot: a poll only reads and sends it
    if settings.BIG_SCREEN_CACHE_SECONDS:
        cache.set(_key(district_id), data, settings.BIG_SCREEN_CACHE_SECONDS)
    return data


def wanted_scopes():
    """The scopes (None: the city, else district ids) a screen polled within WANTED_SECONDS."""
    districts = list(Unit.objects.filter(kind="district").values_list("pk", flat=True))
    keys = {_wanted_key(d): d for d in [None, *districts]}
    return [keys[key] for key in cache.get_many(list(keys))]


def snapshot(user, now=None):
    """The user's scope's snapshot: from the cache, computed when missing (always, with the cache time 0)."""
    district_id = scope_of(user)
    if not settings.BIG_SCREEN_CACHE_SECONDS:
        return refresh(district_id, now)
    cache.set(_wanted_key(district_id), 1, WANTED_SECONDS)
    data = cache.get(_key(district_id))
    return data if data is not None else refresh(district_id, now)
