"""Login lockout (issue 13, finding 5): 30 wrong passwords, then the right one, on the login page, the admin and the
token endpoint; the lock lifts after the cool-off or when the admin unlocks; one address has its own, higher limit."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from demodata.users import DEMO_PASSWORD
from dispatch.models import User

pytestmark = pytest.mark.django_db

WRONG = "wrong-password"


def page_login(path, username, password, address="10.1.0.1"):
    """(response, logged in?) of one login through a page form from `address`."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(path, {"username": username, "password": password, "next": "/"})
    return response, "_auth_user_id" in client.session


def token_login(path, username, password, address="10.1.0.1"):
    client = APIClient(REMOTE_ADDR=address)
    response = client.post(path, {"username": username, "password": password}, format="json")
    return response, response.status_code == 200 and "token" in response.json()


PATHS = [(page_login, "/login/", "wangjing"), (page_login, "/admin/login/", "admin"),
         (token_login, "/api/auth/token/", "agent")]


def assert_locked_out(response):
    assert response.status_code == 429
    text = response.content.decode()
    minutes = settings.AXES_COOLOFF_TIME.seconds // 60
    assert "登录失败次数过多，已暂时锁定" in text and f"（{minutes}分钟）后重试" in text
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if response["Content-Type"].startswith("application/json"):
        assert response.json()["detail"].startswith("登录失败次数过多")


@pytest.mark.parametrize(("login", "path", "username"), PATHS)
def test_thirty_wrong_passwords_then_the_right_one_is_refused_until_the_cool_off(users, login, path, username):
    for attempt in range(1, 31):
        response, logged_in = login(path, username, WRONG)
        assert not logged_in
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert response.status_code in (200, 400), attempt  # the form's own error, not yet locked
            assert "登录失败次数过多" not in response.content.decode()
        else:
            assert_locked_out(response)
    response, logged_in = login(path, username, DEMO_PASSWORD)
    assert not logged_in
    assert_locked_out(response)
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)):
        response, logged_in = login(path, username, DEMO_PASSWORD)
    assert logged_in, response.content.decode()[:300]


@pytest.mark.parametrize(("login", "path", "username"), PATHS)
def test_the_admin_unlocks_a_locked_user_in_the_admin(users, login, path, username):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(path, username, WRONG)
    assert not login(path, username, DEMO_PASSWORD)[1]
    admin = Client()  # another administrator: the locked one may be "admin"
    admin.force_login(User.objects.create_superuser("admin2", password=DEMO_PASSWORD, role=users["admin"].role))
    changelist = admin.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and username in changelist.content.decode()
    attempt = AccessAttempt.objects.get(username=username)
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    response, logged_in = login(path, username, DEMO_PASSWORD)
    assert logged_in, response.content.decode()[:300]


def test_the_command_line_unlocks_a_user_name(users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login("/login/", "wangjing", WRONG)
    assert not page_login("/login/", "wangjing", DEMO_PASSWORD)[1]
    call_command("axes_reset_username", "wangjing")
    assert page_login("/login/", "wangjing", DEMO_PASSWORD)[1]


def test_one_users_failures_do_not_lock_colleagues_behind_the_same_address(users):
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        page_login("/login/", "wangjing", WRONG, address="10.2.0.1")
    assert not page_login("/login/", "wangjing", DEMO_PASSWORD, address="10.2.0.1")[1]
    assert not page_login("/login/", "wangjing", DEMO_PASSWORD, address="10.2.0.2")[1]  # the user name is locked
    assert page_login("/login/", "wangjing_leader", DEMO_PASSWORD, address="10.2.0.1")[1]


def test_an_address_that_tries_many_user_names_is_locked_for_every_name(users):
    """Guessing across names stays under each name's limit, but not under the address's."""
    names = [f"guess{i}" for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT)]
    for name in names:
        token_login("/api/auth/token/", name, WRONG, address="10.3.0.1")
    response, logged_in = page_login("/login/", "dispatcher", DEMO_PASSWORD, address="10.3.0.1")
    assert not logged_in
    assert_locked_out(response)
    assert page_login("/login/", "dispatcher", DEMO_PASSWORD, address="10.3.0.2")[1]


def test_a_successful_login_clears_that_users_earlier_failures(users):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page_login("/login/", "wangjing", WRONG)
    assert page_login("/login/", "wangjing", DEMO_PASSWORD)[1]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page_login("/login/", "wangjing", WRONG)
    assert page_login("/login/", "wangjing", DEMO_PASSWORD)[1]


def test_the_token_lockout_is_the_api_error_shape_and_the_page_lockout_the_chinese_page(users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_login("/api/auth/token/", "agent", WRONG)
        page_login("/login/", "wangjing", WRONG)
    api, _ = token_login("/api/auth/token/", "agent", DEMO_PASSWORD)
    assert_locked_out(api)
    assert api["Content-Type"].startswith("application/json") and set(api.json()) == {"detail", "code"}
    assert api.json()["code"] == "locked_out" and "登录失败次数过多" in api.content.decode()  # not \u escapes
    page, _ = page_login("/login/", "wangjing", DEMO_PASSWORD)
    assert_locked_out(page)
    html = page.content.decode()
    assert page["Content-Type"].startswith("text/html") and 'class="brand"' in html and "如需提前解锁" in html
