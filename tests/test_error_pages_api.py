"""Under /api/ every error is the one JSON shape of config/openapi.py's Error component, in Chinese: an unknown
address, a missing record, DRF's own refusals and Django's error handlers alike."""

import json
import re

import pytest
from django.http import Http404
from django.test import Client, RequestFactory

from config.api_errors import exception_handler, is_api_request
from core.error_views import page_not_found, permission_denied, server_error

from .api_helpers import client_for

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def error(response, status):
    """The body of a JSON error response, checked for the shared shape: detail (Chinese) and code, nothing else
    but field errors."""
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)  # handler responses are not the test client's: no .json()
    assert set(body) - {"errors"} == {"detail", "code"}, body
    assert CHINESE.search(body["detail"]), body
    assert CHINESE.search(response.content.decode()), "Chinese is written as is, not as \\u escapes"
    return body


def test_an_unknown_address_a_missing_record_and_the_404_handler_answer_alike(users):
    api = client_for(users["agent"])
    unknown = error(api.get("/api/no-such-endpoint/"), 404)
    missing = error(api.get("/api/tickets/999999999/"), 404)
    missing_whistle = error(api.post("/api/whistles/999999999/report-in/", {}, format="json"), 404)
    handler = error(page_not_found(RequestFactory().get("/api/tickets/1/")), 404)
    assert unknown == {"detail": "接口不存在", "code": "not_found"}
    assert missing == {"detail": "工单不存在或不在您的权限范围内", "code": "not_found"}
    assert missing_whistle == handler == {"detail": "记录不存在或不在您的权限范围内", "code": "not_found"}


def test_get_object_or_404s_english_message_becomes_the_chinese_one():
    response = exception_handler(Http404("No Ticket matches the given query."), {})
    assert response.status_code == 404
    assert response.data == {"detail": "记录不存在或不在您的权限范围内", "code": "not_found"}


def test_drfs_own_refusals_carry_a_code_and_a_chinese_detail(users):
    api = client_for(users["agent"])
    assert error(client_for(None).get("/api/tickets/"), 403)["code"] == "not_authenticated"
    assert error(api.put("/api/tickets/", {}, format="json"), 405)["code"] == "method_not_allowed"
    garbled = error(api.generic("POST", "/api/tickets/", "{not json", content_type="application/json"), 400)
    assert garbled == {"detail": "请求体无法解析：须为有效的 JSON", "code": "parse_error"}
    invalid = error(api.post("/api/tickets/", {}, format="json"), 400)
    assert invalid["detail"] == "输入有误" and invalid["code"] == "invalid" and "content" in invalid["errors"]


def test_the_other_handlers_answer_the_api_in_the_same_shape_and_pages_in_html(django_assert_num_queries):
    factory = RequestFactory()
    assert error(permission_denied(factory.get("/api/tickets/")), 403)["code"] == "forbidden"
    with django_assert_num_queries(0):  # as the 500 page, it comes up when the database is what failed
        failed = server_error(factory.get("/api/tickets/"))
    assert error(failed, 500)["code"] == "server_error"
    csrf = error(Client(enforce_csrf_checks=True).post("/api/no-such-endpoint/"), 404)  # not a CSRF failure
    assert csrf["code"] == "not_found"
    page = page_not_found(factory.get("/apiary/"))
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("path", "api"), [
    ("/api/tickets/", True), ("/api/", True), ("/apiary/", False), ("/tickets/", False), ("/admin/api/", False),
])
def test_an_api_request_is_one_under_api(path, api):
    assert is_api_request(RequestFactory().get(path)) is api
