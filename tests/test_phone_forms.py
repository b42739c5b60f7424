"""Forms that fit a thumb: 告知时间 defaults to now and tolerates a clock a few minutes fast, every error of 办结 is
shown at once, required fields are starred, the whistle offers a tick for the unit the order's catalog names."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput, InvalidInputs, every_input
from dispatch.choices import RequestType, Responsible, Tier
from dispatch.models import CatalogItem, Whistle
from hotline.choices import Status
from hotline.models import CallerFeedback, Ticket

from .lifecycle_helpers import handling, intake, take_call
from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacted(users, directory, catalog):
    """A 望京 sanitation order the street has signed and whose caller it has contacted, just now."""
    now = timezone.now()
    ticket = street_order(users, directory, catalog, now - dt.timedelta(hours=1))
    handling.sign(users["wangjing"], ticket.pk, now=now - dt.timedelta(minutes=50))
    handling.contact_caller(users["wangjing"], ticket.pk, "已电话联系", now=now - dt.timedelta(minutes=40))
    return ticket


def complete(client, ticket, **fields):
    data = {"caller_feedback_method": "phone", "caller_feedback": "电话告知已清理", "result": "已清理完毕",
            "caller_told_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")} | fields
    return client.post(reverse("hotline:ticket_action", args=[ticket.pk, "complete"]), data)


def ahead(minutes):
    return (timezone.localtime() + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def test_the_completion_form_proposes_now_as_the_time_the_caller_was_told(client, users, contacted):
    before = timezone.localtime().replace(second=0, microsecond=0)
    html = login(client, users["wangjing"]).get(reverse("hotline:ticket", args=[contacted.pk])).content.decode()
    value = re.search(r'name="caller_told_at" value="([^"]+)"', html).group(1)
    proposed = timezone.make_aware(dt.datetime.strptime(value, "%Y-%m-%d %H:%M"))
    assert before <= proposed <= before + dt.timedelta(minutes=1)


def test_a_told_time_a_few_minutes_ahead_is_taken_as_now(client, users, contacted):
    response = complete(login(client, users["wangjing"]), contacted, caller_told_at=ahead(8))
    assert response.status_code == 302
    feedback = CallerFeedback.objects.get(ticket=contacted)
    assert feedback.told_at <= timezone.now()  # recorded as the completion's time, never in the future
    assert Ticket.objects.get(pk=contacted.pk).status == Status.COMPLETED


def test_a_told_time_far_ahead_is_refused_beside_its_field(client, users, contacted):
    response = complete(login(client, users["wangjing"]), contacted, caller_told_at=ahead(30))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_complete_caller_told_at_error"' in html and "最多允许快10分钟" in html
    assert Ticket.objects.get(pk=contacted.pk).status == Status.IN_PROGRESS


def test_every_missing_completion_field_is_named_at_once(client, users, contacted):
    response = complete(login(client, users["wangjing"]), contacted, caller_feedback_method="", caller_told_at="",
                        caller_feedback="", result=" ")
    assert response.status_code == 400
    html = response.content.decode()
    for field, message in [("result", "办理结果不能为空"), ("caller_feedback_method", "请选择告知诉求人的方式"),
                           ("caller_told_at", "请填写告知诉求人的时间"),
                           ("caller_feedback", "告知诉求人的内容不能为空")]:
        assert re.search(rf'id="id_complete_{field}_error" role="alert">{message}<', html), field
    assert not CallerFeedback.objects.exists() and Ticket.objects.get(pk=contacted.pk).status == Status.IN_PROGRESS


def test_the_api_names_every_wrong_completion_field_too(client, users, contacted):
    client.force_login(users["wangjing"])
    response = client.post(f"/api/tickets/{contacted.pk}/complete/", {
        "result": "已清理", "caller_feedback_method": "phone", "caller_feedback": "已告知",
        "caller_told_at": (timezone.now() + dt.timedelta(minutes=30)).isoformat()}, content_type="application/json")
    assert response.status_code == 400
    assert "caller_told_at" in response.json()["errors"]
    ok = client.post(f"/api/tickets/{contacted.pk}/complete/", {
        "result": "已清理", "caller_feedback_method": "phone", "caller_feedback": "已告知",
        "caller_told_at": (timezone.now() + dt.timedelta(minutes=5)).isoformat()}, content_type="application/json")
    assert ok.status_code == 200, ok.content


def test_every_input_names_each_failure_or_returns_the_results():
    def fails(field):
        def step():
            raise InvalidInput(f"{field}错", field=field)
        return step

    assert every_input(lambda: 1, lambda: 2) == [1, 2]
    with pytest.raises(InvalidInputs) as caught:
        every_input(fails("a"), lambda: 1, fails("b"))
    assert caught.value.field_errors == {"a": ["a错"], "b": ["b错"]} and caught.value.message == "a错；b错"
    with pytest.raises(InvalidInput) as single:
        every_input(fails("a"))
    assert not isinstance(single.value, InvalidInputs) and single.value.field == "a"


def starred(html, label):
    return re.search(rf'<label for="[^"]+">{re.escape(label)}</label><span class="req" aria-hidden="true">\*</span>',
                     html)


def test_required_fields_are_starred_beside_their_label(client, users, contacted):
    html = login(client, users["wangjing"]).get(reverse("hotline:ticket", args=[contacted.pk])).content.decode()
    for label in ("告知诉求人方式", "告知时间", "告知诉求人的内容", "办理结果（书面反馈热线）", "吹哨事由"):
        assert starred(html, label), label
    assert 'aria-required="true"' in html and " required" not in html.split("<main")[1].replace("aria-required", "")


def test_an_assisting_unit_is_asked_only_for_its_result(client, users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], content="路面塌陷", then=intake.DISPATCH,
                       assist_units=[directory["D002"]], now=timezone.now() - dt.timedelta(hours=1))
    handling.sign(users["chengguan"], ticket.pk)
    html = login(client, users["chengguan"]).get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()
    assert starred(html, "办理结果（书面反馈热线）") and not starred(html, "告知时间")


@pytest.fixture
def building_heating(users, directory, catalog):
    """A 楼内供暖管道 order, the street's (the city heating leaf beside it names 热力集团), signed and contacted."""
    utilities = catalog["heating"].parent
    leaf = CatalogItem.objects.create(
        version=utilities.version, code="0101002", name="小区楼内供暖管道", level=3, parent=utilities,
        keywords="暖气管道漏水", responsible=Responsible.STREET, default_tier=Tier.H24,
        default_request_type=RequestType.HELP)
    ticket = take_call(users, directory, leaf, content="楼内暖气管道漏水", then=intake.DISPATCH,
                       now=timezone.now() - dt.timedelta(hours=1))
    handling.sign(users["wangjing"], ticket.pk)
    return ticket


