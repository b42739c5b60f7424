"""Who sees a caller's data, and how it is masked (PIPL: the minimum necessary). The one home of that rule.

The full number and name: only for whoever must call the caller on this order now (``caller_entitlement``), and
only through the recorded 查看完整号码 action (hotline/services/caller.py):
- INTAKE: the user who took the call (received_by) while the order is received, not yet dispatched or answered;
- LEAD: a handler of the unit holding the order's active lead part (dispatched or signed: not returned,
  withdrawn, replaced or completed);
- CALLBACK: a callback agent while the order awaits its callback (completed or answered).
Everyone else, and everyone on lists and in the API, sees masks: city leaders, administrators, auditors, district
supervisors, dispatchers (they route by the address, they do not call), assisting units, former leads, whistled
departments. Searching by number follows the same rule (``phone_search_q``). Numbers inside a request's content
are masked for everyone (``mask_numbers``), and a query holding one searches no free text (``has_number``).

The incident address in full only for those who work on the order (``address_shown_expr``): the center's agents,
dispatchers and callback agents, and units holding a live part or a whistle call.

A unit whose part ended (returned, withdrawn, replaced) keeps reading the order, but only its own records and
what was there when its part ended (``part_ended_at``, ``record_for``).
"""

import re

from django.db.models import BooleanField, Exists, OuterRef, Q, Value

from core.permissions import HANDLER_ROLES, role_may
from dispatch.choices import Role
from dispatch.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    LIVE_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentRole,
    WhistleTarget,
)

from .choices import AWAITING_CALLBACK_STATUSES, CallerEntitlement, Status

ADDRESS_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.CALLBACK_AGENT})  # the center staff who work orders
PHONE_SEARCH_NOTE = ("号码检索仅限当前需要联系诉求人的人员（受理后派单前的受理话务员、办理中的主办单位、待回访时的"
                     "回访员），且只匹配其正在处理的工单；其他工单不按号码匹配（按工单号查找不受影响）。")
REVEAL_REFUSED = ("只有当前需要联系诉求人的人员可以查看完整号码：受理后派单前的受理话务员、办理中的主办单位、"
                  "待回访时的回访员")
PHONE_CHARS = re.compile(r"^[\d*xX]+$")
NUMBER_IN_TEXT = re.compile(r"(?<![\d-])(1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8})(?![\d-])")  # not 20261122-1234
NUMBER_IN_QUERY = re.compile(r"[\d*xX]{5,}")
SEPARATORS = re.compile(r"[\s\-()（）+]")
MIN_PHONE_LENGTH = 5
MIN_PHONE_TAIL, MAX_PHONE_TAIL = 4, 8  # a phone's last digits, as a caller reads them out
CALLER_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")


# --- masks: any number, at least half of its digits hidden ----------------------------------------------------


def mask_phone(phone):
    """Half the digits (rounded down) shown, the rest hidden: a mobile keeps its first 3 and last 2
    (138******78), any other number its last half (8 digits: ****1234)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    shown = len(digits) // 2
    head = 3 if len(digits) == 11 and digits.startswith("1") else 0
    tail = shown - head
    return digits[:head] + "*" * (len(digits) - shown) + digits[len(digits) - tail:]


def mask_name(name):
    """The family name only: 张先生 → 张**."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*" * len(name)


