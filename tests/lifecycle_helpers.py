"""Small helpers for lifecycle tests: take a call, walk an order along."""

import datetime as dt

from hotline.services import center, handling, intake

T0 = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)  # a Monday, 17:00 in Beijing


def take_call(users, directory, item, *, street="110105026", content="小区内供暖不热，室温只有十二度", now=T0, **extra):
    """The agent takes a call at `street` (extra: intake.take_call's, e.g. then=intake.DISPATCH)."""
    street_unit = directory[street]
    ticket, _ = intake.take_call(
        users["agent"], channel="phone", caller_phone="13812341234", address=f"{street_unit.name}花家地小区3号楼",
        district=street_unit.parent, street=street_unit, content=content, request_type=item.default_request_type,
        catalog_item=item, now=now, **extra,
    )
    return ticket


def walk_to_completed(users, ticket, handler="wangjing", now=T0):
    handling.sign(users[handler], ticket.pk, now=now + dt.timedelta(minutes=10))
    handling.contact_caller(users[handler], ticket.pk, "已电话联系诉求人，约定上门", now=now + dt.timedelta(minutes=30))
    return handling.complete(
        users[handler], ticket.pk, result="已清理完毕并回复诉求人", caller_feedback_method="phone",
        caller_told_at=now + dt.timedelta(hours=3), caller_feedback="电话告知已清理", now=now + dt.timedelta(hours=4),
    )


def story(ticket):
    """The audit trail as (action, from, to) tuples, oldest first."""
    return [(e.action, e.from_status, e.to_status) for e in ticket.events.order_by("created_at", "id")]



__all__ = ["take_call", "walk_to_completed", "story", "center", "handling", "intake", "T0"]
