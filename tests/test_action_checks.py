"""Each action's precondition has one home (hotline/services/checks.py): the ticket page offers an action exactly
when its service accepts it, and says why a blocked action waits.

The table-driven test walks orders into many states; for every user it reads the action forms the ticket page
renders and tries every action through the page's own runner in a rolled-back savepoint.
"""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import ActionBlocked, DomainError, InvalidTransition
from dispatch.models import User
from hotline.models import Ticket
from hotline.services import whistles
from hotline.views.actions import ACTIONS

from .api_helpers import client_for
from .attachment_helpers import photo
from .lifecycle_helpers import center, handling, intake, take_call
from .page_helpers import login

pytestmark = pytest.mark.django_db

USERS = ["agent", "dispatcher", "callback", "wangjing", "wangjing_leader", "chengguan", "chaoyang", "leader"]
TICKET_ACTIONS = ["dispatch", "answer_directly", "redispatch", "rule_return", "sign", "return", "contact", "complete",
                  "request_extension", "raise_whistle", "callback", "close", "rehandle", "urge", "merge_repeat",
                  "unmerge_repeat", "upload"]
FORM_ACTION = re.compile(r'<form method="post" class="action" action="/tickets/(\d+)/([a-z_]+)/(?:(\d+)/)?"')
HOUR = dt.timedelta(hours=1)


class Order:
    """An order walked along through the services; `at` is when it was taken."""

    def __init__(self, users, directory, catalog, *, days_ago=0, assist=False, then=intake.DISPATCH, **call):
        self.users, self.directory = users, directory
        self.at = timezone.now() - dt.timedelta(days=days_ago, hours=6)
        if assist:
            call["assist_units"] = [directory["D002"]]
        self.ticket = take_call(users, directory, catalog["sanitation"], now=self.at, then=then, **call)
        self.pk = self.ticket.pk

    def sign(self):
        handling.sign(self.users["wangjing"], self.pk, now=self.at + HOUR)
        return self

    def contact(self):
        self.sign()
        handling.contact_caller(self.users["wangjing"], self.pk, "已联系", now=self.at + 2 * HOUR)
        return self

    def complete(self):
        self.contact()
        handling.complete(self.users["wangjing"], self.pk, result="已清理", caller_feedback_method="phone",
                          caller_told_at=self.at + 3 * HOUR, caller_feedback="已告知", now=self.at + 3 * HOUR)
        return self

    def whistle(self, *, approve=None, report=False, act=False, rate=False):
        whistle = whistles.raise_whistle(self.users["wangjing"], self.pk, units=[self.directory["D002"]],
                                         reason="占道经营需执法", now=self.at + 3 * HOUR)
        if approve is not None:
            whistles.decide_whistle(self.users["wangjing_leader"], whistle.pk, approve=approve, note="不需要",
                                    now=self.at + 3 * HOUR)
        department, street = self.users["chengguan"], self.users["wangjing"]
        if report:
            whistles.report_in(department, whistle.pk)
        if act:
            whistles.record_whistle_action(department, whistle.pk, action_note="已处置")
        if rate:
            whistles.rate_department(street, whistle.pk, unit=self.directory["D002"], stars=5)
        return self

    def extension(self):
        ticket = Ticket.objects.get(pk=self.pk)
        handling.request_extension(self.users["wangjing"], self.pk, reason="需协调施工",
                                   requested_due_at=ticket.due_at + dt.timedelta(days=3))
        return self

    def called_back(self, resolved=False):
        self.complete()
        center.record_callback(self.users["callback"], self.pk, reached=True, contacted=True, resolved=resolved,
                               satisfaction="satisfied" if resolved else "unsatisfied")
        return self

    def closed(self):
        self.called_back(resolved=True)
        center.close(self.users["callback"], self.pk)
        return self

    def assist_signs(self):
        handling.sign(self.users["chengguan"], self.pk)
        return self

    def assist_completes(self):
        self.contact().assist_signs()
        handling.complete(self.users["chengguan"], self.pk, result="已配合", caller_feedback_method="phone",
                          caller_told_at=self.at, caller_feedback="x")
        return self

    def returned(self):
        handling.return_order(self.users["wangjing"], self.pk, "非本单位职责")
        return self

    def redispatched(self):
        self.returned()
        center.redispatch(self.users["dispatcher"], self.pk, lead_unit=self.directory["D002"])
        return self


def as_taken(order):
    return order


