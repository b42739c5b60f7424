"""API and search throttles with the real default rates (tests/settings.py raises them for every other test):
a burst beyond a scope's rate gets a Chinese 429 with Retry-After, per user; intake admits 200 tickets/s."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

import config.settings as production
from hotline.models import Ticket

from .api_helpers import client_for, intake_body

pytestmark = pytest.mark.django_db
RATES = production.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
MID_WINDOW = dt.datetime(2030, 1, 7, 10, 0, 20, tzinfo=dt.UTC)  # 40 s before the next minute and hour begin


def per_second_and_limit(scope):
    count, period = RATES[scope].split("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    return int(count) / seconds, int(count)


@pytest.fixture(autouse=True)
def real_rates():
    """The production rates, counters from earlier runs gone, the clock still (a burst stays in one window)."""
    cache.clear()
    with override_settings(REST_FRAMEWORK=production.REST_FRAMEWORK), time_machine.travel(MID_WINDOW, tick=False):
        yield
    cache.clear()


def assert_throttled(response):
    assert response.status_code == 429
    assert response.json()["detail"].startswith("请求过于频繁，请") and response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 40


def test_a_burst_of_reads_beyond_the_rate_gets_429_for_that_user_only(users):
    _, limit = per_second_and_limit("read")
    wangjing, leader = client_for(users["wangjing"]), client_for(users["wangjing_leader"])
    codes = [wangjing.get("/api/tickets/").status_code for _ in range(limit)]
    assert set(codes) == {200}
    assert_throttled(wangjing.get("/api/tickets/"))
    assert leader.get("/api/tickets/").status_code == 200  # per user
    with time_machine.travel(MID_WINDOW + dt.timedelta(seconds=41), tick=False):
        assert wangjing.get("/api/tickets/").status_code == 200  # the next window


def test_a_burst_of_actions_beyond_the_rate_gets_429(users):
    _, limit = per_second_and_limit("actions")
    client = client_for(users["wangjing"])
    codes = [client.post("/api/tickets/999999/sign/", {}, format="json").status_code for _ in range(limit)]
    assert set(codes) == {404}
    assert_throttled(client.post("/api/tickets/999999/sign/", {}, format="json"))


def test_the_token_endpoint_is_tight_per_address(users):
    _, limit = per_second_and_limit("token")
    client = APIClient(REMOTE_ADDR="10.9.0.1")
    for i in range(limit):  # other names each time: the login lockout is not what stops them here
        assert client.post("/api/auth/token/", {"username": f"x{i}", "password": "p"}, format="json").status_code == 400
    assert_throttled(client.post("/api/auth/token/", {"username": "agent", "password": "p"}, format="json"))
    other = APIClient(REMOTE_ADDR="10.9.0.2")
    assert other.post("/api/auth/token/", {"username": "x", "password": "p"}, format="json").status_code == 400


def test_intake_admits_the_integration_at_200_tickets_a_second_beyond_the_other_writes(users, catalog, directory):
    per_second, limit = per_second_and_limit("intake")
    assert per_second >= 200
    client, body = client_for(users["agent"]), intake_body(catalog["sanitation"], directory["110105026"])
    burst = per_second_and_limit("actions")[1] + 30  # more than any other scope admits in its window
    codes = [client.post("/api/tickets/", body, format="json").status_code for _ in range(burst)]
    assert set(codes) == {201} and Ticket.objects.count() == burst


def test_the_page_search_is_limited_per_user_with_a_chinese_message(users):
    _, limit = per_second_and_limit("search")
    agent, other = Client(), Client()
    agent.force_login(users["agent"])
    other.force_login(users["dispatcher"])
    for i in range(limit):
        assert agent.get("/tickets/", {"q": f"1371234{i:04d}"}).status_code == 200
    page = agent.get("/tickets/", {"q": "13712340987"})
    assert page.status_code == 429
    assert "请求过于频繁，请40秒后再试" in page.content.decode()
    assert other.get("/tickets/", {"q": "13712340987"}).status_code == 200


def test_looking_callers_up_by_number_is_limited_per_user(users):
    """An agent confirming masked numbers through earlier requests or repeat suggestions runs out of lookups;
    typing a request without a number, and a colleague's lookups, go on."""
    _, limit = per_second_and_limit("lookup")
    agent, api, colleague = Client(), client_for(users["agent"]), Client()
    agent.force_login(users["agent"])
    colleague.force_login(users["dispatcher"])
    for i in range(limit // 2):
        assert agent.get("/intake/earlier/", {"phone": f"1371234{i:04d}"}).status_code == 200
        assert api.post("/api/suggestions/", {"text": "噪音扰民", "phone": f"1381234{i:04d}"},
                        format="json").status_code == 200
    page = agent.get("/intake/earlier/", {"phone": "13712340987"})
    assert page.status_code == 429 and page.json()["detail"].startswith("请求过于频繁")
    assert_throttled(api.post("/api/suggestions/", {"text": "噪音扰民", "phone": "13712340987"}, format="json"))
    assert api.post("/api/suggestions/", {"text": "噪音扰民"}, format="json").status_code == 200
    assert colleague.get("/intake/earlier/", {"phone": "13712340987"}).status_code == 200
