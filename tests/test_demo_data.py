"""The run command's demo data: a published last month, this month so far, and work waiting at 望京街道."""

import datetime as dt

from django.core.management import call_command

from assessment.models import MonthClose, Scorecard
from demodata.tickets import seed_demo_tickets
from hotline.choices import Status
from hotline.models import Ticket

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


def test_demo_tickets_fill_two_months_once_and_leave_work_at_wangjing(demo_users):
    call_command("load_catalog", verbosity=0)
    written = seed_demo_tickets(90, now=NOW)
    assert written == 90 + 30 + 5 and Ticket.objects.count() == written
    october = MonthClose.objects.get(month=dt.date(2026, 10, 1))
    assert october.is_frozen and Scorecard.objects.filter(month=october.month).exists()
    wangjing = Ticket.objects.filter(street__code="110105026", caller_phone__startswith="1391000")
    assert sorted(wangjing.values_list("status", flat=True)) == sorted(
        [Status.DISPATCHED] * 3 + [Status.SIGNED, Status.IN_PROGRESS])
    heating = wangjing.get(catalog_item__code="0112001")
    assert heating.lead_unit.code == "E002"  # the heating company, by the catalog
    assert [e.action for e in heating.events.order_by("created_at", "id")] == ["intake", "dispatch"]
    assert seed_demo_tickets(90, now=NOW) == 0  # a database with tickets is left alone
