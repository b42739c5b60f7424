"""The limits a whistled department gets, next to the order's own deadline: ONE computation for the whistle form,
raise_whistle's warning and the clocks started at approval.

- Report-in (报到) and action (处置) limits come from the current SLA policy, counted from ``start`` (the approval).
- 2 h and 24 h orders: with the policy's ``cap_whistle_limits`` on (the default), neither limit ends after the
  order's deadline (Ticket.due_at); a capped clock warns at the policy's fraction of its shortened span.
  An order already past its deadline is not capped (the department would be overdue the moment it is called).
- Otherwise, a limit that ends after the order's deadline yields a warning: the street may ask for an extension.
"""

import datetime as dt
from dataclasses import dataclass, replace

from django.utils import timezone

from assessment.clock.choices import LimitKey
from assessment.clock.overdue import is_past
from assessment.clock.sla import Clock, compute_clock, current_policy, working_calendar
from dispatch.choices import Tier

CAPPED_TIERS = (Tier.H2, Tier.H24)


def _at(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


@dataclass(frozen=True)
class WhistleLimits:
    start: dt.datetime
    order_due_at: dt.datetime | None  # the order's 办结时限, None before dispatch
    report_in: Clock
    action: Clock
    capped: bool  # at least one limit was cut to the order's deadline

    @property
    def report_in_due_at(self):
        return self.report_in.due_at

    @property
    def action_due_at(self):
        return self.action.due_at

    @property
    def ends_after_order(self):
        """True when a department limit ends after the order's deadline (the order would be overdue first)."""
        return self.order_due_at is not None and max(self.report_in.due_at, self.action.due_at) > self.order_due_at

    @property
    def warning(self):
        """A Chinese warning for the street, or "" when the department's limits fit the order's deadline."""
        if not self.ends_after_order:
            return ""
        due = _at(self.order_due_at)
        if is_past(self.order_due_at, self.start):
            return (f"本工单已超过办结时限（{due}）；被吹哨部门的报到时限为{_at(self.report_in.due_at)}，"
                    f"处置时限为{_at(self.action.due_at)}。")
        late = [f"{label}（{_at(clock.due_at)}）" for label, clock in (("报到时限", self.report_in),
                                                                      ("处置时限", self.action))
                if clock.due_at > self.order_due_at]
        return (f"注意：被吹哨部门的{'和'.join(late)}晚于本工单的办结时限（{due}），部门按时限办完之前工单就会超期。"
                "如需更多时间，请在吹哨时一并申请延期。")

    def as_data(self):
        """What the audit event records (times in local time, ISO 8601)."""
        return {
            "order_due_at": _iso(self.order_due_at),
            "report_in_due_at": _iso(self.report_in.due_at),
            "action_due_at": _iso(self.action.due_at),
            "capped": self.capped,
            "ends_after_order": self.ends_after_order,
            "policy": self.report_in.policy_number,
        }


def whistle_limits(ticket, start, policy=None):
    """The report-in and action limits a department whistled on ``ticket`` gets if the whistle starts at ``start``."""
    policy = policy or current_policy()
    calendar = working_calendar()
    report_in = compute_clock(start, LimitKey.WHISTLE_REPORT_IN, policy, calendar=calendar)
    action = compute_clock(start, LimitKey.WHISTLE_COMPLETE, policy, calendar=calendar)
    due = ticket.due_at
    capped = False
    if policy.cap_whistle_limits and ticket.tier in CAPPED_TIERS and due is not None and not is_past(due, start):
        capped = report_in.due_at > due or action.due_at > due
        report_in, action = _cap(report_in, due, policy), _cap(action, due, policy)
    return WhistleLimits(start=start, order_due_at=due, report_in=report_in, action=action, capped=capped)


def _cap(clock, due, policy):
    if clock.due_at <= due:
        return clock
    warn_at = clock.start + (due - clock.start) * float(policy.warn_fraction)
    return replace(clock, due_at=due, warn_at=min(warn_at, clock.warn_at))
