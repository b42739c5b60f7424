"""Reads of attachments: an order's, grouped by the event they came with, and one file as a user may read it."""

from collections import defaultdict

from hotline import privacy, selectors

from .models import Attachment


def of_ticket(ticket):
    return list(ticket.attachments.order_by("id"))


def by_event(attachments):
    """event id → its attachments, photos first (the timeline shows them under each event)."""
    grouped = defaultdict(list)
    for item in sorted(attachments, key=lambda a: (not a.is_photo, a.pk)):
        grouped[item.event_id].append(item)
    return grouped


def attachment_for(user, attachment_id):
    """The attachment, or None when its order is out of the user's scope (the ticket page's 404) or the user's
    unit's part ended before it was uploaded by another unit (what the ticket page no longer shows them)."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        return None
    ticket = selectors.ticket_for(user, attachment.ticket_id)
    if ticket is None:
        return None
    shown = privacy.record_for(user, ticket, attachments=[attachment])["attachments"]
    return shown[0] if shown else None
