"""工单打印 (issue 15 item 4): /tickets/<id>/print/ shows the order on one sheet, as the user may see it."""

import datetime as dt

import pytest
from django.utils import timezone

from hotline import print_sheet
from hotline.models import CallerReveal, TicketEvent

from .lifecycle_helpers import T0, handling, walk_to_completed
from .page_helpers import login, whistled_order
from .test_caller_privacy import ADDRESS, CHENGGUAN, PHONE, call, handed_to_andingmen

pytestmark = pytest.mark.django_db


def printed(client, user, ticket):
    response = login(client, user).get(f"/tickets/{ticket.pk}/print/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_sheet_holds_number_tier_caller_content_address_units_timeline_and_signatures(
        client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    walk_to_completed(users, ticket, now=T0)
    html = printed(client, users["wangjing"], ticket)
    assert ticket.number in html and "7天响应" in html
    assert "张**" in html and "137******87" in html and PHONE not in html and "张先生" not in html
    assert "楼下垃圾无人清理，回电137******87" in html  # the number in the content masked too
    assert ADDRESS in html  # the lead unit sees the full address, as on its ticket page
    assert "望京街道" in html and "已清理完毕并回复诉求人" in html  # 承办单位 and the result
    for step in ("受理", "派单", "签收", "联系诉求人", "办结"):
        assert f">{step}<" in html, step
    assert "承办人签字" in html and "审核人签字" in html and html.count("日期：") == 2


def test_the_sheet_lists_every_deadline_with_its_due_time(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    handling.sign(users["wangjing"], ticket.pk, now=T0 + dt.timedelta(minutes=10))
    html = printed(client, users["dispatcher"], ticket)
    for label in ("派单时限（一般）", "签收时限", "联系诉求人时限（7天级）", "办结时限（7天级）"):
        assert label in html, label
    ticket.refresh_from_db()
    assert f"{timezone.localtime(ticket.due_at):%Y-%m-%d %H:%M}" in html
    assert "已停止于 11-16 17:10" in html  # the sign clock, met by the signature (17:10 Beijing time)
    assert "计时中" in html


def test_a_whistled_departments_limits_are_on_the_sheet(client, users, directory, catalog):
    ticket = whistled_order(users, directory, catalog, T0)
    html = printed(client, users["chengguan"], ticket)
    deadlines = html.split("<h2>时限</h2>")[1].split("</table>")[0]
    assert "吹哨报到时限</td><td>北京市城市管理综合行政执法局" in deadlines
    assert "吹哨办结时限</td><td>北京市城市管理综合行政执法局" in deadlines


@pytest.mark.parametrize("name", ["leader", "admin", "chaoyang", "chengguan", "dispatcher", "callback"])
def test_no_role_gets_the_full_number_or_name_on_paper(client, users, directory, catalog, name):
    ticket = call(users, directory, catalog, assist=[CHENGGUAN])
    html = printed(client, users[name], ticket)
    assert PHONE not in html and "张先生" not in html and "137******87" in html and "张**" in html


def test_the_address_is_masked_for_whom_the_ticket_page_masks_it(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    html = printed(client, users["leader"], ticket)
    assert ADDRESS not in html and "望京街道花家地****" in html
    assert "望京街道花家地****" in login(client, users["leader"]).get(f"/tickets/{ticket.pk}/").content.decode()


def test_a_former_lead_prints_only_its_own_records(client, users, directory, catalog):
    ticket, _ = handed_to_andingmen(users, directory, catalog)
    html = printed(client, users["wangjing"], ticket)
    assert "住3号楼502" not in html and "本单位的承办任务已于" in html
    assert "安定门" not in html.split("<h2>时限</h2>")[1].split("</table>")[0]  # not the later unit's clocks


@pytest.mark.parametrize("name", ["heating", "chengguan", "auditor"])
def test_a_unit_without_access_gets_the_same_404_as_on_the_ticket_page(client, users, directory, catalog, name):
    ticket = call(users, directory, catalog)
    login(client, users[name])
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404
    assert client.get(f"/tickets/{ticket.pk}/print/").status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    response = client.get(f"/tickets/{ticket.pk}/print/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_ticket_page_offers_the_print_button_and_the_sheet_has_no_menu_or_forms(
        client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    page = login(client, users["wangjing"]).get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'href="/tickets/{ticket.pk}/print/">打印</a>' in page
    html = printed(client, users["wangjing"], ticket)
    assert "<form" not in html and "主菜单" not in html and 'id="print-button"' in html
    assert "js/print.js" in html and "<script>" not in html  # the button's script is a file (CSP)


def test_a_long_timeline_prints_its_latest_events_with_a_note(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    TicketEvent.objects.bulk_create([
        TicketEvent(ticket=ticket, action="urge", actor=users["dispatcher"], note=f"第{i}次督办",
                    created_at=T0 + dt.timedelta(hours=i)) for i in range(1, 31)])
    total = ticket.events.count()
    html = printed(client, users["dispatcher"], ticket)
    assert f"共 {total} 条，仅打印最近 {print_sheet.PRINT_EVENTS} 条" in html
    oldest = 30 - print_sheet.PRINT_EVENTS + 1
    assert "第30次督办" in html and f"第{oldest}次督办" in html and f"第{oldest - 1}次督办" not in html


def test_a_short_timeline_prints_whole_without_the_note(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    assert "仅打印最近" not in printed(client, users["wangjing"], ticket)


def test_printing_records_nothing_and_changes_nothing(client, users, directory, catalog):
    ticket = call(users, directory, catalog)
    before = list(ticket.events.values_list("pk", flat=True))
    printed(client, users["wangjing"], ticket)
    assert list(ticket.events.values_list("pk", flat=True)) == before
    assert not CallerReveal.objects.filter(ticket=ticket).exists()


def test_the_print_page_query_count_does_not_grow_with_the_timeline(client, users, directory, catalog,
                                                                    django_assert_num_queries):
    ticket = call(users, directory, catalog)
    walk_to_completed(users, ticket, now=T0)
    login(client, users["wangjing"])
    # session, user, ticket, its units, events, clocks, the address rule, the leaf's two parent levels
    with django_assert_num_queries(9):
        client.get(f"/tickets/{ticket.pk}/print/")
    TicketEvent.objects.bulk_create([TicketEvent(ticket=ticket, action="urge", actor=users["dispatcher"],
                                                 created_at=T0 + dt.timedelta(hours=i)) for i in range(20)])
    with django_assert_num_queries(9):
        client.get(f"/tickets/{ticket.pk}/print/")
