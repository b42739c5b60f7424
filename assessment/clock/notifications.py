"""Who is told about a deadline or an urge, and the rows that tell them (in-app inbox and SMS outbox)."""

from typing import NamedTuple

from django.utils import timezone

from assessment.models import Notification, Outbox
from dispatch.choices import UnitKind
from dispatch.models import Unit

NOTE_COLUMNS = ("recipient_id", "ticket_id", "kind", "text", "created_at")
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


def note_rows(ticket_id, unit, kind, text, now, center):
    """Inbox rows (NOTE_COLUMNS): the unit itself, then each supervisor with the unit's name in front."""
    rows = [(unit.id, ticket_id, kind, text[:300], now)]
    rows += [(sup, ticket_id, kind, f"（{unit.name}）{text}"[:300], now) for sup in supervisor_ids(unit, center)]
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


def mark_read(user, notification_ids, now=None):
    """Mark notifications of the user's own unit read; returns how many changed."""
    if user.unit_id is None:
        return 0
    unread = Notification.objects.filter(pk__in=notification_ids, recipient_id=user.unit_id, read_at__isnull=True)
    return unread.update(read_at=now or timezone.now())
