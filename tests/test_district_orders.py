"""District supervisors: the district's orders (street-led, and department- or enterprise-led at addresses in the
district) in one scope for the list, search, the ticket page and the API; 本区工单 with the lists' filters and 督办
from a row."""

import datetime as dt

import pytest
from django.urls import reverse

from assessment.clock.selectors import unread_notifications
from hotline import selectors
from hotline.services import intake

from .api_helpers import client_for
from .clock_helpers import drop_work_notices, events
from .lifecycle_helpers import take_call, walk_to_completed
from .page_helpers import heating_order, login, street_order

pytestmark = pytest.mark.django_db

LIST = "/district/tickets/"
HAIDIAN_WANSHOULU, DONGHUAMEN = "110108001", "110101001"


def numbers(response):
    return {t.number for t in response.context["tickets"]}


@pytest.fixture
def district(users, directory, catalog, now):
    """朝阳's orders and others': a 望京 street order, 热力集团's orders at a 朝阳 and at a 海淀 address, one at
    朝阳 not yet dispatched, and a street order of 东城."""
    orders = {
        "street": street_order(users, directory, catalog, now - dt.timedelta(hours=2), content="楼下垃圾堆放多日"),
        "heating": heating_order(users, directory, catalog, now - dt.timedelta(hours=1)),
        "haidian": heating_order(users, directory, catalog, now, street=HAIDIAN_WANSHOULU),
        "received": take_call(users, directory, catalog["heating"], content="暖气漏水", now=now),
        "dongcheng": take_call(users, directory, catalog["sanitation"], street=DONGHUAMEN, content="垃圾满溢",
                               now=now, then=intake.DISPATCH),
    }
    drop_work_notices()
    return orders


def test_the_supervisor_sees_the_districts_orders_whoever_leads_them_and_nothing_else(client, users, district):
    chaoyang = users["chaoyang"]
    mine = {district["street"].pk, district["heating"].pk}
    assert set(selectors.visible_tickets(chaoyang).values_list("pk", flat=True)) == mine
    assert set(selectors.visible_tickets(chaoyang, tested_per_order=True).values_list("pk", flat=True)) == mine
    login(client, chaoyang)
    assert client.get(reverse("hotline:ticket", args=[district["heating"].pk])).status_code == 200
    for other in ("haidian", "received", "dongcheng"):  # another district's, or still the center's
        assert client.get(reverse("hotline:ticket", args=[district[other].pk])).status_code == 404
    api = client_for(chaoyang)
    assert {row["id"] for row in api.get("/api/tickets/").json()["results"]} == mine
    assert api.get(f"/api/tickets/{district['heating'].pk}/").status_code == 200
    assert api.get(f"/api/tickets/{district['haidian'].pk}/").status_code == 404
    found = client.get("/tickets/", {"q": "暖气"})  # search: the enterprise's 朝阳 order, not its 海淀 one
    assert numbers(found) == {district["heating"].number}
    # no leak the other way: the enterprise and the street still see only their own orders
    assert set(selectors.visible_tickets(users["heating"]).values_list("pk", flat=True)) == {
        district["heating"].pk, district["haidian"].pk}
    assert set(selectors.visible_tickets(users["wangjing"]).values_list("pk", flat=True)) == {district["street"].pk}


def test_the_supervisor_sees_the_caller_masked_and_the_address_masked(client, users, district):
    login(client, users["chaoyang"])
    page = client.get(reverse("hotline:ticket", args=[district["heating"].pk])).content.decode()
    assert "13812341234" not in page and "花家地小区3号楼" not in page
    assert "查看完整号码" not in page


