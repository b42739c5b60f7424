"""Sessions end when the browser closes and after SESSION_IDLE_MINUTES without a request (sliding)."""

import datetime as dt

import pytest
from django.utils import timezone

from .page_helpers import login

pytestmark = pytest.mark.django_db


def test_the_session_cookie_ends_with_the_browser(client, users):
    users["wangjing"].set_password("Demo-12345")
    users["wangjing"].save()
    response = client.post("/login/", {"username": "wangjing", "password": "Demo-12345"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # no persistent cookie


def test_idle_past_the_limit_logs_out_and_says_why(client, users, settings, time_machine):
    settings.SESSION_IDLE_MINUTES = 30
    time_machine.move_to(timezone.now(), tick=False)
    login(client, users["wangjing"])
    assert client.get("/work/").status_code == 200
    time_machine.shift(dt.timedelta(minutes=31))
    response = client.get("/work/", follow=True)
    assert response.redirect_chain[0][0].startswith("/login/")
    assert "超过30分钟未操作，已自动退出" in response.content.decode()
    assert client.get("/work/").status_code == 302  # logged out for good


def test_activity_keeps_the_session_alive(client, users, settings, time_machine):
    settings.SESSION_IDLE_MINUTES = 30
    time_machine.move_to(timezone.now(), tick=False)
    login(client, users["wangjing"])
    for _ in range(4):  # two hours of work, a request every 20 minutes
        time_machine.shift(dt.timedelta(minutes=20))
        assert client.get("/work/").status_code == 200


def test_the_idle_limit_is_configurable(client, users, settings, time_machine):
    settings.SESSION_IDLE_MINUTES = 5
    time_machine.move_to(timezone.now(), tick=False)
    login(client, users["wangjing"])
    time_machine.shift(dt.timedelta(minutes=6))
    assert client.get("/work/").status_code == 302