def ticks(html):
    return re.findall(r'<input type="checkbox" name="likely" value="\d+"[^>]*>\s*([^<]+)<', html)


def test_the_whistle_offers_a_tick_for_the_unit_the_catalog_names(client, users, directory, catalog,
                                                                   building_heating):
    login(client, users["wangjing"])
    html = client.get(reverse("hotline:ticket", args=[building_heating.pk])).content.decode()
    assert "按住 Ctrl" not in html and '<select name="units"' not in html
    assert [t.strip() for t in ticks(html)] == ["北京市热力集团有限责任公司"]
    assert "本单派单目录对应的单位（勾选即可）" in html
    order = street_order(users, directory, catalog, timezone.now() - dt.timedelta(hours=1))  # 环境卫生: none named
    handling.sign(users["wangjing"], order.pk)
    html = client.get(reverse("hotline:ticket", args=[order.pk])).content.decode()
    assert ticks(html) == [] and "本单派单目录对应的单位" not in html


def test_a_tick_and_the_picker_raise_one_whistle_and_nothing_chosen_is_an_error(client, users, directory,
                                                                               building_heating):
    login(client, users["wangjing"])
    url = reverse("hotline:ticket_action", args=[building_heating.pk, "raise_whistle"])
    response = client.post(url, {"reason": "需热力集团到场关阀"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert">请至少选择一个被吹哨的部门<' in html
    assert ticks(html)  # the re-shown form keeps its tick
    response = client.post(url, {"reason": "x", "likely": ["99999999999999999999"]})  # no 64-bit id
    assert response.status_code == 400 and not Whistle.objects.exists()
    response = client.post(url, {"reason": "需热力集团到场关阀、城管清理", "likely": [directory["E002"].pk],
                                 "units": "城管执法局、热力集团"})
    assert response.status_code == 302, response.content.decode()[:3000]
    whistle = Whistle.objects.get()
    assert sorted(t.unit.code for t in whistle.targets.all()) == ["D002", "E002"]  # 热力 ticked and typed: once
