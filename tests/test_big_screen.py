"""大屏: the snapshot's figures against counts made here, the district's scope, what the latest orders show of the
caller (nothing but the masked content), who may look, and the endpoint's queries cold and cached."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessment.clock.overdue import is_overdue
from bigscreen import selectors
from core.errors import NotPermitted
from hotline.choices import OPEN_STATUSES
from hotline.models import Ticket
from hotline.services import intake

from .lifecycle_helpers import take_call, walk_to_completed
from .page_helpers import login

pytestmark = pytest.mark.django_db
HAIDIAN_STREET = "110108001"


@pytest.fixture
def noon():
    """Today 12:00 in Beijing: every order of these tests falls on one Beijing day."""
    day = timezone.localdate()
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def today_orders(demo_users, directory, catalog, noon):
    """朝阳 (望京): 3 dispatched, one of them past its deadline, one completed; 海淀: 2 dispatched; one answered at
    intake (朝阳, the center's); one of yesterday (not counted)."""
    item = catalog["sanitation"]
    made = {"wangjing": [take_call(demo_users, directory, item, now=noon - dt.timedelta(hours=h), then=intake.DISPATCH,
                                   content=f"楼下垃圾堆放第{h}处，回电13912345678")
                         for h in (1, 2, 3)],
            "haidian": [take_call(demo_users, directory, item, street=HAIDIAN_STREET, then=intake.DISPATCH,
                                  now=noon - dt.timedelta(hours=h)) for h in (4, 5)],
            "answered": take_call(demo_users, directory, catalog["policy"], content="咨询垃圾分类政策",
                                  now=noon - dt.timedelta(hours=6), then=intake.ANSWER, answer="已按政策答复")}
    take_call(demo_users, directory, item, now=noon - dt.timedelta(days=1), then=intake.DISPATCH)
    walk_to_completed(demo_users, made["wangjing"][0], now=noon - dt.timedelta(minutes=50))
    Ticket.objects.filter(pk=made["wangjing"][1].pk).update(due_at=noon - dt.timedelta(minutes=5))
    return made


def figures(**kw):
    return {"intake": 0, "open": 0, "overdue": 0, "done": 0, **kw}


def test_the_city_snapshot_counts_todays_orders(demo_users, today_orders, noon):
    data = selectors.compute(None, noon)
    assert data["scope"] == "全市" and data["day"] == f"{noon:%Y-%m-%d}"
    assert data["totals"] == figures(intake=6, open=4, overdue=1, done=2)
    areas = {a["name"]: {k: a[k] for k in ("intake", "open", "overdue", "done")} for a in data["areas"]}
    assert len(areas) == 16 and areas["东城区"] == figures()
    assert areas["朝阳区"] == figures(intake=4, open=2, overdue=1, done=2)
    assert areas["海淀区"] == figures(intake=2, open=2)
    assert [a["name"] for a in data["areas"][:2]] == ["朝阳区", "海淀区"]
    assert len(data["map"]) == 16 and {"name": "海淀区", "value": 2} in data["map"]
    assert data["top_problems"] == [{"item": "环境卫生", "count": 5}, {"item": "政策咨询", "count": 1}]
    assert [t["number"] for t in data["latest"]] == [t.number for t in sorted(
        Ticket.objects.filter(received_at__date__gte=noon.date() - dt.timedelta(days=1)),
        key=lambda t: t.received_at, reverse=True) if timezone.localdate(t.received_at) == noon.date()]


def test_a_district_supervisor_sees_the_district_by_street(demo_users, today_orders, noon):
    data = selectors.compute(selectors.scope_of(demo_users["chaoyang"]), noon)
    assert data["scope"] == "朝阳区" and data["area_label"] == "街乡镇"
    assert data["totals"] == figures(intake=3, open=2, overdue=1, done=1)  # not the answered one: never dispatched
    assert [(a["name"], a["intake"]) for a in data["areas"]] == [("望京街道", 3)]
    assert {t["number"] for t in data["latest"]} == {t.number for t in today_orders["wangjing"]}
    assert [row["value"] for row in data["map"]] == [3]


def test_the_latest_orders_show_no_caller_data(client, demo_users, today_orders, settings):
    settings.BIG_SCREEN_CACHE_SECONDS = 0
    login(client, demo_users["dispatcher"])
    body = client.get(reverse("bigscreen:data")).content.decode()
    for ticket in Ticket.objects.all():
        assert ticket.caller_phone not in body and ticket.address not in body
    assert "13912345678" not in body and "139******78" in body
    latest = client.get(reverse("bigscreen:data")).json()["latest"]
    assert set(latest[0]) == {"number", "time", "area", "category", "content", "tier", "status"}
    assert all(len(t["content"]) <= selectors.CONTENT_CHARS + 1 for t in latest)


@pytest.mark.parametrize(("name", "status"), [("leader", 200), ("dispatcher", 200), ("admin", 200),
                                              ("chaoyang", 200), ("agent", 403), ("callback", 403),
                                              ("wangjing", 403), ("heating", 403), ("auditor", 403)])
def test_who_may_look(client, demo_users, name, status):
    login(client, demo_users[name])
    assert client.get(reverse("bigscreen:data")).status_code == status
    assert client.get(reverse("bigscreen:screen")).status_code == status
    with pytest.raises(NotPermitted) if status == 403 else _nothing():
        selectors.scope_of(demo_users[name])


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_endpoint_reads_four_queries_cold_and_none_cached(client, demo_users, directory, catalog,
                                                              today_orders, settings, django_assert_num_queries):
    from django.core.cache import cache

    from bigscreen.tasks import refresh_snapshots

    cache.clear()
    settings.BIG_SCREEN_CACHE_SECONDS = 30
    login(client, demo_users["leader"])
    with django_assert_num_queries(2 + 4):  # session and user; today's aggregate, latest orders, units, leaves
        first = client.get(reverse("bigscreen:data")).json()
    with django_assert_num_queries(2):
        again = client.get(reverse("bigscreen:data")).json()
    assert again == first
    take_call(demo_users, directory, catalog["heating"], now=timezone.now(), then=intake.DISPATCH)
    assert client.get(reverse("bigscreen:data")).json() == first  # served from the cache …
    assert refresh_snapshots() == 1  # … until beat recomputes the city's (the one scope a screen asked for)
    with django_assert_num_queries(2):
        fresh = client.get(reverse("bigscreen:data")).json()
    assert fresh["totals"]["intake"] == first["totals"]["intake"] + 1
    assert fresh["charts"]["problems"]["series"][0]["data"] == [p["count"] for p in reversed(fresh["top_problems"])]
    login(client, demo_users["chaoyang"])
    client.get(reverse("bigscreen:data"))
    with django_assert_num_queries(3):  # session, user, the supervisor's unit (its district)
        assert client.get(reverse("bigscreen:data")).json()["scope"] == "朝阳区"
    assert [t["category"] for t in fresh["latest"]].count("冬季采暖") == 1
    cache.clear()


def test_the_page_shows_the_figures_without_javascript(client, demo_users, today_orders, settings):
    settings.BIG_SCREEN_CACHE_SECONDS = 0
    login(client, demo_users["leader"])
    page = client.get(reverse("bigscreen:screen")).content.decode()
    data = client.get(reverse("bigscreen:data")).json()
    assert f'data-total="intake">{data["totals"]["intake"]}<' in page
    assert "朝阳区" in page and "环境卫生" in page and 'data-poll-ms="15000"' in page


def expected_figures(now, district=None):
    """The screen's figures counted here, order by order (the rules: hotline/choices.py OPEN_STATUSES, the screen's
    DONE_STATUSES, assessment/clock/overdue.py is_overdue): totals, by area, and the originals by leaf."""
    totals, areas, leaves = figures(), {}, {}
    for t in Ticket.objects.select_related("district", "street", "catalog_item"):
        if timezone.localdate(t.received_at) != timezone.localdate(now):
            continue
        if district and (t.district_id != district or t.dispatched_at is None):
            continue
        area = (t.street.name if t.street_id else None) if district else t.district.name
        row = areas.setdefault(area, figures())
        for figure, counts in (("intake", True), ("open", t.status in OPEN_STATUSES),
                               ("overdue", is_overdue(t.due_at, t.completed_at, now)),
                               ("done", t.status in selectors.DONE_STATUSES)):
            totals[figure] += counts
            row[figure] += counts
        if t.repeat_of_id is None:
            leaves[t.catalog_item.name] = leaves.get(t.catalog_item.name, 0) + 1
    return totals, {k: v for k, v in areas.items() if k}, leaves


def shown(data):
    return (data["totals"], {a["name"]: {f: a[f] for f in figures()} for a in data["areas"] if a["intake"]},
            {p["item"]: p["count"] for p in data["top_problems"]})


def recount_tallies():
    """The day tallies counted from the orders with the ORM (Beijing days), as the triggers should have kept them."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncDate

    days = Ticket.objects.annotate(day=TruncDate("received_at"))
    dispatched = Count("id", filter=Q(dispatched_at__isnull=False))
    streets = {(r["day"], r["district_id"], r["street_id"] or 0, r["status"]): (r["n"], r["nd"]) for r in
               days.values("day", "district_id", "street_id", "status").annotate(n=Count("id"), nd=dispatched)}
    leaves = {}
    for r in days.filter(repeat_of__isnull=True).values("day", "district_id", "catalog_item_id").annotate(
            n=Count("id"), nd=dispatched):
        for district in (r["district_id"], 0):
            key = (r["day"], district, r["catalog_item_id"])
            leaves[key] = tuple(a + b for a, b in zip(leaves.get(key, (0, 0)), (r["n"], r["nd"]), strict=True))
    return streets, leaves


def kept_tallies():
    from bigscreen.models import LeafTally, StreetTally

    streets = {(r.day, r.district_id, r.street_id, r.status): (r.n, r.n_dispatched)
               for r in StreetTally.objects.all() if r.n or r.n_dispatched}
    leaves = {(r.day, r.district_id, r.catalog_item_id): (r.n, r.n_dispatched)
              for r in LeafTally.objects.all() if r.n or r.n_dispatched}
    return streets, leaves


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the day tallies are PostgreSQL's")


def test_the_figures_follow_every_kind_of_write(demo_users, directory, catalog, today_orders, noon):
    """Services, a queryset update that moves orders to another street and leaf, a repeat, a deletion: the tallies
    (PostgreSQL) equal a recount, and the screen's figures equal the figures counted order by order."""
    haidian = directory[HAIDIAN_STREET]
    moved = today_orders["wangjing"][2]
    Ticket.objects.filter(pk=moved.pk).update(district=haidian.parent, street=haidian,
                                              catalog_item=catalog["heating"])
    repeat = take_call(demo_users, directory, catalog["sanitation"], now=noon - dt.timedelta(minutes=20),
                       then=intake.DISPATCH)
    Ticket.objects.filter(pk=repeat.pk).update(repeat_of=today_orders["haidian"][0])
    late = take_call(demo_users, directory, catalog["sanitation"], now=noon - dt.timedelta(hours=7),
                     then=intake.DISPATCH)
    walk_to_completed(demo_users, late, now=noon - dt.timedelta(hours=7))
    Ticket.objects.filter(pk=late.pk).update(due_at=noon - dt.timedelta(hours=4))  # done 1 h after its limit
    Ticket.objects.filter(pk=today_orders["haidian"][1].pk).delete()
    if connection.vendor == "postgresql":
        assert kept_tallies() == recount_tallies()
    for district in (None, directory["110105026"].parent_id, haidian.parent_id):
        assert shown(selectors.compute(district, noon)) == expected_figures(noon, district)
    totals, _, _ = expected_figures(noon)
    assert totals == figures(intake=7, open=4, overdue=2, done=3)  # the figures above are not all zeros


@postgres_only
def test_generated_orders_are_tallied(db, demo_users, directory, catalog, noon):
    """The generator writes without triggers and recounts the days it wrote."""
    from demodata.generator import generate

    generate(400, f"{noon:%Y-%m}", seed=5, now=noon)
    assert kept_tallies() == recount_tallies()
    assert shown(selectors.compute(None, noon)) == expected_figures(noon)
