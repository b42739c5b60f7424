"""Dispatch time limits (DOMAIN.md): emergencies within 1 h, water/power/gas/heating and extreme weather within 2 h
whatever urgency the agent picked, everything else within 24 h — on the starter catalog, counted from intake."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from assessment.clock.choices import LimitKey, LimitUnit
from assessment.clock.policies import activate_policy, create_draft
from assessment.models import SlaLimit
from dispatch.catalog.services import import_catalog, load_starter
from dispatch.catalog.validation import CatalogFileError
from dispatch.models import CatalogItem

from .clock_helpers import H, open_clock
from .lifecycle_helpers import T0, intake, take_call
from .page_helpers import login

HEADER = "code,level1,level2,level3,keywords,responsible,responsible_unit,tier,request_type"


@pytest.fixture
def starter(directory):
    version, _ = load_starter()
    return version


def leaf(version, name, level2=None):
    query = CatalogItem.objects.filter(version=version, level=3, name=name)
    return (query.filter(parent__name=level2) if level2 else query).get()


def dispatch_due(users, directory, item, urgency="normal", now=T0):
    """Take a call on ``item`` at ``now``; how long after intake it must be dispatched, and the limit's key."""
    ticket = take_call(users, directory, item, urgency=urgency, now=now)
    clock = open_clock(ticket, "dispatch:")
    assert clock.started_at == now and clock.unit.kind == "center"
    return clock.due_at - now, clock.key


@pytest.mark.parametrize("name, level2", [
    ("楼栋暖气不热", "供热采暖"), ("冬季采暖", None), ("暖气漏水", "供热采暖"),  # heating
    ("自来水供应", None), ("电力供应", None), ("燃气供应", None),  # water, power, gas
    ("雨后积水", None), ("防汛抗旱", None),  # extreme weather
])
def test_utilities_and_extreme_weather_at_normal_urgency_are_dispatched_within_2_hours(
        users, directory, starter, name, level2):
    assert dispatch_due(users, directory, leaf(starter, name, level2)) == (2 * H, LimitKey.DISPATCH_URGENT)


@pytest.mark.parametrize("urgency", ["normal", "complex", "urgent"])
def test_a_heating_request_gets_2_hours_whatever_the_urgency_short_of_an_emergency(users, directory, starter, urgency):
    assert dispatch_due(users, directory, leaf(starter, "户内暖气不热"), urgency)[0] == 2 * H


@pytest.mark.parametrize("name", ["环境卫生", "户内暖气不热", "自来水供应", "物业收费", "违章建筑"])
def test_an_emergency_anything_is_dispatched_within_1_hour(users, directory, starter, name):
    assert dispatch_due(users, directory, leaf(starter, name), "emergency") == (H, LimitKey.DISPATCH_EMERGENCY)


@pytest.mark.parametrize("name", ["电梯困人", "井盖缺失破损"])
def test_an_emergency_leaf_is_dispatched_within_1_hour_even_at_normal_urgency(users, directory, starter, name):
    assert dispatch_due(users, directory, leaf(starter, name))[0] == H


@pytest.mark.parametrize("urgency, due", [("normal", 24 * H), ("complex", 24 * H), ("urgent", 2 * H)])
def test_an_ordinary_sanitation_request_follows_the_urgency(users, directory, starter, urgency, due):
    assert dispatch_due(users, directory, leaf(starter, "环境卫生"), urgency)[0] == due


def test_the_hours_come_from_the_current_sla_policy(users, directory, starter):
    draft = create_draft(actor=None, label="较急派单3小时")
    SlaLimit.objects.filter(policy=draft, key=LimitKey.DISPATCH_URGENT).update(amount=3, unit=LimitUnit.HOURS)
    activate_policy(draft)
    assert dispatch_due(users, directory, leaf(starter, "冬季采暖"))[0] == 3 * H


def test_the_tier_is_unchanged_by_the_dispatch_class(users, directory, starter):
    heating = take_call(users, directory, leaf(starter, "户内暖气不热"))
    fee = take_call(users, directory, leaf(starter, "供暖费缴纳"), content="供暖费怎么交")
    assert (heating.tier, fee.tier) == ("24h", "7d")
    assert open_clock(fee, "dispatch:").due_at == T0 + 2 * H


