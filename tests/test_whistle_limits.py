"""Whistled departments' limits next to the order's deadline (issue #12): a 24 h order due 12-03 07:55 whistled on
12-02 gave the department until 12-04 to report in and 12-09 to act. Now 2 h / 24 h orders cap them at the order's
deadline; a 7 d / 15 d order whose department limits pass its deadline warns the street, who may ask for an
extension in the same step."""

import datetime as dt

import pytest
from django.urls import reverse

from assessment.clock.policies import activate_policy, create_draft
from assessment.models import Clock
from core.errors import InvalidInput
from dispatch.models import ExtensionRequest, Whistle
from hotline.models import TicketEvent
from hotline.services import whistles

from .api_helpers import client_for
from .lifecycle_helpers import handling, intake, take_call
from .page_helpers import login

BJ = dt.timezone(dt.timedelta(hours=8))
M = dt.timedelta(minutes=1)
RAISED = dt.datetime(2026, 12, 2, 15, 0, tzinfo=BJ)  # a Wednesday; 12-04 15:00 = +2 days, 12-09 = +5 working days
APPROVED = RAISED + 10 * M

pytestmark = pytest.mark.django_db


def signed_order(users, directory, catalog, tier, dispatched_at, **extra):
    """A 望京 sanitation order of ``tier``, dispatched at ``dispatched_at`` and signed by the street."""
    ticket = take_call(users, directory, catalog["sanitation"], tier=tier, now=dispatched_at - 5 * M, **extra)
    intake.dispatch_ticket(users["agent"], ticket.pk, now=dispatched_at)
    handling.sign(users["wangjing"], ticket.pk, now=dispatched_at + M)
    ticket.refresh_from_db()
    return ticket


def whistle_and_approve(users, directory, ticket, **extra):
    whistle = whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory["D002"]], reason="占道经营需执法",
                                     now=RAISED, **extra)
    whistles.decide_whistle(users["wangjing_leader"], whistle.pk, approve=True, now=APPROVED)
    return whistle


def page(client, user, ticket, time_machine, at=RAISED):
    time_machine.move_to(at, tick=False)
    return login(client, user).get(reverse("hotline:ticket", args=[ticket.pk])).content.decode()


@pytest.mark.parametrize("tier, dispatched_at, order_due", [
    ("24h", dt.datetime(2026, 12, 2, 7, 55, tzinfo=BJ), dt.datetime(2026, 12, 3, 7, 55, tzinfo=BJ)),
    ("2h", dt.datetime(2026, 12, 2, 14, 0, tzinfo=BJ), dt.datetime(2026, 12, 2, 16, 0, tzinfo=BJ)),
])
def test_short_order_due_soon_gives_the_department_the_orders_deadline(users, directory, catalog, tier,
                                                                         dispatched_at, order_due):
    ticket = signed_order(users, directory, catalog, tier, dispatched_at)
    assert ticket.due_at == order_due
    whistle = whistle_and_approve(users, directory, ticket)
    assert whistle.limits.capped and whistle.limits.warning == "" and whistle.extension is None
    target = whistle.targets.get()
    assert (target.report_in_due_at, target.action_due_at) == (order_due, order_due)
    report_in, action = (Clock.objects.get(whistle_target=target, key=k) for k in ("whistle_report_in",
                                                                                   "whistle_complete"))
    assert report_in.due_at == action.due_at == order_due
    assert APPROVED < report_in.warn_at < order_due  # still warned before the shortened limit
    approval = TicketEvent.objects.get(ticket=ticket, action="approve_whistle")
    assert approval.data["limits"] == {
        "order_due_at": order_due.isoformat(), "report_in_due_at": order_due.isoformat(),
        "action_due_at": order_due.isoformat(), "capped": True, "ends_after_order": False, "policy": 1,
    }
    assert TicketEvent.objects.get(ticket=ticket, action="raise_whistle").data["limits"]["capped"] is True