def test_the_district_list_has_the_districts_orders_and_the_lists_filters(client, users, district):
    login(client, users["chaoyang"])
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200 and numbers(response) == {district["street"].number, district["heating"].number}
    assert 'href="/district/tickets/" class="active" aria-current="page">本区工单' in html
    assert 'href="/center/deadlines/">本区临期与超期督办' in html and "共 2 条" in html
    assert numbers(client.get(LIST, {"catalog": "0101"})) == {district["heating"].number}
    assert numbers(client.get(LIST, {"unit": "热力"})) == {district["heating"].number}
    assert numbers(client.get(LIST, {"q": "垃圾"})) == {district["street"].number}
    assert numbers(client.get(LIST, {"status": "dispatched", "tier": "24h"})) == {district["heating"].number}
    sorted_by_number = client.get(LIST, {"sort": "number"})
    assert [t.number for t in sorted_by_number.context["tickets"]] == [
        district["street"].number, district["heating"].number]
    bad = client.get(LIST, {"due_from": "明天"})
    assert bad.status_code == 200 and "请输入日期" in bad.content.decode() and len(numbers(bad)) == 2


@pytest.mark.parametrize("username", ["wangjing", "heating", "dispatcher", "agent", "leader"])
def test_the_district_list_is_the_supervisors_page(client, users, username):
    assert login(client, users[username]).get(LIST).status_code == 403
    assert "本区工单" not in client.get("/").content.decode()


def test_the_supervisor_urges_from_a_row_and_comes_back_to_the_filtered_list(client, users, district):
    login(client, users["chaoyang"])
    filtered = f"{LIST}?catalog=0101"
    html = client.get(filtered).content.decode()
    assert html.count(">督办</button>") == 1 and f'aria-label="督办 {district["heating"].number}"' in html
    response = client.post(reverse("hotline:ticket_action", args=[district["heating"].pk, "urge"]),
                           {"note": "居民家中室温过低，请今日内上门", "next": filtered})
    assert response.status_code == 302 and response["Location"] == filtered
    assert "已督办" in client.get(filtered).content.decode()
    [event] = events(district["heating"], "urge")
    assert (event.actor, event.note) == (users["chaoyang"], "居民家中室温过低，请今日内上门")
    assert [n.ticket_id for n in unread_notifications(users["heating"])] == [district["heating"].pk]
    empty = client.post(reverse("hotline:ticket_action", args=[district["street"].pk, "urge"]),
                        {"note": " ", "next": LIST})
    assert empty.status_code == 400 and "督办意见不能为空" in empty.content.decode()
    assert not events(district["street"], "urge")


def test_each_rows_urge_form_has_its_own_field_ids(client, users, district):
    """The rows' 督办 forms are one form rendered once and given each row's ids: every label still names its own
    row's textarea, and no id repeats on the page."""
    import re

    html = login(client, users["chaoyang"]).get(LIST).content.decode()
    for order in (district["street"], district["heating"]):
        form = html.split(f'aria-label="督办 {order.number}"', 1)[1].split("</form>", 1)[0]
        assert f'<label for="id_urge{order.pk}_note">督办意见</label>' in form
        assert re.search(rf'<textarea name="note"[^>]* id="id_urge{order.pk}_note"', form)
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_a_completed_order_in_the_list_offers_no_urge(client, users, district, now):
    walk_to_completed(users, district["street"], now=now - dt.timedelta(hours=2))
    html = login(client, users["chaoyang"]).get(LIST).content.decode()
    assert html.count(">督办</button>") == 1  # the heating order only
    assert f'aria-label="督办 {district["street"].number}"' not in html


@pytest.mark.parametrize("extra", [0, 4])
def test_the_district_list_query_count_does_not_grow(client, users, directory, catalog, now, district, extra,
                                                     django_assert_num_queries):
    for i in range(extra):
        heating_order(users, directory, catalog, now - dt.timedelta(minutes=i))
        street_order(users, directory, catalog, now, content=f"垃圾{i}")
    login(client, users["chaoyang"])
    # session, user, unit, the district's streets, the list, its orders at the district's addresses counted (under
    # the cap here) and then its total, the header's unread count; the filter bar's districts and first-level
    # catalog, the user's saved filters
    with django_assert_num_queries(11):
        response = client.get(LIST)
    assert len(response.context["tickets"]) == 2 + 2 * extra
