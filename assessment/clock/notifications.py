"""Who is told about a deadline, an urge or new work, and the rows that tell them (in-app inbox and SMS outbox).

Each role is told only what it can act on: a unit's own notices go to all its users, unless one role alone acts
(a whistle to approve: the street leader; an order to call back: the center's callback staff); the center's copies of
other units' warnings and breaches go to its dispatchers (they urge), never to agents or callback staff."""

from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from assessment.models import Notification, Outbox
from dispatch.choices import Role, UnitKind
from dispatch.models import Unit

NOTE_COLUMNS = ("recipient_id", "recipient_role", "ticket_id", "kind", "text", "created_at")
SMS_COLUMNS = ("unit_id", "phone", "text", "created_at")


class UnitRef(NamedTuple):
    id: int
    name: str
    kind: str
    parent_id: int | None

    @classmethod
    def of(cls, unit):
        return cls(unit.pk, unit.name, unit.kind, unit.parent_id)


def center_id():
    return Unit.objects.filter(kind=UnitKind.CENTER).values_list("id", flat=True).first()


def supervisor_ids(unit, center):
    """A street's district supervises it; the center supervises districts, departments and enterprises."""
    if unit.kind in (UnitKind.STREET, UnitKind.ZONE) and unit.parent_id:
        return [unit.parent_id]
    if unit.kind == UnitKind.CENTER or center is None:
        return []
    return [center]


def local(moment):
    return timezone.localtime(moment).strftime("%m月%d日%H:%M")


def deadline_role(unit_id, center):
    """Who at the recipient acts on a deadline notice: at the center its dispatchers (they dispatch and urge)."""
    return Role.DISPATCHER if unit_id == center else ""


def note_rows(ticket_id, unit, kind, text, now, center):
    """Inbox rows (NOTE_COLUMNS): the unit itself, then each supervisor with the unit's name in front."""
    rows = [(unit.id, deadline_role(unit.id, center), ticket_id, kind, text[:300], now)]
    rows += [(sup, deadline_role(sup, center), ticket_id, kind, f"（{unit.name}）{text}"[:300], now)
             for sup in supervisor_ids(unit, center)]
    return rows


def sms_row(unit, text, now):
    """One SMS to the unit (SMS_COLUMNS); the gateway resolves the unit's duty phone."""
    return (unit.id, "", f"【12345】{text}"[:300], now)


def notify_unit(ticket, unit, kind, text, now):
    """One inbox message and one SMS to ``unit`` alone (urging: the urging office needs no copy)."""
    ref = UnitRef.of(unit)
    note = note_rows(ticket.pk, ref, kind, text, now, center=None)[0]
    Notification.objects.create(**dict(zip(NOTE_COLUMNS, note, strict=True)))
    Outbox.objects.create(**dict(zip(SMS_COLUMNS, sms_row(ref, text, now), strict=True)))


def notify_work(ticket, unit, kind, text, now, role=""):
    """新工作提醒: one inbox row telling ``unit`` (a Unit or its id; its users of ``role`` alone, when given) that work
    has arrived. Called by the service inside the transition's transaction, so the notice exists exactly when the
    work does."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return Notification.objects.create(recipient_id=unit_id, recipient_role=role, ticket=ticket, kind=kind,
                                       text=text[:300], created_at=now)


def addressed_to(user):
    """The notifications addressed to the user: their unit's, for everyone there or for their role."""
    return Q(recipient_id=user.unit_id) & (Q(recipient_role="") | Q(recipient_role=user.role))


def mark_read(user, notification_ids, now=None):
    """Mark notifications addressed to the user (own unit, own role) read; returns how many changed."""
    if user.unit_id is None:
        return 0
    unread = Notification.objects.filter(addressed_to(user), pk__in=notification_ids, read_at__isnull=True)
    return unread.update(read_at=now or timezone.now())