def mask_address(address):
    """The first half of the address with its digits hidden, the rest cut: the street, not the door."""
    address = address or ""
    head = re.sub(r"\d", "*", address[: len(address) // 2])
    return f"{head}****" if address else ""


def mask_numbers(text):
    """Free text (a request's content) with every phone number in it masked: 回电13812345678 → 回电138******78."""
    return NUMBER_IN_TEXT.sub(lambda match: mask_phone(match.group()), text or "")


def phone_shaped(query):
    """A query that reads as a phone number: digits (and */X for unknown ones), spaces or dashes, 5 or more."""
    compact = SEPARATORS.sub("", query or "")
    return len(compact) >= MIN_PHONE_LENGTH and bool(PHONE_CHARS.match(compact))


def has_number(query):
    """A query holding 5 or more digits (or */X) in a row, separators aside: it may not search free text, whose
    numbers are masked (mask_numbers)."""
    return bool(NUMBER_IN_QUERY.search(SEPARATORS.sub("", query or "")))


def name_shaped(query):
    """A query that may be a caller's name: 2 to 6 Chinese characters (张先生, 欧阳娜娜)."""
    return bool(CALLER_NAME.match(query or ""))


def phone_forms(query):
    """The stored forms a phone-shaped query may equal: digits only, and as typed without spaces."""
    compact = (query or "").replace(" ", "")
    return list(dict.fromkeys([SEPARATORS.sub("", compact), compact]))


# --- who must call the caller now -----------------------------------------------------------------------------


def _entitlement_rules(user):
    """[(basis, Q over tickets)] by which this user may be entitled; empty for every other role."""
    rules = []
    if role_may(user, "intake"):
        rules.append((CallerEntitlement.INTAKE, Q(received_by_id=user.pk, status=Status.RECEIVED)))
    if role_may(user, "contact") and user.unit_id:
        lead = Assignment.objects.filter(ticket=OuterRef("pk"), unit_id=user.unit_id, role=AssignmentRole.LEAD,
                                         status__in=ACTIVE_ASSIGNMENT_STATUSES)
        rules.append((CallerEntitlement.LEAD, Q(Exists(lead))))
    if role_may(user, "callback"):
        rules.append((CallerEntitlement.CALLBACK, Q(status__in=AWAITING_CALLBACK_STATUSES)))
    return rules


def caller_entitlement(user, ticket):
    """Why the user must call this order's caller now (a CallerEntitlement), else None."""
    from .models import Ticket

    for basis, rule in _entitlement_rules(user):
        if Ticket.objects.filter(rule, pk=ticket.pk).exists():
            return basis
    return None


def phone_search_q(user):
    """The orders whose caller number the user may search by (those they are entitled to); None: no order."""
    rules = _entitlement_rules(user)
    if not rules:
        return None
    combined = Q()
    for _, rule in rules:
        combined |= rule
    return combined


# --- the incident address ---------------------------------------------------------------------------------------


EVERY_ADDRESS, HELD_ADDRESSES, NO_ADDRESS = "every", "held", "none"


def address_visibility(user):
    """Whose full addresses the user sees: EVERY_ADDRESS (the center's agents), HELD_ADDRESSES (a handler: those of
    the orders their unit holds a live part of or was whistled to), else NO_ADDRESS."""
    if user.role in ADDRESS_ROLES:
        return EVERY_ADDRESS
    if user.role in HANDLER_ROLES and user.unit_id:
        return HELD_ADDRESSES
    return NO_ADDRESS


def address_shown_expr(user):
    """An expression over tickets: True where the user sees the full address (address_visibility)."""
    visibility = address_visibility(user)
    if visibility == HELD_ADDRESSES:
        live = Assignment.objects.filter(ticket=OuterRef("pk"), unit_id=user.unit_id,
                                         status__in=LIVE_ASSIGNMENT_STATUSES)
        called = WhistleTarget.objects.filter(whistle__ticket=OuterRef("pk"), unit_id=user.unit_id)
        return Exists(live) | Exists(called)
    return Value(visibility == EVERY_ADDRESS, output_field=BooleanField())


def with_address_access(queryset, user):
    """The tickets annotated with ``address_shown`` (read by ``shown_address``)."""
    return queryset.annotate(address_shown=address_shown_expr(user))


def shown_address(user, ticket):
    """The address as this user may see it on this order."""
    allowed = getattr(ticket, "address_shown", None)
    if allowed is None:
        allowed = with_address_access(type(ticket).objects.filter(pk=ticket.pk), user).values_list(
            "address_shown", flat=True).first()
    return ticket.address if allowed else mask_address(ticket.address)


# --- ended parts -----------------------------------------------------------------------------------------------


def part_ended_at(user, ticket, assignments=None):
    """When the user's unit's part of the order ended, if it holds no live part (nor a whistle call) any more;
    else None. A part ended before ``ended_at`` was recorded counts from its dispatch."""
    if user.role not in HANDLER_ROLES or not user.unit_id:
        return None
    assignments = ticket.assignments.all() if assignments is None else assignments
    mine = [a for a in assignments if a.unit_id == user.unit_id]
    if not mine or any(a.status in LIVE_ASSIGNMENT_STATUSES for a in mine):
        return None
    if WhistleTarget.objects.filter(whistle__ticket=ticket, unit_id=user.unit_id).exists():
        return None
    return max(a.ended_at or a.dispatched_at for a in mine)


# (unit attribute, time attribute) of each record a ticket page or the API shows
RECORD_KEYS = {
    "assignments": ("unit_id", "dispatched_at"),
    "events": ("actor_unit_id", "created_at"),
    "whistles": ("street_id", "raised_at"),
    "extensions": ("unit_id", "requested_at"),
    "returns": ("unit_id", "requested_at"),
    "feedbacks": ("unit_id", "told_at"),
    "callbacks": (None, "created_at"),
    "clocks": ("unit_id", "started_at"),
    "attachments": ("unit_id", "uploaded_at"),
}


def record_for(user, ticket, **records):
    """The order's records (keyword lists named as in RECORD_KEYS) as this user may read them, plus ``result``
    and ``ended_at``: a unit whose part ended keeps its own records and what was there when it ended."""
    ended = part_ended_at(user, ticket, records.get("assignments"))
    shown = {"ended_at": ended, "result": ticket.result}
    for name, items in records.items():
        unit_attr, time_attr = RECORD_KEYS[name]
        shown[name] = list(items) if ended is None else [
            item for item in items
            if (unit_attr and getattr(item, unit_attr) == user.unit_id) or getattr(item, time_attr) <= ended
        ]
    if ended is not None and ticket.completed_at and ticket.completed_at > ended:
        shown["result"] = ""
    return shown