SCENARIOS = {
    "received": as_taken,
    "dispatched": as_taken,
    "dispatched with an assisting unit": as_taken,
    "assisting unit signed": Order.assist_signs,
    "assisting unit completed its part": Order.assist_completes,
    "returned": Order.returned,
    "returned and redispatched": Order.redispatched,
    "signed": Order.sign,
    "in progress": Order.contact,
    "whistle awaiting approval": lambda o: o.contact().whistle(),
    "whistle approved": lambda o: o.contact().whistle(approve=True),
    "department reported in": lambda o: o.contact().whistle(approve=True, report=True),
    "department acted, not rated": lambda o: o.contact().whistle(approve=True, report=True, act=True),
    "whistle rated": lambda o: o.contact().whistle(approve=True, report=True, act=True, rate=True),
    "whistle refused": lambda o: o.contact().whistle(approve=False),
    "extension pending": lambda o: o.contact().extension(),
    "past the deadline": Order.contact,
    "completed": Order.complete,
    "called back, unresolved": Order.called_back,
    "closed": Order.closed,
    "answered directly": as_taken,
}
ORDER_OPTIONS = {"received": {"then": None}, "answered directly": {"then": intake.ANSWER, "answer": "按政策答复"},
                 "dispatched with an assisting unit": {"assist": True}, "assisting unit signed": {"assist": True},
                 "assisting unit completed its part": {"assist": True}, "past the deadline": {"days_ago": 10}}


def offered_on_page(client, user, ticket):
    """(action, object id) of every action form the user's ticket page renders."""
    page = login(client, user).get(reverse("hotline:ticket", args=[ticket.pk]))
    if page.status_code == 404:
        return set(), ""
    html = page.content.decode()
    return {(action, int(obj) if obj else None) for pk, action, obj in FORM_ACTION.findall(html)
            if int(pk) == ticket.pk}, html


def candidates(ticket):
    """Every (action, object id) the ticket page could offer on this order."""
    found = [(action, None) for action in TICKET_ACTIONS]
    for whistle in ticket.whistles.all():
        found.append(("decide_whistle", whistle.pk))
        found += [(action, t.pk) for t in whistle.targets.all() for action in ("report_in", "whistle_action", "rate")]
    return found + [("decide_extension", e.pk) for e in ticket.extensions.all()]


def valid_data(action, user, ticket, directory):
    """A correct submission of the action's form, so that only the order's state can make the service refuse."""
    now = timezone.now()
    other = "D002" if user.unit.code != "D002" else "E002"
    if action == "merge_repeat":  # an earlier open order of the same caller to merge into (rolled back too)
        return {"original_id": earlier_order(ticket).number, "reason": "同一诉求人重复反映"}
    return {
        "dispatch": {"lead_unit": None, "assist_units": [], "note": ""},
        "answer_directly": {"answer": "按政策答复"},
        "redispatch": {"lead_unit": directory["110105027"], "assist_units": [], "note": ""},
        "rule_return": {"ruling": "属本单位职责"},
        "sign": {},
        "return": {"reason": "非本单位职责", "suggested_unit": None},
        "contact": {"note": "已联系", "photos": [], "documents": []},
        "complete": {"result": "已清理", "caller_feedback_method": "phone", "caller_told_at": now - HOUR,
                     "caller_feedback": "已告知", "photos": [], "documents": []},
        "upload": {"photos": [photo()], "documents": [], "note": ""},
        "request_extension": {"reason": "需协调", "requested_due_at": (ticket.due_at or now) + dt.timedelta(days=3)},
        "raise_whistle": {"units": [directory[other]], "reason": "需执法"},
        "callback": {"reached": True, "contacted": True, "resolved": True, "satisfaction": "satisfied", "note": ""},
        "close": {"note": ""},
        "rehandle": {"reason": "未解决"},
        "urge": {"note": "请加快办理"},
        "decide_whistle": {"approve": True, "note": ""},
        "decide_extension": {"approve": True, "note": ""},
        "report_in": {"note": ""},
        "whistle_action": {"action_note": "已处置"},
        "rate": {"stars": 4, "note": ""},
        "unmerge_repeat": {"reason": "并错了"},
    }[action]


def earlier_order(ticket):
    agent = User.objects.get(username="agent")
    original, _ = intake.intake_ticket(
        agent, channel=ticket.channel, caller_phone=ticket.caller_phone, address=ticket.address,
        district=ticket.district, street=ticket.street, content=ticket.content, request_type=ticket.request_type,
        catalog_item=ticket.catalog_item, now=ticket.received_at - dt.timedelta(days=1))
    return original


