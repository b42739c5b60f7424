"""新工作提醒: every step that gives a unit work tells exactly that unit (and role), in the step's own transaction;
deadline notices reach only the roles that can act on them; the badge's endpoint and the inbox's filters."""

import datetime as dt

import pytest

from assessment.clock.selectors import unread_notifications
from assessment.clock.sweep import sweep
from assessment.clock.urging import urge
from assessment.models import Notification
from core.errors import InvalidInput
from hotline.services import whistles

from .clock_helpers import H, open_clock
from .lifecycle_helpers import T0, center, handling, intake, take_call, walk_to_completed
from .page_helpers import bell, login

pytestmark = pytest.mark.django_db

STREET, DEPT, HEATING, CENTER = "110105026", "D002", "E002", "C12345"
LATER = T0 + H


def street_order(users, directory, catalog, **extra):
    return take_call(users, directory, catalog["sanitation"], then=intake.DISPATCH, **extra)


def signed(users, directory, catalog):
    ticket = street_order(users, directory, catalog)
    handling.sign(users["wangjing"], ticket.pk, now=T0)
    return ticket


def returned(users, directory, catalog):
    ticket = street_order(users, directory, catalog)
    handling.return_order(users["wangjing"], ticket.pk, "不属于本街道", now=T0)
    return ticket


def whistle_raised(users, directory, catalog):
    ticket = signed(users, directory, catalog)
    return whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory[DEPT]], reason="占道经营需要执法",
                                  now=T0)


def extension_asked(users, directory, catalog):
    ticket = signed(users, directory, catalog)
    return handling.request_extension(users["wangjing"], ticket.pk, reason="需协调物业",
                                      requested_due_at=ticket.due_at + dt.timedelta(days=3), now=T0)


def completed(users, directory, catalog):
    return walk_to_completed(users, street_order(users, directory, catalog))


def called_back_unresolved(users, directory, catalog):
    ticket = completed(users, directory, catalog)
    center.record_callback(users["callback"], ticket.pk, reached=True, contacted=True, resolved=False,
                           satisfaction="unsatisfied", now=T0 + 5 * H)
    return ticket


# case: (set-up, the step, the notices it must leave as (unit code, role, kind), who sees it, who must not)
CASES = {
    "dispatch with an assisting unit": (
        lambda u, d, c: take_call(u, d, c["sanitation"]),
        lambda u, d, t: intake.dispatch_ticket(u["agent"], t.pk, lead_unit=d[STREET], assist_units=[d[DEPT]],
                                               now=LATER),
        {(STREET, "", "dispatch"), (DEPT, "", "assist")},
        ["wangjing", "wangjing_leader", "chengguan"], ["heating", "agent", "dispatcher", "callback", "chaoyang"]),
    "redispatch after an upheld return": (
        returned,
        lambda u, d, t: center.redispatch(u["dispatcher"], t.pk, lead_unit=d[HEATING], now=LATER),
        {(HEATING, "", "redispatch")}, ["heating"], ["wangjing", "chengguan", "dispatcher"]),
    "a return ruled unfounded": (
        returned,
        lambda u, d, t: center.rule_return(u["dispatcher"], t.pk, ruling="属于街道职责", now=LATER),
        {(STREET, "", "redispatch")}, ["wangjing", "wangjing_leader"], ["chaoyang", "dispatcher"]),
    "whistle request: the street leader alone": (
        signed,
        lambda u, d, t: whistles.raise_whistle(u["wangjing"], t.pk, units=[d[DEPT]], reason="占道经营需要执法",
                                               now=LATER),
        {(STREET, "street_leader", "whistle_request")}, ["wangjing_leader"], ["wangjing", "chengguan", "chaoyang"]),
    "whistle approved: the department reports in": (
        whistle_raised,
        lambda u, d, w: whistles.decide_whistle(u["wangjing_leader"], w.pk, approve=True, now=LATER),
        {(DEPT, "", "whistle_call")}, ["chengguan"], ["wangjing", "wangjing_leader", "heating", "dispatcher"]),
    "extension decided": (
        extension_asked,
        lambda u, d, e: center.decide_extension(u["dispatcher"], e.pk, approve=False, note="时限内可办结",
                                                now=LATER),
        {(STREET, "", "extension_decided")}, ["wangjing"], ["dispatcher", "chaoyang", "chengguan"]),
    "urging": (
        street_order,
        lambda u, d, t: urge(u["dispatcher"], t.pk, "请今日内联系诉求人", now=LATER),
        {(STREET, "", "urge")}, ["wangjing"], ["dispatcher", "heating"]),
    "re-handle": (
        called_back_unresolved,
        lambda u, d, t: center.rehandle(u["callback"], t.pk, "诉求人反映问题未解决", now=T0 + 6 * H),
        {(STREET, "", "rehandle")}, ["wangjing"], ["callback", "chaoyang", "heating"]),
    "completed: callback due, callback staff alone": (
        street_order,
        lambda u, d, t: walk_to_completed(u, t),
        {(CENTER, "callback_agent", "callback_due")}, ["callback"],
        ["agent", "dispatcher", "leader", "admin", "wangjing"]),
    "answered directly: callback due": (
        lambda u, d, c: take_call(u, d, c["policy"]),
        lambda u, d, t: intake.answer_directly(u["agent"], t.pk, "已按政策答复", now=LATER),
        {(CENTER, "callback_agent", "callback_due")}, ["callback"], ["agent", "dispatcher"]),
}


