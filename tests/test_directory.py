import pytest

from demodata.users import DEMO_PASSWORD, DEMO_USERS
from dispatch.choices import DivisionKind, UnitKind
from dispatch.directory import load_directory, short_form
from dispatch.models import Unit


def test_directory_has_beijing_districts_and_streets(directory):
    assert Unit.objects.filter(kind=UnitKind.DISTRICT).count() == 16
    streets = Unit.objects.filter(kind=UnitKind.STREET)
    assert streets.count() == 343
    assert Unit.objects.filter(kind=UnitKind.ZONE).count() == 6
    assert not streets.filter(parent__isnull=True).exists()
    assert set(streets.values_list("parent__kind", flat=True)) == {UnitKind.DISTRICT}
    wangjing = Unit.objects.get(name="望京街道")
    assert wangjing.district.name == "朝阳区"
    assert wangjing.division_kind == DivisionKind.STREET
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT, short_name="城管执法局").exists()
    assert Unit.objects.filter(kind=UnitKind.ENTERPRISE, short_name="热力集团").exists()


def test_loading_twice_changes_nothing(directory):
    before = list(Unit.objects.order_by("code").values_list("code", "name", "kind", "parent_id", "short_name"))
    assert load_directory() == (0, 0)
    after = list(Unit.objects.order_by("code").values_list("code", "name", "kind", "parent_id", "short_name"))
    assert before == after


def test_reloading_repairs_an_edited_unit(directory):
    Unit.objects.filter(name="望京街道").update(short_name="错")
    assert load_directory() == (0, 1)
    assert Unit.objects.get(name="望京街道").short_name == "望京"


@pytest.mark.parametrize(
    "name, short", [("望京街道", "望京"), ("东小口镇", "东小口"), ("十八里店地区", "十八里店"), ("南口镇", "南口")]
)
def test_short_form_drops_the_division_suffix(name, short):
    assert short_form(name) == short


@pytest.mark.parametrize("username", [row[0] for row in DEMO_USERS])
def test_every_demo_user_can_log_in_and_sees_their_role(client, demo_users, username):
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.context["user"].username == username
    assert demo_users[username].get_role_display() in response.content.decode()


def test_wrong_password_shows_a_chinese_error(client, demo_users):
    response = client.post("/login/", {"username": "agent", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()