class RolledBack(Exception):
    pass


def service_accepts(user, ticket, action, obj_id, directory):
    """Run the page's runner for the action in a savepoint that is always rolled back."""
    try:
        with transaction.atomic():
            fresh = Ticket.objects.get(pk=ticket.pk)
            ACTIONS[action].run(user, fresh, obj_id, valid_data(action, user, fresh, directory))
            raise RolledBack
    except RolledBack:
        return True
    except DomainError:
        return False


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_page_offers_an_action_exactly_when_the_service_accepts_it(client, users, directory, catalog, scenario):
    order = SCENARIOS[scenario](Order(users, directory, catalog, **ORDER_OPTIONS.get(scenario, {})))
    ticket = Ticket.objects.get(pk=order.pk)
    offered_by_anyone = set()
    for username in USERS:
        user = users[username]
        offered, _ = offered_on_page(client, user, ticket)
        accepted = {(a, obj) for a, obj in candidates(ticket) if service_accepts(user, ticket, a, obj, directory)}
        assert offered == accepted, (username, offered - accepted, accepted - offered)
        offered_by_anyone |= offered
    assert Ticket.objects.get(pk=order.pk).status == ticket.status  # every trial was rolled back
    assert offered_by_anyone or scenario == "closed"  # each state has its next step, and this test sees it


BLOCKED = [
    ("whistle awaiting approval", "wangjing", "complete", "吹哨待街乡镇领导审批"),
    ("whistle approved", "wangjing", "complete", "被吹哨部门尚未全部处置"),
    ("department acted, not rated", "wangjing", "complete", "请先评价被吹哨部门，再办结"),
    ("extension pending", "wangjing", "complete", "延期申请待中心审批，审批后再办结"),
    ("extension pending", "wangjing", "request_extension", "已有待审批的延期申请"),
    ("past the deadline", "wangjing", "request_extension", "已超过办结时限，不能再申请延期"),
    ("signed", "wangjing_leader", "complete", "请先联系诉求人，再办结"),
]


@pytest.mark.parametrize("scenario, username, action, reason", BLOCKED)
def test_a_blocked_action_says_why_where_its_button_would_be(client, users, directory, catalog, scenario, username,
                                                               action, reason):
    order = SCENARIOS[scenario](Order(users, directory, catalog, **ORDER_OPTIONS.get(scenario, {})))
    offered, html = offered_on_page(client, users[username], Ticket.objects.get(pk=order.pk))
    assert (action, None) not in offered
    heading = {"complete": "<h2>办结（双反馈）</h2>", "request_extension": "<h2>申请延期</h2>"}[action]
    assert f'{heading}<p class="muted" role="note">{reason}' in html
    with pytest.raises(ActionBlocked, match=reason):  # the service refuses with the same words, as a 409
        ACTIONS[action].run(users[username], Ticket.objects.get(pk=order.pk), None,
                            valid_data(action, users[username], Ticket.objects.get(pk=order.pk), directory))


def test_nobody_else_is_told_why_a_unit_cannot_complete(client, users, directory, catalog):
    order = Order(users, directory, catalog).contact().whistle(approve=True, report=True, act=True)
    for username in ("dispatcher", "chengguan", "chaoyang", "agent"):
        _, html = offered_on_page(client, users[username], order.ticket)
        assert "请先评价被吹哨部门" not in html


def test_an_unrated_department_holds_the_completion_back_until_the_street_rates_it(users, directory, catalog):
    order = Order(users, directory, catalog).contact().whistle(approve=True, report=True, act=True)
    complete = {"result": "已清理", "caller_feedback_method": "phone", "caller_told_at": timezone.now() - HOUR,
                "caller_feedback": "已告知"}
    with pytest.raises(InvalidTransition, match="请先评价被吹哨部门"):
        handling.complete(users["wangjing"], order.pk, **complete)
    assert Ticket.objects.get(pk=order.pk).status == "in_progress"
    whistle = order.ticket.whistles.get()
    whistles.rate_department(users["wangjing"], whistle.pk, unit=directory["D002"], stars=4)
    handling.complete(users["wangjing"], order.pk, **complete)
    assert Ticket.objects.get(pk=order.pk).status == "completed"


