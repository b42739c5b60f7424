"""The month-close page: confirmation, errors, query count."""


import pytest

from assessment.models import MonthClose
from assessment.monthly.month_close import close_month
from assessment.monthly.months import current_month, previous_month

from .page_helpers import login

pytestmark = pytest.mark.django_db


# --- month close -------------------------------------------------------------------------------------------------


def test_month_close_asks_for_confirmation_then_computes(client, users, directory, catalog):
    login(client, users["admin"])
    last = previous_month(current_month())
    form = client.get("/rankings/close/").content.decode()
    assert f'value="{last:%Y-%m}"' in form
    response = client.post("/rankings/close/", {"month": f"{last:%Y-%m}", "freeze": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and f"确认发布并冻结{last.year}年{last.month}月考核" in html
    assert not MonthClose.objects.exists()
    response = client.post("/rankings/close/", {"month": f"{last:%Y-%m}", "freeze": "on", "confirm": "1"},
                           follow=True)
    assert response.redirect_chain[-1][0] == f"/rankings/?month={last:%Y-%m}"
    assert f"{last.year}年{last.month}月考核已发布（冻结）" in response.content.decode()
    assert MonthClose.objects.get(month=last).is_frozen
    response = client.post("/rankings/close/", {"month": f"{last:%Y-%m}", "confirm": "1"}, follow=True)
    assert "已发布冻结，成绩未重新计算" in response.content.decode()


def test_month_close_errors_land_next_to_the_month(client, users):
    login(client, users["dispatcher"])
    this = current_month()
    response = client.post("/rankings/close/", {"month": f"{this:%Y-%m}", "freeze": "on", "confirm": "1"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_month_error"' in html and "尚未结束，不能发布" in html
    response = client.post("/rankings/close/", {"month": "2026-13", "confirm": "1"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_month_error"' in html and "考核月格式应为 YYYY-MM" in html
    response = client.post("/rankings/close/", {"month": "", "confirm": "1"})
    assert response.status_code == 400 and "请选择考核月" in response.content.decode()
    assert not MonthClose.objects.exists()


def test_month_close_page_query_count(client, users, django_assert_num_queries):
    close_month(previous_month(current_month()))
    close_month(previous_month(previous_month(current_month())))
    login(client, users["dispatcher"])
    with django_assert_num_queries(5):  # session, user, the months, the header's count, unit
        response = client.get("/rankings/close/")
    assert response.content.decode().count("查看排名") == 2
