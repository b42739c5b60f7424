"""Overdue: the one rule, in the three forms the code needs (Python, ORM, SQL).

A deadline is kept when the work is done at or before it, and missed when it is done after it, or still undone
once the time is past it: ``COALESCE(done_at, now) > due_at``. At due_at itself an open order is not yet overdue.
Every list, badge, countdown, sweep, assessment and appeal asks this module; no other module compares a deadline
with the time.
"""

from django.db.models import F, Q


def is_past(due_at, now):
    """True once ``now`` is after the deadline (an open clock's test)."""
    return due_at is not None and now > due_at


def is_overdue(due_at, done_at, now):
    """True when the work was done after the deadline, or is undone and the deadline has passed."""
    if due_at is None:
        return False
    return (done_at if done_at is not None else now) > due_at


def past_q(now, due="due_at"):
    """ORM: the deadline ``due`` has passed (for rows whose work is still open)."""
    return Q(**{f"{due}__lt": now})


def not_past_q(now, due="due_at"):
    return Q(**{f"{due}__gte": now})


def overdue_q(now, due="due_at", done="completed_at"):
    """ORM twin of is_overdue."""
    return Q(**{f"{due}__isnull": False}) & (
        Q(**{f"{done}__gt": F(due)}) | Q(**{f"{done}__isnull": True, f"{due}__lt": now})
    )


def past_sql(due, now="%(now)s"):
    """SQL twin of is_past."""
    return f"{due} < {now}"


def not_past_sql(due, now="%(now)s"):
    return f"{due} >= {now}"


def overdue_sql(due="t.due_at", done="t.completed_at", now="%(now)s"):
    """SQL twin of is_overdue."""
    return f"({due} IS NOT NULL AND ({done} > {due} OR ({done} IS NULL AND {past_sql(due, now)})))"
