"""查看完整号码: an entitled user sees the caller's full number and name; every look is recorded (CallerReveal)."""

from core.errors import NotPermitted
from core.permissions import require_role

from ..models import CallerReveal
from ..privacy import REVEAL_REFUSED, caller_entitlement
from .common import locked_ticket, now_or


def reveal_caller(actor, ticket_id, now=None):
    """The ticket and the record of this look, for whoever must call the caller on it now
    (privacy.caller_entitlement); anyone else gets a NotPermitted (403) and nothing is recorded."""
    require_role(actor, "reveal_caller", REVEAL_REFUSED)
    now = now_or(now)
    with locked_ticket(ticket_id, actor) as ticket:
        basis = caller_entitlement(actor, ticket)
        if basis is None:
            raise NotPermitted(REVEAL_REFUSED)
        reveal = CallerReveal.objects.create(ticket=ticket, user=actor, role=actor.role, unit_id=actor.unit_id,
                                             basis=basis, created_at=now)
    return ticket, reveal