def test_whistle_form_on_a_24h_order_shows_the_capped_deadlines(client, users, directory, catalog, time_machine):
    ticket = signed_order(users, directory, catalog, "24h", dt.datetime(2026, 12, 2, 7, 55, tzinfo=BJ))
    html = page(client, users["wangjing"], ticket, time_machine)
    section = html[html.index("<h2>吹哨</h2>"):]
    assert "<dt>办结时限</dt><dd>2026-12-03 07:55（本工单）</dd>" in section
    assert "<dt>报到时限</dt><dd>2026-12-03 07:55</dd>" in section
    assert "<dt>处置时限</dt><dd>2026-12-03 07:55</dd>" in section
    assert "已按本工单办结时限截止" in section and "晚于本工单的办结时限" not in section


def test_with_the_cap_switched_off_the_old_limits_apply_and_the_street_is_warned(users, directory, catalog):
    draft = create_draft(users["admin"], label="吹哨不截止")
    draft.cap_whistle_limits = False
    draft.save()
    activate_policy(draft)
    ticket = signed_order(users, directory, catalog, "24h", dt.datetime(2026, 12, 2, 7, 55, tzinfo=BJ))
    whistle = whistle_and_approve(users, directory, ticket)
    target = whistle.targets.get()
    assert (target.report_in_due_at, target.action_due_at) == (
        dt.datetime(2026, 12, 4, 15, 10, tzinfo=BJ), dt.datetime(2026, 12, 9, 15, 10, tzinfo=BJ))
    assert not whistle.limits.capped
    assert whistle.limits.warning.startswith(
        "注意：被吹哨部门的报到时限（2026-12-04 15:00）和处置时限（2026-12-09 15:00）"
        "晚于本工单的办结时限（2026-12-03 07:55）")
    limits = TicketEvent.objects.get(ticket=ticket, action="approve_whistle").data["limits"]
    assert (limits["capped"], limits["ends_after_order"], limits["policy"]) == (False, True, draft.number)


def test_an_order_already_past_its_deadline_is_not_capped_but_warned(users, directory, catalog):
    ticket = signed_order(users, directory, catalog, "24h", dt.datetime(2026, 12, 1, 9, 0, tzinfo=BJ))
    whistle = whistle_and_approve(users, directory, ticket)
    assert whistle.targets.get().report_in_due_at == dt.datetime(2026, 12, 4, 15, 10, tzinfo=BJ)
    assert whistle.limits.warning.startswith("本工单已超过办结时限（2026-12-02 09:00）")


SEVEN_DAY_DISPATCH = dt.datetime(2026, 11, 26, 9, 0, tzinfo=BJ)  # due 12-03 09:00
WARNING = ("注意：被吹哨部门的报到时限（2026-12-04 15:00）和处置时限（2026-12-09 15:00）晚于本工单的办结时限"
           "（2026-12-03 09:00），部门按时限办完之前工单就会超期。如需更多时间，请在吹哨时一并申请延期。")


def test_7d_order_whistle_form_shows_the_deadlines_and_warns(client, users, directory, catalog, time_machine):
    ticket = signed_order(users, directory, catalog, "7d", SEVEN_DAY_DISPATCH)
    html = page(client, users["wangjing"], ticket, time_machine)
    section = html[html.index("<h2>吹哨</h2>"):]
    assert "<dt>办结时限</dt><dd>2026-12-03 09:00（本工单）</dd>" in section
    assert "<dt>报到时限</dt><dd>2026-12-04 15:00</dd>" in section
    assert "<dt>处置时限</dt><dd>2026-12-09 15:00</dd>" in section
    assert f'<p class="notice-warn" role="alert">{WARNING}</p>' in section
    assert "同时申请延期至（可选）" in section and "已按本工单办结时限截止" not in section
    # a 15 d order whistled early fits: no warning
    early = signed_order(users, directory, catalog, "15d", RAISED - dt.timedelta(hours=1), tier_reason="疑难")
    assert "notice-warn" not in page(client, users["wangjing"], early, time_machine)


