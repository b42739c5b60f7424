"""API tokens expire after TOKEN_TTL_HOURS and can be revoked by their owner or the admin (issue 13, finding 5)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from demodata.users import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def obtain(username="agent"):
    response = APIClient().post("/api/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key):
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_works_for_a_working_day_then_is_refused_and_a_new_login_gives_a_fresh_one(users):
    issued = obtain()
    expires = parse_datetime(issued["expires_at"])
    assert expires - timezone.now() == pytest.approx(dt.timedelta(hours=settings.TOKEN_TTL_HOURS),
                                                     abs=dt.timedelta(minutes=1))
    assert with_token(issued["token"]).get("/api/tickets/").status_code == 200
    assert obtain()["token"] == issued["token"]  # while it lasts, the same token
    with time_machine.travel(expires - dt.timedelta(minutes=1)):
        assert with_token(issued["token"]).get("/api/tickets/").status_code == 200
    with time_machine.travel(expires + dt.timedelta(seconds=1)):
        refused = with_token(issued["token"]).get("/api/tickets/")
        assert refused.status_code in (401, 403)
        assert "令牌已过期" in refused.json()["detail"]
        fresh = obtain()
        assert fresh["token"] != issued["token"]
        assert with_token(fresh["token"]).get("/api/tickets/").status_code == 200
        assert with_token(issued["token"]).get("/api/tickets/").status_code in (401, 403)


def test_the_owner_revokes_the_token(users):
    key = obtain()["token"]
    client = with_token(key)
    assert client.delete("/api/auth/token/").status_code == 204
    assert client.get("/api/tickets/").status_code in (401, 403)
    assert not Token.objects.filter(key=key).exists()
    assert APIClient().delete("/api/auth/token/").status_code in (401, 403)  # nobody else's to revoke


def test_the_admin_deletes_a_users_token(users):
    key = obtain("wangjing")["token"]
    admin = Client()
    admin.force_login(users["admin"])
    assert admin.get("/admin/authtoken/tokenproxy/").status_code == 200
    deleted = admin.post(f"/admin/authtoken/tokenproxy/{users['wangjing'].pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert with_token(key).get("/api/tickets/").status_code in (401, 403)


def test_a_wrong_password_gets_a_chinese_400_naming_no_token(users):
    response = APIClient().post("/api/auth/token/", {"username": "agent", "password": "nope"}, format="json")
    assert response.status_code == 400 and response.json()["detail"] == "用户名或密码不正确"
    assert not Token.objects.filter(user=users["agent"]).exists()