def test_an_administrator_classifies_a_leaf_through_the_catalog_file(users, directory, starter):
    rows = ["0101001,城乡建设,供水,停水,停水,unit,E001,24h,help,utilities",
            "0101002,城乡建设,供水,水费,水费,unit,E001,7d,consultation,",
            "0102001,城乡建设,气象,暴雪,暴雪,street,,24h,help,水电气热、极端天气",
            "0103001,城乡建设,安全,塌方,塌方,street,,2h,help,突发事件"]
    version = import_catalog(("\n".join([HEADER + ",dispatch_class", *rows]) + "\n").encode(), make_current=True)
    classes = dict(version.items.filter(level=3).values_list("name", "dispatch_class"))
    assert classes == {"停水": "utilities", "水费": "", "暴雪": "utilities", "塌方": "emergency"}
    assert dispatch_due(users, directory, leaf(version, "暴雪"))[0] == 2 * H
    assert dispatch_due(users, directory, leaf(version, "水费"))[0] == 24 * H
    assert dispatch_due(users, directory, leaf(version, "塌方"))[0] == H


def test_a_file_without_the_column_imports_and_a_wrong_class_is_named_on_its_row(directory):
    old = import_catalog(f"{HEADER}\n0101001,城乡建设,供水,停水,停水,unit,E001,24h,help\n".encode())
    assert list(old.items.filter(level=3).values_list("dispatch_class", flat=True)) == [""]
    with pytest.raises(CatalogFileError) as caught:
        import_catalog(f"{HEADER},dispatch_class\n0101001,城乡建设,供水,停水,停水,unit,E001,24h,help,2h\n".encode())
    assert [str(error) for error in caught.value.errors] == [
        "第2行 dispatch_class：派单时限类别须留空（一般）或填 emergency（突发事件）/utilities（水电气热、极端天气）"
    ]


def test_the_upgrade_classifies_leaves_loaded_from_the_starter(directory, starter):
    """A system that loaded the starter before the field existed gets its classes from the migration."""
    CatalogItem.objects.update(dispatch_class="")
    migration = importlib.import_module("dispatch.migrations.0005_catalogitem_dispatch_class")
    migration.classify_starter_leaves(apps, None)
    assert leaf(starter, "冬季采暖").dispatch_class == "utilities"
    assert leaf(starter, "电梯困人").dispatch_class == "emergency"
    assert leaf(starter, "环境卫生").dispatch_class == ""
    assert load_starter() == (starter, "unchanged")


def test_the_dispatch_queue_and_the_ticket_page_show_the_dispatch_deadline(client, users, directory, starter):
    now = timezone.now().replace(second=0, microsecond=0)
    heating = take_call(users, directory, leaf(starter, "楼栋暖气不热"), now=now)
    sanitation = take_call(users, directory, leaf(starter, "环境卫生"), content="垃圾无人清理", now=now)
    local = timezone.localtime
    login(client, users["dispatcher"])
    queue = client.get("/center/queue/").content.decode()
    assert f"派单时限 {local(now + 2 * H):%m-%d %H:%M}" in queue
    assert f"派单时限 {local(now + 24 * H):%m-%d %H:%M}" in queue
    page = client.get(f"/tickets/{heating.pk}/").content.decode()
    assert f"<dt>派单时限</dt><dd>{local(now + 2 * H):%m-%d %H:%M}" in page
    intake.dispatch_ticket(users["dispatcher"], sanitation.pk, now=now + dt.timedelta(minutes=5))
    page = client.get(f"/tickets/{sanitation.pk}/").content.decode()
    assert f"{local(now + 24 * H):%Y-%m-%d %H:%M}（{local(now + dt.timedelta(minutes=5)):%m-%d %H:%M} 已派单）" in page
    assert f"派单时限 {local(now + 24 * H):%m-%d %H:%M}" not in client.get("/center/queue/").content.decode()