def notices():
    return {(n.recipient.code, n.recipient_role, n.kind) for n in Notification.objects.select_related("recipient")}


@pytest.mark.parametrize("case", CASES)
def test_each_work_giving_step_tells_exactly_the_unit_and_role_that_must_act(users, directory, catalog, case):
    set_up, step, expected, see, not_see = CASES[case]
    subject = set_up(users, directory, catalog)
    Notification.objects.all().delete()  # the set-up's own notices are other cases'
    step(users, directory, subject)
    assert notices() == expected
    for username in see:
        assert unread_notifications(users[username]).exists(), f"{username} is not told"
    for username in not_see:
        assert not unread_notifications(users[username]).exists(), f"{username} is told what is not theirs"


def test_a_step_that_fails_leaves_no_notice(users, directory, catalog):
    ticket = returned(users, directory, catalog)
    Notification.objects.all().delete()
    with pytest.raises(InvalidInput):  # the same unit that returned it: refused after the transition was tried
        center.redispatch(users["dispatcher"], ticket.pk, lead_unit=directory[STREET], now=LATER)
    assert not Notification.objects.exists()


def test_an_assisting_unit_that_keeps_its_part_is_not_told_again(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, lead_unit=directory[STREET], assist_units=[directory[DEPT]],
                           now=T0)
    handling.sign(users["chengguan"], ticket.pk, now=T0)
    handling.return_order(users["wangjing"], ticket.pk, "不属于本街道", now=T0)
    Notification.objects.all().delete()
    center.redispatch(users["dispatcher"], ticket.pk, lead_unit=directory[HEATING], assist_units=[directory[DEPT]],
                      now=LATER)
    assert notices() == {(HEATING, "", "redispatch")}


def test_overdue_notices_reach_the_unit_and_the_centers_dispatchers_not_agents_or_callback_staff(users, directory,
                                                                                                 catalog):
    heating = take_call(users, directory, catalog["heating"])  # 热力集团: the center supervises it
    intake.dispatch_ticket(users["agent"], heating.pk, now=T0)
    waiting = take_call(users, directory, catalog["sanitation"], content="垃圾无人清运")  # the center's dispatch clock
    Notification.objects.all().delete()
    sweep(now=T0 + 30 * H)
    assert {n.kind for n in unread_notifications(users["heating"])} == {"breach"}
    dispatcher = {(n.ticket_id, n.kind) for n in unread_notifications(users["dispatcher"])}
    assert (heating.pk, "breach") in dispatcher and (waiting.pk, "breach") in dispatcher
    for username in ("agent", "callback", "leader", "admin"):
        assert not unread_notifications(users[username]).exists(), username
    assert open_clock(waiting, "dispatch:") is not None


def test_a_whistle_request_is_marked_read_only_by_the_leader_it_was_addressed_to(client, users, directory, catalog):
    whistle_raised(users, directory, catalog)
    note = Notification.objects.get(kind="whistle_request")
    login(client, users["wangjing"]).post("/notifications/read/", {"ids": [note.pk]})
    note.refresh_from_db()
    assert note.read_at is None
    html = login(client, users["wangjing_leader"]).get("/notifications/").content.decode()
    assert "吹哨待审批" in html and "待您审批" in html and bell(html) == 2  # the order's dispatch and the request