def test_a_pending_extension_holds_the_completion_back_until_the_center_decides(users, directory, catalog):
    order = Order(users, directory, catalog).contact().extension()
    complete = {"result": "已清理", "caller_feedback_method": "phone", "caller_told_at": timezone.now() - HOUR,
                "caller_feedback": "已告知"}
    with pytest.raises(InvalidTransition, match="延期申请待中心审批"):
        handling.complete(users["wangjing"], order.pk, **complete)
    assert not order.ticket.caller_feedbacks.exists()
    center.decide_extension(users["dispatcher"], order.ticket.extensions.get().pk, approve=False, note="时限充足")
    handling.complete(users["wangjing"], order.pk, **complete)
    assert Ticket.objects.get(pk=order.pk).status == "completed"


def test_the_api_refuses_a_blocked_completion_with_409_and_the_reason(users, directory, catalog):
    order = Order(users, directory, catalog).contact().extension()
    body = {"result": "已清理", "caller_feedback_method": "phone",
            "caller_told_at": (timezone.now() - HOUR).isoformat(), "caller_feedback": "已告知"}
    response = client_for(users["wangjing"]).post(f"/api/tickets/{order.pk}/complete/", body, format="json")
    assert response.status_code == 409 and "延期申请待中心审批" in response.json()["detail"]


def test_a_second_return_of_the_same_order_is_a_conflict(users, directory, catalog):
    order = Order(users, directory, catalog)
    handling.return_order(users["wangjing"], order.pk, "非本单位职责")
    with pytest.raises(InvalidTransition, match="本单位已退单"):
        handling.return_order(users["wangjing_leader"], order.pk, "非本单位职责")
    assert order.ticket.return_requests.count() == 1


def test_a_second_return_through_the_api_is_409(users, directory, catalog):
    order = Order(users, directory, catalog)
    url = f"/api/tickets/{order.pk}/return/"
    first = client_for(users["wangjing"]).post(url, {"reason": "非本单位职责"}, format="json")
    again = client_for(users["wangjing_leader"]).post(url, {"reason": "非本单位职责"}, format="json")
    assert first.status_code == 200 and again.status_code == 409, again.content
    assert again.json()["detail"] == "本单位已退单，待中心裁定"
    assert order.ticket.return_requests.count() == 1 and order.ticket.events.filter(action="return").count() == 1


def test_a_department_records_its_action_once(users, directory, catalog):
    order = Order(users, directory, catalog).contact().whistle(approve=True, report=True, act=True)
    whistle = order.ticket.whistles.get()
    with pytest.raises(InvalidTransition, match="本单位已填写处置情况"):
        whistles.record_whistle_action(users["chengguan"], whistle.pk, action_note="改写处置情况")
    assert whistle.targets.get().action_note == "已处置"


def test_the_worklist_offers_a_whistle_call_exactly_as_the_service_would(client, users, directory, catalog):
    order = Order(users, directory, catalog).contact().whistle(approve=True)
    target = order.ticket.whistles.get().targets.get()
    page = login(client, users["chengguan"]).get("/work/?tab=whistle_calls").content.decode()
    assert f"/tickets/{order.pk}/report_in/{target.pk}/" in page
    assert f"/tickets/{order.pk}/whistle_action/{target.pk}/" not in page  # report in first
    whistles.report_in(users["chengguan"], target.whistle_id)
    page = client.get("/work/?tab=whistle_calls").content.decode()
    assert f"/tickets/{order.pk}/whistle_action/{target.pk}/" in page
    assert f"/tickets/{order.pk}/report_in/{target.pk}/" not in page


def test_the_ticket_page_query_count_does_not_grow_with_whistles_and_extensions(client, users, directory, catalog,
                                                                                  django_assert_num_queries):
    small = Order(users, directory, catalog).contact().whistle(approve=True)
    big = Order(users, directory, catalog).contact().whistle(approve=True, report=True, act=True, rate=True)
    big.whistle(approve=True, report=True).whistle().extension()
    login(client, users["wangjing"])
    # session, user, ticket, assignments, whistles + targets, extensions, returns, the header's unread count,
    # user.unit, the catalog path (2), callbacks, feedbacks, events, the events' unit; the checks add none;
    # the dispatch clock, the repeats merged into it, and the whistle form's limits (current policy, whistle
    # limit's working calendar): 4 more; whether the user must call the caller now and sees the address
    # (hotline/privacy.py): 2 more; the order's clocks for its countdowns: 1 more; the whistle form's unit picker
    # loads no list of units (it searches as the user types: /units/search/); the order's attachments: 1 more; the
    # units the order's catalog names, offered as ticks beside the picker: 1 more
    for order in (small, big):
        with django_assert_num_queries(24):
            response = client.get(reverse("hotline:ticket", args=[order.pk]))
        assert response.status_code == 200
