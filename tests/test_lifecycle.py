"""Whole scenarios through the services; the audit trail of each reads like the story."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from core.errors import InvalidInput, InvalidTransition, NotFoundInScope, NotPermitted
from dispatch.models import LIVE_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus, ReturnStatus
from hotline.choices import Status
from hotline.models import Ticket
from hotline.services import whistles

from .lifecycle_helpers import T0, center, handling, intake, story, take_call, walk_to_completed

H = dt.timedelta(hours=1)


def test_consultation_answered_directly_then_called_back_and_closed(users, directory, catalog):
    ticket = take_call(users, directory, catalog["policy"], content="咨询老旧小区加装电梯补贴政策")
    intake.answer_directly(users["agent"], ticket.pk, "按市住建委政策，每部电梯补贴64万元", now=T0 + H)
    center.record_callback(users["callback"], ticket.pk, reached=True, contacted=True, resolved=True,
                           satisfaction="satisfied", now=T0 + 2 * H)
    center.close(users["callback"], ticket.pk, now=T0 + 2 * H)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert not ticket.assignments.exists()
    assert story(ticket) == [
        ("intake", "", "received"), ("answer_directly", "received", "answered"),
        ("callback", "answered", "callback"), ("close", "callback", "closed"),
    ]


def test_street_order_signed_contacted_completed_called_back_closed(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], content="楼下垃圾堆放多日无人清理")
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    ticket.refresh_from_db()
    assert ticket.lead_unit.name == "望京街道"
    assert ticket.contact_due_at == T0 + 24 * H and ticket.due_at == T0 + 7 * 24 * H
    walk_to_completed(users, ticket)
    center.record_callback(users["callback"], ticket.pk, reached=True, contacted=True, resolved=True,
                           satisfaction="basic", now=T0 + 30 * H)
    center.close(users["callback"], ticket.pk, now=T0 + 30 * H)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.contacted_at == T0 + dt.timedelta(minutes=30)
    assert ticket.caller_feedbacks.get().summary == "电话告知已清理"
    actions = [a for a, _, _ in story(ticket)]
    assert actions == ["intake", "dispatch", "sign", "contact", "complete", "callback", "close"]
    dispatch_event = ticket.events.get(action="dispatch")
    assert "抄送朝阳区" in dispatch_event.note and dispatch_event.actor == users["agent"]


def test_district_supervisor_sees_the_street_order_but_cannot_sign_it(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    from hotline.services.common import may_see

    assert may_see(users["chaoyang"], ticket)
    with pytest.raises(NotPermitted):
        handling.sign(users["chaoyang"], ticket.pk)


def test_heating_order_goes_to_the_heating_company_by_catalog(users, directory, catalog):
    ticket = take_call(users, directory, catalog["heating"])
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    ticket.refresh_from_db()
    assert ticket.lead_unit.short_name == "热力集团" and ticket.tier == "24h"
    with pytest.raises(NotFoundInScope):  # not the street's order
        handling.sign(users["wangjing"], ticket.pk)
    handling.sign(users["heating"], ticket.pk)


def test_return_redispatched_to_another_unit(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], content="马路上的井盖丢失")
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    handling.return_order(users["wangjing"], ticket.pk, "井盖属排水集团产权，非街道职责", now=T0 + H)
    ticket.refresh_from_db()
    assert ticket.status == Status.RETURNED
    with pytest.raises(NotPermitted):  # the returned order is no longer the street's to sign
        handling.sign(users["wangjing"], ticket.pk)
    center.redispatch(users["dispatcher"], ticket.pk, lead_unit=directory["D002"], now=T0 + 2 * H)
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit == directory["D002"]
    assert ticket.due_at == T0 + 2 * H + 7 * 24 * H  # the clock restarts at the new dispatch
    assert ticket.return_requests.get().status == ReturnStatus.UPHELD
    handling.sign(users["chengguan"], ticket.pk)
    assert [a for a, _, _ in story(ticket)] == ["intake", "dispatch", "return", "redispatch", "sign"]


def test_return_dispute_ruled_back_to_the_street(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    handling.return_order(users["wangjing"], ticket.pk, "地址在相邻街道", now=T0 + H)
    center.rule_return(users["dispatcher"], ticket.pk, ruling="经核实地址属望京街道辖区", now=T0 + 2 * H)
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit.name == "望京街道"
    assert ticket.return_requests.get().status == ReturnStatus.REJECTED
    handling.sign(users["wangjing"], ticket.pk)
    assert "退单不成立" in ticket.events.get(action="rule_return").note


def test_whistle_approved_reported_in_acted_and_rated(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], content="小区门口违规占道经营，街道无执法权")
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    handling.sign(users["wangjing"], ticket.pk, now=T0 + H)
    handling.contact_caller(users["wangjing"], ticket.pk, "已联系", now=T0 + H)
    whistle = whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory["D002"]],
                                     reason="占道经营需执法", now=T0 + 2 * H)
    with pytest.raises(NotPermitted):  # staff cannot approve their own whistle
        whistles.decide_whistle(users["wangjing"], whistle.pk, approve=True)
    whistles.decide_whistle(users["wangjing_leader"], whistle.pk, approve=True, now=T0 + 3 * H)
    target = whistle.targets.get()
    target.refresh_from_db()
    assert target.report_in_due_at == T0 + 3 * H + 48 * H
    with pytest.raises(InvalidTransition):  # the street cannot complete while the whistle is open
        handling.complete(users["wangjing"], ticket.pk, result="x", caller_feedback_method="phone",
                          caller_told_at=T0 + 3 * H, caller_feedback="x", now=T0 + 4 * H)
    whistles.report_in(users["chengguan"], whistle.pk, now=T0 + 5 * H)
    whistles.record_whistle_action(users["chengguan"], whistle.pk, action_note="已现场执法，清理摊位", now=T0 + 20 * H)
    whistles.rate_department(users["wangjing"], whistle.pk, unit=directory["D002"], stars=5, now=T0 + 21 * H)
    whistle.refresh_from_db()
    assert whistle.status == "closed"
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS  # the order stayed with the street
    handling.complete(users["wangjing"], ticket.pk, result="联合城管执法，摊位已清理", caller_feedback_method="phone",
                      caller_told_at=T0 + 22 * H, caller_feedback="已告知", now=T0 + 22 * H)
    rating = ticket.events.get(action="rate_department")
    assert "5星" in rating.note and "报到按时" in rating.note
    assert [a for a, _, _ in story(ticket)] == [
        "intake", "dispatch", "sign", "contact", "raise_whistle", "approve_whistle", "report_in",
        "whistle_action", "rate_department", "complete",
    ]


def test_multi_unit_order_has_one_lead_and_assisting_units_sign_their_part(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, lead_unit=directory["110105026"],
                           assist_units=[directory["D002"]], now=T0)
    handling.sign(users["chengguan"], ticket.pk, now=T0 + H)
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED  # an assisting signature does not move the order
    with pytest.raises(InvalidTransition):
        handling.contact_caller(users["chengguan"], ticket.pk, "已联系")
    walk_to_completed(users, ticket)
    handling.complete(users["chengguan"], ticket.pk, result="协助清理完毕", caller_feedback_method="phone",
                      caller_told_at=T0, caller_feedback="-", now=T0 + 5 * H)
    statuses = dict(Assignment.objects.filter(ticket=ticket).values_list("role", "status"))
    assert statuses == {"lead": AssignmentStatus.COMPLETED, "assist": AssignmentStatus.COMPLETED}
    with pytest.raises(InvalidInput):
        intake.dispatch_ticket(users["agent"], take_call(users, directory, catalog["sanitation"]).pk,
                               lead_unit=directory["D002"], assist_units=[directory["D002"]])


def test_unresolved_callback_is_rehandled_by_the_same_unit(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    walk_to_completed(users, ticket)
    center.record_callback(users["callback"], ticket.pk, reached=True, contacted=True, resolved=False,
                           satisfaction="unsatisfied", note="垃圾又堆起来了", now=T0 + 30 * H)
    center.rehandle(users["callback"], ticket.pk, "诉求人反映问题未解决", now=T0 + 31 * H)
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.rehandle_count == 1
    assert ticket.contacted_at is None and ticket.due_at == T0 + 31 * H + 7 * 24 * H
    walk_to_completed(users, ticket, now=T0 + 32 * H)
    ticket.refresh_from_db()
    assert ticket.status == Status.COMPLETED
    assert [a for a, _, _ in story(ticket)][-6:] == ["complete", "callback", "rehandle", "sign", "contact", "complete"]


def test_extension_approved_moves_the_deadline(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    handling.sign(users["wangjing"], ticket.pk, now=T0 + H)
    new_due = T0 + 10 * 24 * H
    ask = dict(requested_due_at=new_due, now=T0 + 2 * H)
    extension = handling.request_extension(users["wangjing"], ticket.pk, reason="需协调产权单位", **ask)
    with pytest.raises(InvalidTransition):
        handling.request_extension(users["wangjing"], ticket.pk, reason="再次", **ask)
    center.decide_extension(users["dispatcher"], extension.pk, approve=True, now=T0 + 3 * H)
    ticket.refresh_from_db()
    assert ticket.due_at == new_due
    assert "批准延期" in ticket.events.get(action="decide_extension").note


def test_bad_input_names_the_field_and_writes_nothing(users, directory, catalog):
    before = Ticket.objects.count()
    with pytest.raises(InvalidInput) as error:
        take_call(users, directory, catalog["sanitation"], street="110105026", content="   ")
    assert error.value.field == "content"
    street = directory["110101001"]  # 东城区 street with 朝阳区 district
    with pytest.raises(InvalidInput) as error:
        intake.intake_ticket(users["agent"], channel="phone", caller_phone="13812341234", address="x",
                             district=directory["110105"], street=street, content="x", request_type="complaint",
                             catalog_item=catalog["sanitation"])
    assert error.value.field == "street"
    with pytest.raises(InvalidInput) as error:
        take_call(users, directory, catalog["sanitation"], tier="15d")
    assert error.value.field == "tier_reason"
    assert Ticket.objects.count() == before


def test_idempotency_key_returns_the_first_ticket(users, directory, catalog):
    first = take_call(users, directory, catalog["sanitation"], idempotency_key="wechat-msg-42")
    second = take_call(users, directory, catalog["sanitation"], idempotency_key="wechat-msg-42")
    assert first.pk == second.pk and Ticket.objects.filter(idempotency_key="wechat-msg-42").count() == 1


def test_emergency_raises_the_tier_to_2h(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"], urgency="emergency", content="燃气泄漏味道很重")
    assert ticket.tier == "2h"
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    ticket.refresh_from_db()
    assert ticket.contact_due_at == T0 + 2 * H and ticket.due_at == T0 + 2 * H


def test_redispatch_without_a_unit_names_the_field(users, directory, catalog):
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    handling.return_order(users["wangjing"], ticket.pk, "非本街道辖区", now=T0 + H)
    with pytest.raises(InvalidInput) as error:
        center.redispatch(users["dispatcher"], ticket.pk, lead_unit=None)
    assert error.value.field == "lead_unit"
    ticket.refresh_from_db()
    assert ticket.status == Status.RETURNED


def test_redispatch_keeps_one_live_part_per_unit(users, directory, catalog):
    """A unit that signed as assisting keeps that one part when named again; one that now leads gives it up."""
    wangjing, chengguan, zhujian = directory["110105026"], directory["D002"], directory["D001"]
    ticket = take_call(users, directory, catalog["sanitation"])
    intake.dispatch_ticket(users["agent"], ticket.pk, lead_unit=wangjing, assist_units=[chengguan, zhujian], now=T0)
    handling.sign(users["chengguan"], ticket.pk, now=T0 + H)
    handling.return_order(users["wangjing"], ticket.pk, "不属于本街道辖区", now=T0 + H)
    center.redispatch(users["dispatcher"], ticket.pk, lead_unit=zhujian, assist_units=[chengguan, chengguan],
                      now=T0 + 2 * H)
    live = Assignment.objects.filter(ticket=ticket, status__in=LIVE_ASSIGNMENT_STATUSES)
    assert sorted(live.values_list("unit__code", "role", "status")) == [
        ("D001", "lead", "dispatched"), ("D002", "assist", "signed")]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself refuses a second live part
        Assignment.objects.create(ticket=ticket, unit=chengguan, role="assist", dispatched_at=T0)
