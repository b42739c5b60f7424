"""A running deadline as people see it: its state (running, in warning, overdue) and the time left or past.

The warning starts at the clock's own ``warn_at`` (a share of the limit, DEFAULT_WARN_FRACTION of deadlines.py, the
instant the sweep sends 临期预警), so a fresh 24-hour order is not 临期; overdue is overdue.py's rule. The worklist
tabs ask ``warning_q`` / ``breached_q``, the badges and countdowns ``state``: one rule for both."""

from django.db.models import Q

from .overdue import is_past, not_past_q, past_q

RUNNING, WARN, OVERDUE = "running", "warn", "overdue"


def state(due_at, warn_at, now):
    if is_past(due_at, now):
        return OVERDUE
    if warn_at is not None and now >= warn_at:
        return WARN
    return RUNNING


def running(clocks):
    """The clocks still counting (neither stopped nor paused), as the ticket page lists them."""
    return [clock for clock in clocks if clock.stopped_at is None and clock.paused_at is None]


def warning_q(now, prefix=""):
    """ORM (clocks): in warning and not yet past."""
    return Q(**{f"{prefix}warn_at__lte": now}) & not_past_q(now, due=f"{prefix}due_at")


def breached_q(now, prefix=""):
    return past_q(now, due=f"{prefix}due_at")


def remaining(due_at, now):
    """剩余 3小时12分 / 已超期 2天4小时 (at most two units, rounded down; under a minute: 不足1分钟)."""
    seconds = (due_at - now).total_seconds()
    return f"{'已超期' if seconds < 0 else '剩余'} {span(abs(seconds))}"


def span(seconds):
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{minutes}分" if minutes else f"{hours}小时"
    return f"{minutes}分钟" if minutes else "不足1分钟"


SHORT_LABELS = {"sign": "签收", "response": "联系", "complete": "办结", "dispatch": "派单",
                "whistle_report_in": "报到", "whistle_complete": "吹哨办结"}


def short_label(key):
    """签收 / 联系 / 办结 … for a clock's key (response:24h → 联系)."""
    return SHORT_LABELS.get(key.split(":")[0], key)
