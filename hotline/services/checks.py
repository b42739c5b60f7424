"""The preconditions of every action, each written once.

A check raises the domain error the action fails with (core/errors.py) and returns what the service goes on
with (the actor's assignment, the pending return). Services call the checks under the ticket's row lock; pages
call the same functions to decide which actions to offer (hotline/views/allowed.py). ActionBlocked marks an
action that is the user's to take but waits for something else on the order; pages show its message.

Checks only read: the ticket, the related rows in Facts, the moment.
"""

from functools import cached_property

from attachments.models import ON_SITE_STAGES, Kind
from core.errors import ActionBlocked, InvalidInput, InvalidTransition, NotPermitted
from core.permissions import require_role
from dispatch.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    LIVE_ASSIGNMENT_STATUSES,
    OPEN_WHISTLE_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    ExtensionStatus,
    ReturnStatus,
    WhistleStatus,
)

from ..choices import AWAITING_CALLBACK_STATUSES, HANDLING_STATUSES, OPEN_STATUSES, Status
from .common import check_transition, now_or

URGE_ROLES = "只有派单员和区督办员可以督办"


class Facts:
    """A ticket's assignments, whistles (with their targets), extensions and returns, and the moment.

    A page passes the lists it prefetched; a service passes none and each is read when a check first needs it
    (under the ticket's lock, which every write to these rows also takes).
    """

    def __init__(self, ticket, now=None, *, assignments=None, whistles=None, extensions=None, returns=None,
                 attachments=None):
        self.ticket, self.now = ticket, now_or(now)
        given = {"assignments": assignments, "whistles": whistles, "extensions": extensions, "returns": returns,
                 "attachments": attachments}
        self.__dict__.update({name: rows for name, rows in given.items() if rows is not None})

    @cached_property
    def assignments(self):
        return list(self.ticket.assignments.order_by("id"))

    @cached_property
    def whistles(self):
        return list(self.ticket.whistles.prefetch_related("targets").order_by("id"))

    @cached_property
    def extensions(self):
        return list(self.ticket.extensions.order_by("id"))

    @cached_property
    def returns(self):
        return list(self.ticket.return_requests.order_by("id"))

    @cached_property
    def attachments(self):
        return list(self.ticket.attachments.order_by("id"))


def unit_assignment(user, facts, statuses=ACTIVE_ASSIGNMENT_STATUSES):
    """The user's unit's newest assignment in one of `statuses`; a unit without one has nothing to do here."""
    mine = [a for a in facts.assignments if a.unit_id == user.unit_id and a.status in statuses]
    if not mine:
        raise NotPermitted("本单位在此工单上没有待办任务")
    return max(mine, key=lambda a: a.pk)  # after a re-handle the unit's newest assignment is the live one


def pending_return(facts):
    requests = [r for r in facts.returns if r.status == ReturnStatus.PENDING]
    if not requests:
        raise InvalidTransition("此工单没有待裁定的退单")
    return max(requests, key=lambda r: (r.requested_at, r.pk))


# --- the center ------------------------------------------------------------------------------------------------

def check_can_dispatch(user, ticket, facts=None):
    require_role(user, "dispatch")
    check_transition(ticket, "dispatch", "dispatch")


def check_can_answer(user, ticket, facts=None):
    require_role(user, "answer_directly")
    check_transition(ticket, "answer_directly", "answer_directly")


def check_can_redispatch(user, ticket, facts):
    """Returns the pending return request the re-dispatch upholds."""
    require_role(user, "redispatch")
    request = pending_return(facts)
    check_transition(ticket, "redispatch", "redispatch")
    return request


def check_can_rule_return(user, ticket, facts):
    """Returns the pending return request the ruling rejects."""
    require_role(user, "rule_return")
    request = pending_return(facts)
    check_transition(ticket, "redispatch", "rule_return")
    return request


def check_can_callback(user, ticket, facts=None):
    require_role(user, "callback")
    if ticket.status not in AWAITING_CALLBACK_STATUSES:  # an unreached caller: no transition, same rule
        raise InvalidTransition(f"工单当前状态为「{ticket.get_status_display()}」，不能回访")


def check_can_close(user, ticket, facts=None):
    require_role(user, "close")
    check_transition(ticket, "close", "close")


def check_can_rehandle(user, ticket, facts=None):
    require_role(user, "rehandle")
    check_transition(ticket, "rehandle", "rehandle")


