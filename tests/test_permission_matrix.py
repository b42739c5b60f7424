"""Every role × every API action, on an order of the actor's own unit and of another unit.

The expectations come from the tables below, written from DOMAIN.md ("Users", the glossary and the
lifecycle), not from core/permissions.py:
- ALLOWED: which roles do each action (DOMAIN.md wording in the comment);
- OWN_UNIT_ONLY: actions a handling unit does only on its own orders/whistles;
- what a user sees (DOMAIN.md "Each sees only what their unit is entitled to"): center roles every order,
  a handling unit the orders assigned or whistled to it, a district supervisor its district's streets' orders and
  the dispatched orders at addresses in the district (tests/test_district_orders.py checks that scope across units).
Allowed → 2xx. Denied → 404 when the order is outside what the user sees, else 403.
"""

import datetime as dt

import pytest

from dispatch.choices import Role
from dispatch.models import User
from hotline.services import center, handling, intake, repeats, whistles

from .api_helpers import COMPLETE_BODY, client_for, intake_body

AGENT, DISPATCHER, CALLBACK = "agent", "dispatcher", "callback"
STAFF, LEADER, DEPARTMENT = "wangjing", "wangjing_leader", "chengguan"
SUPERVISOR, CITY_LEADER, ADMIN = "chaoyang", "leader", "admin"
CENTER = {AGENT, DISPATCHER, CALLBACK, CITY_LEADER, ADMIN}
ROLES = [AGENT, DISPATCHER, CALLBACK, STAFF, LEADER, DEPARTMENT, SUPERVISOR, CITY_LEADER, ADMIN]

ALLOWED = {
    "intake": {AGENT, DISPATCHER},  # 受理: the center's agents record requests (dispatchers stand in)
    "answer": {AGENT},  # 直接答复: "consultations the agent answers from the knowledge base"
    "dispatch": {AGENT, DISPATCHER},  # 直派: agents dispatch at intake, dispatchers work the queue
    "batch_dispatch": {DISPATCHER},  # 派单员 work the queue: several orders to one unit in one step
    "redispatch": {DISPATCHER},  # 退单: "the center re-dispatches or rules"
    "rule_return": {DISPATCHER},  # 派单争议裁定
    "sign": {STAFF, LEADER, DEPARTMENT},  # 签收: "the unit acknowledges the order"
    "return": {STAFF, LEADER, DEPARTMENT},  # 退单: "the unit says it is not responsible"
    "contact": {STAFF, LEADER, DEPARTMENT},  # 响应: "the handler contacts the caller"
    "complete": {STAFF, LEADER, DEPARTMENT},  # 办结: "the unit records the result"
    "request_extension": {STAFF, LEADER, DEPARTMENT},  # 延期: "the unit asks for more time"
    "decide_extension": {DISPATCHER},  # 延期: "the center approves or refuses"
    "raise_whistle": {STAFF, LEADER},  # 吹哨: "the street calls one or more departments"
    "decide_whistle": {LEADER},  # "a leader approves the whistle" (street leaders approve whistles)
    "report_in": {DEPARTMENT},  # 报到: "each department must report in"
    "whistle_action": {DEPARTMENT},  # "… and act within a limit"
    "rate": {STAFF, LEADER},  # "the street rates each department afterwards"
    "callback": {CALLBACK},  # 回访: "the hotline asks the caller" (回访员)
    "close": {CALLBACK},  # the callback closes the order
    "rehandle": {CALLBACK, DISPATCHER},  # 重办: "the center sends an unresolved order back"
    "merge_repeat": {DISPATCHER},  # 重复诉求 "are linked, not double-counted": the center merges a later request
    "unmerge_repeat": {DISPATCHER},  # … and undoes a mistaken merge
}
OWN_UNIT_ONLY = {"sign", "return", "contact", "complete", "request_extension", "raise_whistle", "decide_whistle",
                 "report_in", "whistle_action", "rate"}
CENTER_QUEUE = {"answer", "dispatch"}  # orders not yet dispatched: only the center sees them

