"""不合理诉求审核 from the ticket page: review, errors beside their fields, who may."""


import pytest
from django.urls import reverse

from assessment.models import Exclusion, MonthClose

from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db


# --- 不合理诉求审核 ---------------------------------------------------------------------------------------------


def test_dispatcher_reviews_an_unreasonable_request_from_the_ticket_page(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    login(client, users["dispatcher"])
    page = client.get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    link = f'/rankings/reviews/?ticket={ticket.number}'
    assert f'href="{link}"' in page
    form = client.get(link).content.decode()
    assert f'value="{ticket.number}"' in form and "不合理诉求审核" in form
    response = client.post("/rankings/reviews/", {"ticket": ticket.number, "verdict": "unreasonable",
                                                  "reason": "诉求人反复要求拆除合法建筑"}, follow=True)
    html = response.content.decode()
    assert f"工单 {ticket.number}：认定为不合理诉求，不计入考核" in html and "诉求人反复要求拆除合法建筑" in html
    assert Exclusion.objects.filter(ticket=ticket, unit__isnull=True).exists()
    timeline = client.get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    assert "认定为不合理诉求" in timeline


def test_review_errors_land_next_to_their_fields(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    login(client, users["admin"])
    response = client.post("/rankings/reviews/", {"ticket": ticket.number, "verdict": "unreasonable", "reason": " "})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_reason_error"' in html and "审核意见不能为空" in html
    response = client.post("/rankings/reviews/", {"ticket": "20261122-999999", "verdict": "reasonable",
                                                  "reason": "复核"})
    html = response.content.decode()
    assert response.status_code == 404 and 'id="id_ticket_error"' in html and "工单不存在" in html
    response = client.post("/rankings/reviews/", {"ticket": "abc", "reason": "复核"})
    html = response.content.decode()
    assert response.status_code == 400 and "请选择审核结论" in html
    response = client.post("/rankings/reviews/", {"ticket": "abc", "verdict": "reasonable", "reason": "复核"})
    assert response.status_code == 400 and "工单编号格式不正确" in response.content.decode()
    assert not Exclusion.objects.exists()


def test_review_and_month_close_are_for_the_center_only(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    for username in ("wangjing", "leader", "chaoyang"):
        login(client, users[username])
        assert client.get("/rankings/reviews/").status_code == 403
        assert client.get("/rankings/close/").status_code == 403
        assert client.post("/rankings/close/", {"month": "2026-01", "confirm": "1"}).status_code == 403
        page = client.get(reverse("hotline:ticket", args=[ticket.pk]))
        assert "/rankings/reviews/" not in page.content.decode()
    assert not MonthClose.objects.exists()
    dispatcher_menu = login(client, users["dispatcher"]).get("/center/queue/").content.decode()
    assert 'href="/rankings/reviews/"' in dispatcher_menu and 'href="/rankings/close/"' in dispatcher_menu
    assert 'href="/rankings/appeals/"' in dispatcher_menu
    street_menu = login(client, users["wangjing"]).get("/work/").content.decode()
    assert 'href="/rankings/appeals/"' in street_menu and 'href="/rankings/close/"' not in street_menu
    appeals = client.get("/rankings/appeals/").content.decode()
    assert "提交考核申诉" in appeals and 'href="/rankings/"' not in appeals  # no link to a page they may not open
