"""Leader pages, export, API and the seven-day early warning."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment.monthly.hotspots import detect_rises
from assessment.monthly.month_close import close_month
from hotline.models import Ticket

from .assessment_helpers import BJ, OCT, make_order
from .page_helpers import login


@pytest.fixture
def closed(demo_users, directory, catalog):
    users, item = demo_users, catalog["sanitation"]
    for code in ("110105026", "110105001", "110101001"):  # two Chaoyang streets, one in Dongcheng
        make_order(users, directory[code], item)
        make_order(users, directory[code], item, in_time=False, resolved=False, satisfaction="unsatisfied")
    make_order(users, directory["D002"], item, street=directory["110105026"])
    close_month(OCT, freeze=True)
    return users


def test_ranking_page_lists_streets_with_rates_and_a_fixed_number_of_queries(client, closed,
                                                                             django_assert_num_queries):
    login(client, closed["leader"])
    # session, user, months, districts, rows, call-outs, the header's unit and its unread-notification count
    with django_assert_num_queries(8):
        response = client.get(reverse("assessment:rankings"), {"month": "2026-10", "group": "street"})
    body = response.content.decode()
    assert response.status_code == 200 and "望京街道" in body and "东华门街道" in body and "点名" in body


def test_district_supervisor_sees_only_their_district(client, closed):
    login(client, closed["chaoyang"])
    body = client.get(reverse("assessment:rankings"), {"group": "street"}).content.decode()
    assert "望京街道" in body and "东华门街道" not in body
    assert client.get(reverse("assessment:rankings"), {"group": "department"}).status_code == 403
    assert client.get(reverse("assessment:unit", args=["110101001"])).status_code == 404


def test_handlers_may_not_view_rankings(client, closed):
    login(client, closed["wangjing"])
    assert client.get(reverse("assessment:rankings")).status_code == 403


def test_drill_down_shows_the_orders_behind_a_rate(client, closed):
    login(client, closed["leader"])
    url = reverse("assessment:unit", args=["110105026"])
    late = client.get(url, {"month": "2026-10", "measure": "late"}).context["orders"]
    assert len(late) == 1 and late[0].contacted_at > late[0].contact_due_at
    everything = client.get(url, {"month": "2026-10"})
    assert len(everything.context["orders"]) == 2 and 'data-chart="trend-chart"' in everything.content.decode()


def test_excel_export_has_every_ranked_row(client, closed):
    login(client, closed["leader"])
    response = client.get(reverse("assessment:export"), {"month": "2026-10", "group": "street"})
    sheet = load_workbook(BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == ["东华门街道", "建外街道", "望京街道"]
    from assessment.monthly.exports import HEADERS

    assert "接诉即办考核排名" in sheet["A1"].value and sheet["A1"].font.bold
    assert [cell.value for cell in sheet[2]] == HEADERS
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert all(row[0] >= 1 and isinstance(row[8], (int, float)) for row in rows)  # rank, score: numbers


def test_api_ranking_is_scoped_by_role(client, closed):
    login(client, closed["chaoyang"])
    data = client.get("/api/assessment/rankings/", {"month": "2026-10", "group": "street"}).json()
    assert {row["unit_code"] for row in data["results"]} == {"110105026", "110105001"}
    assert data["callouts"] == []
    login(client, closed["leader"])
    data = client.get("/api/assessment/rankings/", {"group": "department"}).json()
    assert [row["unit_code"] for row in data["results"]] == ["D002"] and data["results"][0]["score"] == "100.00"
    assert client.get("/api/assessment/rankings/", {"month": "10-2026"}).status_code == 400


def test_seven_day_warning_flags_a_sudden_rise_in_one_street(demo_users, directory, catalog):
    users, item, street = demo_users, catalog["sanitation"], directory["110105026"]
    day = dt.date(2026, 10, 31)
    base = {"channel": "phone", "caller_phone": "13800000000", "address": "x", "district": street.parent,
            "street": street, "content": "垃圾", "request_type": "complaint", "tier": "7d",
            "received_by": users["agent"]}
    times = [dt.datetime(2026, 10, 30, 9, tzinfo=BJ)] * 8 + [dt.datetime(2026, 10, 10, 9, tzinfo=BJ)] * 4
    Ticket.objects.bulk_create(Ticket(catalog_item=item, received_at=t, **base) for t in times)
    quiet = directory["110105001"]
    Ticket.objects.bulk_create(Ticket(catalog_item=item, received_at=t, **{**base, "street": quiet})
                               for t in [dt.datetime(2026, 10, 29, 9, tzinfo=BJ)] * 5
                               + [dt.datetime(2026, 10, d, 9, tzinfo=BJ) for d in range(1, 21)])
    alerts = detect_rises(day)
    assert [(a.street_id, a.last7, str(a.ratio)) for a in alerts] == [(street.pk, 8, "8.00")]


def test_a_refused_appeal_form_keeps_what_was_typed_and_names_the_field(client, demo_users, directory, catalog):
    from .assessment_helpers import at

    order = make_order(demo_users, directory["110105026"], catalog["sanitation"], due=at(20), completed=False,
                       called_back=False)
    login(client, demo_users["wangjing"])
    typed = {"ticket": order.number, "month": "2026-11", "reason": "诉求人长期联系不上，无法入户处置"}
    response = client.post(reverse("assessment:file_appeal"), typed)
    body = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors == {"month": ["该工单逾期，计入办结时限所在的2026年10月考核"]}
    assert "诉求人长期联系不上，无法入户处置" in body  # nothing typed is lost
    response = client.post(reverse("assessment:file_appeal"), {**typed, "month": ""})
    assert response.status_code == 302 and order.appeals.get().month == OCT


def test_the_appeal_list_takes_the_lists_filters_and_search_box(client, demo_users, directory, catalog,
                                                               django_assert_num_queries):
    from assessment.monthly import appeals

    from .assessment_helpers import at

    orders = [make_order(demo_users, directory["110105026"], leaf, due=at(20), completed=False, called_back=False)
              for leaf in (catalog["sanitation"], catalog["sanitation"])]
    for order in orders:
        appeals.file_appeal(demo_users["wangjing"], order.pk, reason="诉求人长期联系不上", month=None)
    login(client, demo_users["dispatcher"])
    client.get(reverse("assessment:appeals"))
    with django_assert_num_queries(9):  # the appeals and their total, the filter bar (3), session, user, menu
        everything = client.get(reverse("assessment:appeals"))
    assert "共 2 条" in everything.content.decode() and len(everything.context["appeals"]) == 2
    one = client.get(reverse("assessment:appeals"), {"q": orders[0].number})
    assert [a.ticket_id for a in one.context["appeals"]] == [orders[0].pk]
    none = client.get(reverse("assessment:appeals"), {"status": "closed"}).content.decode()
    assert "没有符合条件的申诉" in none