def check_can_urge(user, ticket, facts=None):
    """督办: an open order with a lead unit (a district supervisor's scope is the ticket lookup's)."""
    require_role(user, "urge", URGE_ROLES)
    if ticket.status not in OPEN_STATUSES or ticket.lead_unit_id is None:
        raise InvalidTransition(f"工单当前状态为「{ticket.get_status_display()}」，不能督办")


def check_can_decide_extension(user, extension):
    require_role(user, "decide_extension")
    if extension.status != ExtensionStatus.PENDING:
        raise InvalidTransition("该延期申请已审批")


# --- the handling unit -----------------------------------------------------------------------------------------

def check_can_sign(user, ticket, facts):
    """Returns the unit's assignment to sign (the lead's signature also moves the ticket)."""
    require_role(user, "sign")
    mine = unit_assignment(user, facts)
    if mine.status != AssignmentStatus.DISPATCHED:
        raise InvalidTransition("本单位已签收此工单")
    if mine.role == AssignmentRole.LEAD:
        check_transition(ticket, "sign", "sign")
    return mine


def check_can_return(user, ticket, facts):
    """退单: the lead unit, before signing. Returns its assignment."""
    require_role(user, "return")
    mine = unit_assignment(user, facts, (*ACTIVE_ASSIGNMENT_STATUSES, AssignmentStatus.RETURNED))
    if mine.status == AssignmentStatus.RETURNED:  # e.g. the loser of two returns at once
        raise InvalidTransition("本单位已退单，待中心裁定")
    if mine.status != AssignmentStatus.DISPATCHED:
        raise InvalidTransition("本单位已签收此工单，不能退单")
    if mine.role != AssignmentRole.LEAD:
        raise InvalidTransition("协办单位不能退单，请联系主办单位")
    check_transition(ticket, "return_order", "return")
    return mine


def check_can_contact(user, ticket, facts):
    require_role(user, "contact")
    if unit_assignment(user, facts).role != AssignmentRole.LEAD:
        raise InvalidTransition("由主办单位联系诉求人")
    check_transition(ticket, "contact", "contact")


def check_can_complete(user, ticket, facts):
    """办结: the unit's signed part. The lead completes the order: after contacting the caller, with no whistle
    open or unrated and no extension awaiting approval. Returns the unit's assignment."""
    require_role(user, "complete")
    mine = unit_assignment(user, facts, LIVE_ASSIGNMENT_STATUSES)
    if mine.status == AssignmentStatus.COMPLETED:
        raise InvalidTransition("本单位已办结此工单")
    if mine.status != AssignmentStatus.SIGNED:
        raise InvalidTransition("请先签收工单再办结")
    if mine.role != AssignmentRole.LEAD:
        return mine
    if ticket.status == Status.SIGNED:
        raise ActionBlocked("请先联系诉求人，再办结")
    check_transition(ticket, "complete", "complete")
    _check_whistles_done(facts)
    if any(e.status == ExtensionStatus.PENDING for e in facts.extensions):
        raise ActionBlocked("延期申请待中心审批，审批后再办结")
    return mine


def completion_needs_photo(ticket, facts):
    """The order's catalog leaf asks for an on-site photo at completion and none has been uploaded yet."""
    leaf = ticket.catalog_item
    if leaf is None or not leaf.photo_required_to_complete:
        return False
    return not any(a.kind == Kind.PHOTO and a.stage in ON_SITE_STAGES for a in facts.attachments)


def check_completion_photo(ticket, facts, added_photos):
    """办结须上传现场照片: the lead's completion of such a leaf brings a photo, or one was uploaded before."""
    if added_photos == 0 and completion_needs_photo(ticket, facts):
        raise InvalidInput(f"「{ticket.catalog_item.name}」类诉求办结时须至少上传一张现场照片（可在办理中上传，"
                           "或随办结一并上传）", field="photos")


def check_can_upload(user, ticket, facts):
    """上传现场照片: a unit with a signed part (lead or assisting) while the order is being handled."""
    require_role(user, "complete")
    mine = unit_assignment(user, facts)
    if ticket.status not in HANDLING_STATUSES:
        raise InvalidTransition("工单签收后、办结前才能上传现场照片")
    if mine.status != AssignmentStatus.SIGNED:
        raise InvalidTransition("请先签收工单再上传现场照片")
    return mine