WANGJING, DONGHUAMEN, CHENGGUAN, HEATING = "110105026", "110101001", "D002", "E002"
# (order's unit, whistling street, whistled department) for the actor's own unit and for another unit
CASES = {
    "own": {STAFF: (WANGJING, WANGJING, CHENGGUAN), LEADER: (WANGJING, WANGJING, CHENGGUAN),
            DEPARTMENT: (CHENGGUAN, WANGJING, CHENGGUAN)},
    "other": {STAFF: (DONGHUAMEN, DONGHUAMEN, CHENGGUAN), LEADER: (DONGHUAMEN, DONGHUAMEN, CHENGGUAN),
              DEPARTMENT: (HEATING, WANGJING, HEATING)},
}
DEFAULT_CASE = {"own": (WANGJING, WANGJING, CHENGGUAN), "other": (DONGHUAMEN, DONGHUAMEN, CHENGGUAN)}
SUPERVISOR_DISTRICT_STREETS = {WANGJING}  # 朝阳区 streets used here; 东华门 is in 东城区


def sees(role, case, action):
    if role in CENTER:
        return True
    if action in CENTER_QUEUE or action == "intake":
        return False
    if role == SUPERVISOR:
        return case == "own"
    return case == "own"


def expected(role, case, action):
    allowed = role in ALLOWED[action] and (case == "own" or action not in OWN_UNIT_ONLY or role in CENTER)
    if allowed:
        return "2xx"
    if action in ("intake", "batch_dispatch"):  # no order in the path: the role decides
        return 403
    return 403 if sees(role, case, action) else 404


class World:
    """Builds orders through the services, with a handler user for every unit used."""

    def __init__(self, users, directory, catalog):
        self.users, self.directory, self.catalog = users, directory, catalog
        self.now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        self.handlers = {WANGJING: (users[STAFF], users[LEADER]), CHENGGUAN: (users[DEPARTMENT],) * 2,
                         HEATING: (users["heating"],) * 2,
                         DONGHUAMEN: (self.user("dhm", Role.STREET_STAFF), self.user("dhm_leader",
                                                                                     Role.STREET_LEADER))}

    def user(self, username, role):
        return User.objects.create(username=username, role=role, unit=self.directory[DONGHUAMEN])

    def received(self, unit_code):
        street = self.directory[unit_code if unit_code.startswith("11") else WANGJING]
        ticket, _ = intake.intake_ticket(
            self.users[AGENT], channel="phone", caller_phone="13812341234", address=f"{street.name}1号",
            district=street.parent, street=street, content="路灯不亮", request_type="complaint",
            catalog_item=self.catalog["sanitation"], now=self.now)
        return ticket.pk

    def dispatched(self, unit_code):
        pk = self.received(unit_code)
        intake.dispatch_ticket(self.users[AGENT], pk, lead_unit=self.directory[unit_code], now=self.now)
        return pk

    def returned(self, unit_code):
        pk = self.dispatched(unit_code)
        handling.return_order(self.handlers[unit_code][0], pk, "非本单位职责")
        return pk

    def signed(self, unit_code):
        pk = self.dispatched(unit_code)
        handling.sign(self.handlers[unit_code][0], pk)
        return pk

    def in_progress(self, unit_code):
        pk = self.signed(unit_code)
        handling.contact_caller(self.handlers[unit_code][0], pk, "已联系")
        return pk

    def completed(self, unit_code):
        pk = self.in_progress(unit_code)
        handling.complete(self.handlers[unit_code][0], pk, result="已处理", caller_feedback_method="phone",
                          caller_told_at=dt.datetime.now(dt.UTC), caller_feedback="已告知")
        return pk

    def called_back(self, unit_code):
        pk = self.completed(unit_code)
        center.record_callback(self.users[CALLBACK], pk, reached=True, contacted=True, resolved=False,
                               satisfaction="unsatisfied")
        return pk

    def merged(self, unit_code):
        original, later = self.dispatched(unit_code), self.signed(unit_code)
        repeats.merge_repeat(self.users[DISPATCHER], later, original, "同一诉求人反映同一问题")
        return later

    def extension(self, unit_code):
        pk = self.signed(unit_code)
        return handling.request_extension(self.handlers[unit_code][0], pk, reason="协调",
                                          requested_due_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC)).pk

    def whistle(self, street_code, department_code, *, approved=False, reported=False, acted=False):
        staff, leader = self.handlers[street_code]
        pk = self.signed(street_code)
        whistle = whistles.raise_whistle(staff, pk, units=[self.directory[department_code]], reason="需执法")
        department = self.handlers[department_code][0]
        if approved:
            whistles.decide_whistle(leader, whistle.pk, approve=True)
        if reported:
            whistles.report_in(department, whistle.pk)
        if acted:
            whistles.record_whistle_action(department, whistle.pk, action_note="已处置")
        return whistle.pk


