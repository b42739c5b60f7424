"""The run command's demo data: two published months, this month so far, and work waiting at 望京街道."""

import datetime as dt

from django.core.management import call_command

from assessment.models import HotspotAlert, MonthClose, Scorecard
from demodata.generator import street_weights_of
from demodata.tickets import seed_demo_tickets
from dispatch.choices import UnitKind
from dispatch.models import Unit
from hotline.choices import Status
from hotline.models import Ticket

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


def test_demo_tickets_fill_two_months_once_and_leave_work_at_wangjing(demo_users):
    call_command("load_catalog", verbosity=0)
    written = seed_demo_tickets(90, now=NOW)
    assert written == 2 * 90 + 30 + 5 + 4 * 7 and Ticket.objects.count() == written
    rising = {(a.street.code, a.catalog_item.code) for a in HotspotAlert.objects.select_related("street",
                                                                                              "catalog_item")}
    assert {("110108001", "0405001"), ("110114001", "0112001")} <= rising  # the demo's 七天一预警
    september, october = MonthClose.objects.order_by("month")
    assert (september.month, october.month) == (dt.date(2026, 9, 1), dt.date(2026, 10, 1))
    assert september.is_frozen and october.is_frozen
    compared = Scorecard.objects.filter(month=october.month, prev_score__isnull=False)  # 环比 and a trend to show
    assert compared.exists()
    for card in compared[:5]:
        assert card.prev_score == Scorecard.objects.get(month=september.month, unit=card.unit_id).score
    wangjing = Ticket.objects.filter(street__code="110105026", caller_phone__startswith="1391000")
    assert sorted(wangjing.values_list("status", flat=True)) == sorted(
        [Status.DISPATCHED] * 3 + [Status.SIGNED, Status.IN_PROGRESS])
    heating = wangjing.get(catalog_item__code="0112001")
    assert heating.lead_unit.code == "E002"  # the heating company, by the catalog
    assert [e.action for e in heating.events.order_by("created_at", "id")] == ["intake", "dispatch"]
    assert seed_demo_tickets(90, now=NOW) == 0  # a database with tickets is left alone


def test_streets_get_orders_by_population_like_weights(directory):
    streets = list(Unit.objects.filter(kind=UnitKind.STREET, is_active=True).order_by("code"))
    weights = street_weights_of(streets)
    assert weights == street_weights_of(streets)  # a street is as big every month
    by_district = {}
    for street, weight in zip(streets, weights, strict=True):
        by_district.setdefault(street.parent.name, []).append(weight)
    share = {name: sum(w) / sum(weights) for name, w in by_district.items()}
    assert share["朝阳区"] > 4 * share["延庆区"]  # 345万 residents against 35万
    assert max(by_district["朝阳区"]) > 2 * min(by_district["朝阳区"])  # and streets differ within a district
    assert min(weights) > 0.5 * sum(weights) / len(weights)  # no street left with a handful (STREET_FLOOR)
