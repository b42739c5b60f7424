"""Hand-made assessment months: orders with known milestones and callback answers, written straight to the rows
the assessment reads (the lifecycle services that produce them have their own tests)."""

import datetime as dt

from dispatch.choices import Role
from dispatch.models import Assignment, User, Whistle, WhistleTarget
from hotline.models import Callback, Ticket

BJ = dt.timezone(dt.timedelta(hours=8))
OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)


def at(day, hour=10, month=10):
    return dt.datetime(2026, month, day, hour, 0, tzinfo=BJ)


def make_order(users, unit, item, *, street=None, day=5, month=10, in_time=True, reached=True, resolved=True,
               satisfaction="satisfied", assist=(), repeat_of=None, callback_day=None, due=None, completed=None,
               called_back=True):
    """One order of ``unit`` (lead) received on ``day`` and called back ``callback_day`` (default day + 3).

    ``due`` / ``completed``: the completion limit and time (default: no limit, completed on day + 2);
    ``completed=False`` leaves the order open, ``called_back=False`` without a callback."""
    street = street or (unit if unit.kind == "street" else users["wangjing"].unit)
    received = at(day, month=month)
    completed_at = None if completed is False else completed or received + dt.timedelta(days=2)
    ticket = Ticket.objects.create(
        status="callback" if called_back else ("in_progress" if completed is False else "completed"),
        channel="phone", caller_phone="13812341234", address="测试地址", district=street.parent,
        street=street, content="测试诉求", request_type="complaint", catalog_item=item, tier="7d",
        lead_unit=unit, repeat_of=repeat_of, received_by=users["agent"], received_at=received,
        dispatched_at=received, contact_due_at=received + dt.timedelta(hours=24),
        contacted_at=received + dt.timedelta(hours=2 if in_time else 30), due_at=due,
        completed_at=completed_at, callback_at=received + dt.timedelta(days=3) if called_back else None,
    )
    Assignment.objects.create(ticket=ticket, unit=unit, role="lead", status="completed" if completed_at else "signed",
                              dispatched_at=received)
    for other in assist:
        Assignment.objects.create(ticket=ticket, unit=other, role="assist", status="completed", dispatched_at=received)
    if called_back:
        Callback.objects.create(
            ticket=ticket, agent=users["callback"], reached=reached, contacted=True if reached else None,
            resolved=resolved if reached else None, satisfaction=satisfaction if reached else "",
            created_at=at(callback_day or day + 3, month=month),
        )
    return ticket


def street_user(unit, username):
    return User.objects.create(username=username, role=Role.STREET_STAFF, unit=unit, first_name=f"{unit.name}专班")


def whistle_call(users, street, department, ticket, *, missed, stars, day=8):
    whistle = Whistle.objects.create(ticket=ticket, street=street, reason="需要执法", status="closed",
                                     raised_by=users["wangjing"], raised_at=at(day))
    due = at(day + 2)
    return WhistleTarget.objects.create(
        whistle=whistle, unit=department, report_in_due_at=due, reported_in_at=None if missed else at(day + 1),
        report_in_missed=missed, stars=stars, rated_at=at(day + 5),
    )