def _check_whistles_done(facts):
    for whistle in facts.whistles:
        if whistle.status == WhistleStatus.REQUESTED:
            raise ActionBlocked("吹哨待街乡镇领导审批，被吹哨部门处置并评价后再办结")
        if whistle.status == WhistleStatus.REFUSED:
            continue
        targets = whistle.targets.all()
        if any(not t.acted_at for t in targets):
            raise ActionBlocked("被吹哨部门尚未全部处置，处置并评价后再办结")
        if any(not t.rated_at for t in targets):
            raise ActionBlocked("请先评价被吹哨部门，再办结")


def check_can_request_extension(user, ticket, facts):
    """延期: the lead unit, after signing and before the deadline, one request at a time."""
    require_role(user, "request_extension")
    mine = unit_assignment(user, facts)
    if mine.status != AssignmentStatus.SIGNED:
        raise InvalidTransition("请先签收工单再申请延期")
    if mine.role != AssignmentRole.LEAD:
        raise InvalidTransition("由主办单位申请延期")
    if ticket.due_at is None:
        raise InvalidTransition("此工单没有办结时限，无需申请延期")
    if facts.now >= ticket.due_at:
        raise ActionBlocked("已超过办结时限，不能再申请延期")
    if any(e.status == ExtensionStatus.PENDING for e in facts.extensions):
        raise ActionBlocked("已有待审批的延期申请")


# --- 吹哨报到 ----------------------------------------------------------------------------------------------------

def check_can_raise_whistle(user, ticket, facts):
    require_role(user, "raise_whistle")
    if ticket.status not in HANDLING_STATUSES:
        raise InvalidTransition("工单签收后、办结前才能吹哨")
    if not any(a.unit_id == user.unit_id and a.role == AssignmentRole.LEAD and a.status == AssignmentStatus.SIGNED
               for a in facts.assignments):
        raise NotPermitted("只有主办街乡镇可以吹哨")


def check_can_decide_whistle(user, whistle):
    require_role(user, "approve_whistle")
    if whistle.street_id != user.unit_id:
        raise NotPermitted("只能审批本街乡镇的吹哨")
    if whistle.status != WhistleStatus.REQUESTED:
        raise InvalidTransition("该吹哨已审批")


def _called(user, whistle, target):
    """`target`: the user's unit's place on the whistle (None when it is not called)."""
    require_role(user, "report_in")
    if target is None or target.unit_id != user.unit_id:
        raise NotPermitted("本单位不在此次吹哨的报到名单中")
    if whistle.status != WhistleStatus.APPROVED:
        raise InvalidTransition("该吹哨尚未批准或已结束")


def check_can_report_in(user, whistle, target):
    _called(user, whistle, target)
    if target.reported_in_at:
        raise InvalidTransition("本单位已报到")


def check_can_record_action(user, whistle, target):
    _called(user, whistle, target)
    if not target.reported_in_at:
        raise InvalidTransition("请先报到再填写处置情况")
    if target.acted_at:
        raise InvalidTransition("本单位已填写处置情况")


def check_can_rate(user, whistle, target):
    """The whistling street rates a department once it has acted. `target`: None when the unit was not called."""
    require_role(user, "rate_department")
    if whistle.street_id != user.unit_id:
        raise NotPermitted("只能评价本街乡镇吹哨的部门")
    if target is None:
        raise InvalidInput("该单位不在此次吹哨名单中", field="unit")
    if target.rated_at:
        raise InvalidTransition("已评价过该部门")
    if not target.acted_at:
        raise InvalidTransition("该部门尚未填写处置情况，暂不能评价")


# --- 重复诉求并单 -------------------------------------------------------------------------------------------------

def check_can_merge_repeat(user, ticket, facts):
    """The later order can join an original now (the original's own conditions: repeats._check_merge)."""
    require_role(user, "merge_repeat")
    if ticket.status == Status.CLOSED:
        raise InvalidTransition(f"工单{ticket.number}已结案，不能并入其他工单")
    if ticket.repeat_of_id:
        raise InvalidTransition(f"工单{ticket.number}已并入工单{ticket.repeat_of.number}")
    if ticket.repeats.exists():
        raise InvalidTransition(f"已有重复诉求并入工单{ticket.number}，它不能再并入其他工单")
    if any(w.status in OPEN_WHISTLE_STATUSES for w in facts.whistles):
        raise ActionBlocked(f"工单{ticket.number}有未完成的吹哨，请待部门处置并评价后再并入")


def check_can_unmerge_repeat(user, ticket, facts=None):
    require_role(user, "unmerge_repeat")
    check_transition(ticket, "unmerge", "unmerge_repeat")
