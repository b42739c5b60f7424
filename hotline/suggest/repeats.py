"""Repeat requests (重复诉求): find earlier open tickets of the same caller or the same matter, and link them.

Lifecycle of a linked repeat: link_repeat answers the new ticket as a repeat in one step (received →
answered, through the existing answer_directly transition, audit action 'link_repeat'), with repeat_of set
and an answer telling the caller which order handles the matter. So it is never dispatched, no unit is
assessed twice, and the callback agent still calls the caller back as for any answered request. The original
ticket gets a 'link_repeat' event too, so its handlers see that the caller asked again.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q

from assessment import clocks
from dispatch.errors import InvalidInput, NotFoundInScope
from dispatch.permissions import require_role
from hotline.choices import Status
from hotline.models import Ticket
from hotline.services.common import apply_transition, locked_ticket, now_or, record_event

from .text import similarity

DEFAULT_WINDOW = dt.timedelta(days=7)
SIMILAR_TEXT = 0.6  # bigram Dice coefficient from which two texts at one street count as the same matter
MAX_RESULTS = 10
NOT_REPEATABLE = [Status.CLOSED]


def repeat_window():
    """settings.REPEAT_WINDOW_DAYS (default 7) as a timedelta."""
    days = getattr(settings, "REPEAT_WINDOW_DAYS", None)
    return dt.timedelta(days=days) if days else DEFAULT_WINDOW


def find_repeats(phone, text, street, now=None, window=None, exclude_id=None):
    """Earlier not-yet-closed tickets received within `window` before `now` from the same phone, or at the same
    street with near-identical text; newest first. Each carries .repeat_reason and .similarity. A ticket that
    is itself a linked repeat is replaced by its original. `exclude_id`: the new ticket, once recorded."""
    now, window = now_or(now), window or repeat_window()
    phone = (phone or "").replace(" ", "")
    street_id = getattr(street, "pk", street)
    match = Q(caller_phone=phone) if phone else Q()
    if street_id and text:
        match = match | Q(street_id=street_id) if phone else Q(street_id=street_id)
    if not match:
        return []
    candidates = (Ticket.objects.filter(match, received_at__gte=now - window, received_at__lte=now)
                  .exclude(status__in=NOT_REPEATABLE).exclude(pk=exclude_id)
                  .select_related("repeat_of", "street", "catalog_item")
                  .order_by("-received_at")[:200])
    found = {}
    for ticket in candidates:
        score = similarity(text, ticket.content) if text else 0.0
        same_phone = bool(phone) and ticket.caller_phone == phone
        if not same_phone and score < SIMILAR_TEXT:
            continue
        original = ticket.repeat_of or ticket
        if original.status in NOT_REPEATABLE or original.pk in found:
            continue
        original.similarity = round(score, 2)
        original.repeat_reason = "同一来电号码" if same_phone else f"同街乡镇相似诉求（相似度{score:.0%}）"
        found[original.pk] = original
    return list(found.values())[:MAX_RESULTS]


def link_repeat(actor, ticket_id, original_id, now=None):
    """Answer ticket `ticket_id` as a repeat of `original_id` (see the module doc). Returns the ticket."""
    require_role(actor, "link_repeat")
    now = now_or(now)
    with locked_ticket(ticket_id) as ticket:
        original = Ticket.objects.select_related("repeat_of").filter(pk=original_id).first()
        if original is None:
            raise NotFoundInScope("原工单不存在", field="original_id")
        original = original.repeat_of or original  # always link to the first order of the matter
        _check_link(ticket, original)
        ticket.repeat_of = original
        ticket.save(update_fields=["repeat_of"])
        answer = f"您反映的问题已在工单{original.number}中办理，本次来电作为重复诉求并入该工单，办理结果将一并反馈。"
        apply_transition(ticket, "answer_directly", "link_repeat", actor=actor, now=now, answer=answer,
                         note=f"关联为工单{original.number}的重复诉求", data={"original": original.pk})
        clocks.meet_dispatch(ticket, now)  # answered: the center's dispatch clock stops, as for answer_directly
        record_event(original, "link_repeat", actor=actor, now=now, note=f"收到重复诉求：工单{ticket.number}",
                     data={"repeat": ticket.pk})
    return ticket


def _check_link(ticket, original):
    if original.pk == ticket.pk:
        raise InvalidInput("不能把工单关联为自身的重复诉求", field="original_id")
    if ticket.repeat_of_id:
        raise InvalidInput(f"该工单已关联为工单{ticket.repeat_of.number}的重复诉求", field="original_id")
    if ticket.repeats.exists():
        raise InvalidInput("该工单已有重复诉求关联到它，不能再关联到其他工单", field="original_id")
    if original.status in NOT_REPEATABLE:
        raise InvalidInput(f"工单{original.number}已结案，请作为新诉求派单", field="original_id")
    if original.received_at > ticket.received_at:
        raise InvalidInput("只能关联到更早受理的工单", field="original_id")
