"""The shape every lifecycle service shares: lock the row, check, transition, save, audit."""

from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from core.errors import InvalidInput, InvalidTransition, NotFoundInScope
from core.permissions import visible_unit_ids

from ..models import Ticket, TicketEvent
from ..selectors import ticket_visible

ACTION_LABELS = {
    "intake": "受理", "answer_directly": "直接答复", "dispatch": "派单", "return": "退单", "redispatch": "改派",
    "rule_return": "退单裁定", "sign": "签收", "contact": "联系诉求人", "complete": "办结", "assist_sign": "协办签收",
    "assist_complete": "协办办结", "callback": "回访", "close": "结案", "rehandle": "退回重办",
    "request_extension": "申请延期", "decide_extension": "延期审批", "raise_whistle": "吹哨",
    "approve_whistle": "批准吹哨", "refuse_whistle": "不批准吹哨", "report_in": "部门报到",
    "whistle_action": "部门处置", "rate_department": "评价部门", "link_repeat": "关联重复诉求",
    "merge_repeat": "并入原工单", "unmerge_repeat": "撤销并入",
    "attach": "上传现场照片", "warn": "临期预警", "breach": "超期", "urge": "督办",
}


def now_or(now):
    return now or timezone.now()


def require_text(value, field, label):
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{label}不能为空", field=field)
    return value


@contextmanager
def locked_ticket(ticket_id, actor=None):
    """Open a transaction and lock the ticket row; a ticket the actor may not see is 'not found'."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None or (actor is not None and not may_see(actor, ticket)):
            raise NotFoundInScope("工单不存在或不在您的权限范围内")
        yield ticket


def may_see(user, ticket):
    """The user's scope (hotline/selectors.py visible_tickets, its one home) holds the ticket."""
    if visible_unit_ids(user) is None:
        return True
    return ticket_visible(user, ticket.pk)


def check_transition(ticket, transition_name, action):
    """The FSM allows the transition from the ticket's status, else a 409 naming the status and the action."""
    if not can_proceed(getattr(ticket, transition_name)):
        raise InvalidTransition(
            f"工单当前状态为「{ticket.get_status_display()}」，不能{ACTION_LABELS.get(action, action)}"
        )


def apply_transition(ticket, transition_name, action, *, actor, note="", data=None, now=None, **kwargs):
    """Run an FSM transition on a locked ticket, save the changed fields, and write the audit event."""
    check_transition(ticket, transition_name, action)
    method = getattr(ticket, transition_name)
    before = {f.attname: getattr(ticket, f.attname) for f in ticket._meta.concrete_fields}
    from_status = ticket.status
    now = now_or(now)
    method(now=now, **kwargs)
    changed = [name for name, value in before.items() if getattr(ticket, name) != value and name != "id"]
    ticket.save(update_fields=changed)
    return record_event(ticket, action, actor=actor, note=note, data=data, now=now, from_status=from_status)


def record_event(ticket, action, *, actor=None, note="", data=None, now=None, from_status=None):
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        actor_unit_id=getattr(actor, "unit_id", None),
        action=action,
        from_status=from_status if from_status is not None else ticket.status,
        to_status=ticket.status,
        note=note,
        data=data or {},
        created_at=now_or(now),
    )
