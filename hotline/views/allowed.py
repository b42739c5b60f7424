"""Which actions a user may take on a ticket right now: pages show a button only for these.

The rules are the services' own: the role table (role_may), the FSM (can_proceed) and the user's unit's
assignment or whistle call. Templates never test roles or statuses themselves.
"""

from django.utils import timezone
from django_fsm import can_proceed

from dispatch.models import AssignmentRole, AssignmentStatus, ExtensionStatus, WhistleStatus
from dispatch.permissions import role_may
from hotline.choices import OPEN_STATUSES
from hotline.services.repeats import may_merge

ACTIVE = (AssignmentStatus.DISPATCHED, AssignmentStatus.SIGNED)
OPEN_WHISTLES = (WhistleStatus.REQUESTED, WhistleStatus.APPROVED)


def _my_assignment(user, assignments):
    return next((a for a in assignments if a.unit_id == user.unit_id and a.status in ACTIVE), None)


def ticket_actions(user, ticket, assignments, whistles, extensions, now=None):
    """Names of the ticket-level actions open to the user (assignments/whistles/extensions: prefetched lists)."""
    now = now or timezone.now()
    allowed = set()
    for action, transition in (("dispatch", ticket.dispatch), ("answer_directly", ticket.answer_directly),
                               ("redispatch", ticket.redispatch), ("rule_return", ticket.redispatch),
                               ("callback", ticket.record_callback), ("close", ticket.close),
                               ("rehandle", ticket.rehandle)):
        if role_may(user, action) and can_proceed(transition):
            allowed.add(action)
    if may_urge(user, ticket):
        allowed.add("urge")
    if role_may(user, "merge_repeat") and may_merge(ticket):
        allowed.add("merge_repeat")
    if role_may(user, "unmerge_repeat") and can_proceed(ticket.unmerge):
        allowed.add("unmerge_repeat")
    mine = _my_assignment(user, assignments)
    if mine is None:
        return allowed
    lead = mine.role == AssignmentRole.LEAD
    signed = mine.status == AssignmentStatus.SIGNED
    if mine.status == AssignmentStatus.DISPATCHED and role_may(user, "sign"):
        allowed.add("sign")
    if lead and mine.status == AssignmentStatus.DISPATCHED and role_may(user, "return") \
            and can_proceed(ticket.return_order):
        allowed.add("return")
    if lead and role_may(user, "contact") and can_proceed(ticket.contact):
        allowed.add("contact")
    open_whistle = any(w.status in OPEN_WHISTLES for w in whistles)
    if signed and role_may(user, "complete") and (not lead or (can_proceed(ticket.complete) and not open_whistle)):
        allowed.add("complete")
    pending = any(e.status == ExtensionStatus.PENDING for e in extensions)
    if lead and signed and role_may(user, "request_extension") and ticket.due_at and now < ticket.due_at \
            and not pending:
        allowed.add("request_extension")
    if lead and signed and role_may(user, "raise_whistle") and ticket.status in ("signed", "in_progress"):
        allowed.add("raise_whistle")
    return allowed


def mark_whistle_actions(user, whistles):
    """Set can_decide on each whistle and can_report_in / can_act / can_rate on each of its targets."""
    for whistle in whistles:
        own_street = whistle.street_id == user.unit_id
        whistle.can_decide = (own_street and whistle.status == WhistleStatus.REQUESTED
                              and role_may(user, "approve_whistle"))
        approved = whistle.status == WhistleStatus.APPROVED
        for target in whistle.targets.all():
            called = approved and target.unit_id == user.unit_id and role_may(user, "report_in")
            target.can_report_in = called and not target.reported_in_at
            target.can_act = called and bool(target.reported_in_at) and not target.acted_at
            target.can_rate = (own_street and approved and bool(target.acted_at) and not target.rated_at
                               and role_may(user, "rate_department"))
    return whistles


def mark_extension_actions(user, extensions):
    for extension in extensions:
        extension.can_decide = extension.status == ExtensionStatus.PENDING and role_may(user, "decide_extension")
    return extensions


def may_urge(user, ticket):
    """督办: the urge service's own conditions (role, an open order with a lead unit); scope is the page's query."""
    return role_may(user, "urge") and ticket.status in OPEN_STATUSES and ticket.lead_unit_id is not None


def may_review_unreasonable(user):
    return role_may(user, "review_unreasonable")


def may_close_month(user):
    return role_may(user, "close_month")
