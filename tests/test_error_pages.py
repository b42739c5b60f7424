"""Error pages with DEBUG off (pytest-django's default, as in production): Chinese, in the site's layout (the
API's JSON errors: tests/test_error_pages_api.py)."""

import pytest
from django.test import Client, RequestFactory

from core.error_views import server_error

from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db

LAYOUT = 'class="brand"'  # the site's top bar


def test_an_order_outside_ones_scope_gives_the_chinese_404_in_layout_without_the_url_list(
        client, users, directory, catalog, now, settings):
    assert settings.DEBUG is False
    ticket = street_order(users, directory, catalog, now)
    login(client, users["heating"])  # 热力集团 has no part in a street's sanitation order
    response = client.get(f"/tickets/{ticket.pk}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "未找到" in html and "不在您的权限范围内" in html and LAYOUT in html and "热力集团客服小孙" in html
    assert "URLconf" not in html and "Page not found" not in html and "admin/" not in html


def test_an_unknown_address_gives_the_chinese_404(client, users):
    login(client, users["wangjing"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_a_form_posted_without_its_csrf_token_gives_the_chinese_403_page(users):
    client = Client(enforce_csrf_checks=True)
    login(client, users["agent"])
    response = client.post("/intake/", {"caller_phone": "13800138000"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in html and LAYOUT in html and "CSRF verification failed" not in html


def test_the_500_page_is_chinese_in_layout_and_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/work/")
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500 and "系统错误" in html and LAYOUT in html and "Server Error" not in html
