"""Repeat requests (重复诉求): find earlier open tickets of the same caller or the same matter.

Linking one (link_repeat, at intake) and merging one after dispatch (merge_repeat) are write services with the
repeat rules in hotline/services/repeats.py; link_repeat is re-exported here for the intake callers.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q

from hotline.models import Ticket
from hotline.services.common import now_or
from hotline.services.repeats import NOT_REPEATABLE, link_repeat

from .text import similarity

DEFAULT_WINDOW = dt.timedelta(days=7)
SIMILAR_TEXT = 0.6  # bigram Dice coefficient from which two texts at one street count as the same matter
MAX_RESULTS = 10
__all__ = ["find_repeats", "link_repeat", "repeat_window"]


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