def test_7d_whistle_with_an_extension_in_the_same_submission_leaves_a_pending_extension(
        client, users, directory, catalog, time_machine):
    ticket = signed_order(users, directory, catalog, "7d", SEVEN_DAY_DISPATCH)
    time_machine.move_to(RAISED, tick=False)
    url = reverse("hotline:ticket_action", args=[ticket.pk, "raise_whistle"])
    response = login(client, users["wangjing"]).post(url, {
        "units": directory["D002"].name, "reason": "占道经营需执法",
        "extension_due_at": "2026-12-10T18:00", "extension_reason": "需城管执法局处置，预计12月9日完成",
    }, follow=True)
    assert "已吹哨，待街乡镇领导审批；延期申请已提交，待中心审批" in response.content.decode()
    extension = ExtensionRequest.objects.get(ticket=ticket)
    assert (extension.status, extension.requested_due_at) == ("pending", dt.datetime(2026, 12, 10, 18, 0, tzinfo=BJ))
    assert extension.reason == "需城管执法局处置，预计12月9日完成"
    assert list(ticket.events.order_by("id").values_list("action", flat=True))[-2:] == [
        "raise_whistle", "request_extension"]
    raised = ticket.events.get(action="raise_whistle").data["limits"]
    assert (raised["capped"], raised["ends_after_order"]) == (False, True)


def test_a_refused_extension_in_the_whistle_submission_writes_neither(client, users, directory, catalog,
                                                                      time_machine):
    ticket = signed_order(users, directory, catalog, "7d", SEVEN_DAY_DISPATCH)
    time_machine.move_to(RAISED, tick=False)
    url = reverse("hotline:ticket_action", args=[ticket.pk, "raise_whistle"])
    response = login(client, users["wangjing"]).post(url, {
        "units": directory["D002"].name, "reason": "占道经营需执法", "extension_due_at": "2026-12-10T18:00"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_raise_whistle_extension_reason_error" role="alert">延期理由不能为空' in html
    assert not Whistle.objects.filter(ticket=ticket).exists() and not ExtensionRequest.objects.exists()
    with pytest.raises(InvalidInput) as error:  # the extension rule's own check, on the whistle's field name
        whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory["D002"]], reason="执法", now=RAISED,
                               extension_reason="来不及", extension_due_at=dt.datetime(2026, 12, 3, 8, 0, tzinfo=BJ))
    assert error.value.field == "extension_due_at" and "必须晚于当前办结时限" in error.value.message
    assert not Whistle.objects.filter(ticket=ticket).exists()


def test_api_raise_whistle_returns_the_warning_and_takes_the_extension(users, directory, catalog, time_machine):
    ticket = signed_order(users, directory, catalog, "7d", SEVEN_DAY_DISPATCH)
    time_machine.move_to(RAISED, tick=False)
    street, url = client_for(users["wangjing"]), f"/api/tickets/{ticket.pk}/"
    preview = street.get(url + "whistle-limits/").json()
    assert (preview["report_in_due_at"], preview["warning"]) == ("2026-12-04T15:00:00+08:00", WARNING)
    half = street.post(url + "whistles/", {"units": ["D002"], "reason": "执法", "extension_reason": "需部门处置"},
                       format="json")
    assert half.status_code == 400
    assert half.json()["errors"] == {"extension_due_at": ["申请延至的时间必须晚于当前办结时限"]}
    assert not Whistle.objects.exists()
    body = {"units": ["D002"], "reason": "占道经营需执法", "extension_reason": "需部门处置",
            "extension_due_at": "2026-12-10T18:00:00+08:00"}
    created = street.post(url + "whistles/", body, format="json")
    assert created.status_code == 201
    result = created.json()
    assert result["limits"] == {"order_due_at": "2026-12-03T09:00:00+08:00",
                                "report_in_due_at": "2026-12-04T15:00:00+08:00",
                                "action_due_at": "2026-12-09T15:00:00+08:00", "capped": False, "warning": WARNING}
    assert result["extension"]["status"] == "pending"
    assert ExtensionRequest.objects.get(pk=result["extension"]["id"]).ticket_id == ticket.pk
    plain = signed_order(users, directory, catalog, "24h", dt.datetime(2026, 12, 2, 7, 55, tzinfo=BJ))
    capped = street.post(f"/api/tickets/{plain.pk}/whistles/", {"units": ["D002"], "reason": "执法"}, format="json")
    assert capped.json()["limits"]["capped"] is True and capped.json()["extension"] is None
    assert capped.json()["limits"]["warning"] == ""