def request(world, action, unit, street, department):
    """(url, body) of one action against an order in the right state."""
    t = "/api/tickets/{}/".format
    unit_obj = world.directory[unit]
    other = CHENGGUAN if unit != CHENGGUAN else HEATING
    if action == "intake":
        return "/api/tickets/", intake_body(world.catalog["sanitation"], world.directory[WANGJING])
    if action == "batch_dispatch":
        return "/api/tickets/batch-dispatch/", {"ticket_ids": [world.received(unit)], "lead_unit": unit_obj.code}
    if action == "answer":
        return t(world.received(unit)) + "answer/", {"answer": "按政策答复"}
    if action == "dispatch":
        return t(world.received(unit)) + "dispatch/", {"lead_unit": unit_obj.code}
    if action == "redispatch":
        return t(world.returned(unit)) + "redispatch/", {"lead_unit": other}
    if action == "rule_return":
        return t(world.returned(unit)) + "rule-return/", {"ruling": "属本单位职责"}
    if action in ("sign", "return"):
        body = {"reason": "非本单位职责"} if action == "return" else {}
        return t(world.dispatched(unit)) + f"{action}/", body
    if action == "contact":
        return t(world.signed(unit)) + "contact/", {"note": "已联系"}
    if action == "complete":
        return t(world.in_progress(unit)) + "complete/", COMPLETE_BODY
    if action == "request_extension":
        return t(world.signed(unit)) + "extensions/", {"reason": "协调", "requested_due_at": "2099-01-01T00:00:00Z"}
    if action == "decide_extension":
        return f"/api/extensions/{world.extension(unit)}/decide/", {"approve": True}
    if action == "raise_whistle":
        return t(world.signed(unit)) + "whistles/", {"units": [other], "reason": "需执法"}
    w = "/api/whistles/{}/".format
    if action == "decide_whistle":
        return w(world.whistle(street, department)) + "decide/", {"approve": True}
    if action == "report_in":
        return w(world.whistle(street, department, approved=True)) + "report-in/", {}
    if action == "whistle_action":
        return w(world.whistle(street, department, approved=True, reported=True)) + "action/", {"action_note": "x"}
    if action == "rate":
        whistle = world.whistle(street, department, approved=True, reported=True, acted=True)
        return w(whistle) + "rate/", {"unit": department, "stars": 4}
    if action == "callback":
        return t(world.completed(unit)) + "callback/", {"reached": True, "contacted": True, "resolved": True,
                                                         "satisfaction": "satisfied"}
    if action == "merge_repeat":
        original = world.dispatched(unit)
        return t(world.signed(unit)) + "merge-repeat/", {"original_id": original, "reason": "同一问题"}
    if action == "unmerge_repeat":
        return t(world.merged(unit)) + "unmerge-repeat/", {"reason": "核实为不同问题"}
    if action in ("close", "rehandle"):
        return t(world.called_back(unit)) + f"{action}/", {"reason": "未解决"}
    raise AssertionError(action)


@pytest.mark.parametrize("case", ["own", "other"])
@pytest.mark.parametrize("action", list(ALLOWED))
def test_role_matrix(demo_users, directory, catalog, action, case):
    world = World(demo_users, directory, catalog)
    wrong = []
    for role in ROLES:
        unit, street, department = CASES[case].get(role, DEFAULT_CASE[case])
        url, body = request(world, action, unit, street, department)
        body = dict(body, caller_told_at=dt.datetime.now(dt.UTC).isoformat()) if action == "complete" else body
        response = client_for(demo_users[role]).post(url, body, format="json")
        want = expected(role, case, action)
        ok = 200 <= response.status_code < 300 if want == "2xx" else response.status_code == want
        if not ok:
            wrong.append((role, want, response.status_code, response.content[:160].decode(errors="replace")))
    assert not wrong, wrong
