"""督办/催办: the center's dispatchers and district supervisors push a unit on an order near or past its deadline."""

from assessment.clock import notifications
from assessment.models import NotificationKind
from core.permissions import require_role
from hotline.services.checks import URGE_ROLES, check_can_urge
from hotline.services.common import locked_ticket, now_or, record_event, require_text


def urge(actor, ticket_id, note, now=None):
    """Record an 'urge' event and tell the lead unit (inbox and SMS). A district supervisor may urge only the orders
    of their district's units (an order out of scope is 'not found')."""
    require_role(actor, "urge", URGE_ROLES)
    note = require_text(note, "note", "督办意见")
    now = now_or(now)
    with locked_ticket(ticket_id, actor) as ticket:
        check_can_urge(actor, ticket)
        unit = ticket.lead_unit
        text = f"{actor.unit.name if actor.unit_id else '督办'}督办工单{ticket.number}：{note}"
        notifications.notify_unit(ticket, unit, NotificationKind.URGE, text, now)
        return record_event(ticket, "urge", actor=actor, now=now, note=note, data={"unit": unit.code})
