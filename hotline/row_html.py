"""The cells of a list's row of orders (templates/hotline/_ticket_table.html), a deadline and a running clock's
countdown, built in Python: one list page shows up to 300 such rows (a queue, its 临期 list, the extensions), and
through the template engine each row cost ~1 ms of variable lookups, filters, includes and inclusion tags, most of
a queue page's time at volume. The markup is the templates' as they were (tests/test_row_html.py renders both)."""

import functools
import unicodedata

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from assessment.clock import countdown as countdowns
from assessment.clock.overdue import is_past
from dispatch.choices import Tier

from .choices import OPEN_STATUSES, Status

CELL_BREAK = "\n    "  # between a row's cells, as the template had them on their own lines
STATE_BADGES = {"overdue": ' <span class="badge overdue">已超期</span>',
                "warn": ' <span class="badge warn">临期</span>'}


CONTENT_CHARS = 40
STATUS_LABELS = dict(Status.choices)


TIER_LABELS = dict(Tier.choices)


def _label(labels, value):
    """A choice's label as get_FOO_display gives it (the value itself when it is not a choice)."""
    return force_str(labels.get(value, value), strings_only=True)


@functools.lru_cache(maxsize=8)
def _ticket_url_parts(prefix, urlconf):
    """The ticket page's URL around its id ("/tickets/", "/"), reversed once per script prefix and URLconf."""
    head, _, tail = reverse("hotline:ticket", args=[0], urlconf=urlconf).rpartition("/0/")
    return head + "/", "/" + tail


def ticket_url(pk):
    head, tail = _ticket_url_parts(get_script_prefix(), get_urlconf())
    return f"{head}{pk}{tail}"


def _cut(text, length=CONTENT_CHARS):
    """The filter truncatechars: ``length`` characters at most, … in the last; a short text is only normalized."""
    if len(text) <= length:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(length)


def _local(moment, pattern):
    """A date-time as the template filter ``date`` shows it in the current time zone ("m-d H:i" → "%m-%d %H:%M")."""
    return timezone.localtime(moment).strftime(pattern)


def due_html(due_at, state=""):
    """11-22 08:00, with a red 已超期 (or amber 临期) badge; — without a deadline."""
    if not due_at:
        return mark_safe("—")
    return mark_safe(_local(due_at, "%m-%d %H:%M") + STATE_BADGES.get(state, ""))


def ticket_due_html(ticket, now=None):
    """The order's deadline, red once an open order is past it (临期 is the clocks' warning, shown by their
    countdowns)."""
    late = ticket.status in OPEN_STATUSES and is_past(ticket.due_at, now or timezone.now())
    return due_html(ticket.due_at, "overdue" if late else "")


def dispatch_due_html(due_at, now=None):
    """When an order waiting for dispatch must be dispatched by; red once past."""
    return due_html(due_at, "overdue" if due_at and is_past(due_at, now or timezone.now()) else "")


def countdown_html(clock, now=None):
    """A running clock as 签收 剩余 3小时12分 / 办结 已超期 2小时, amber in its warning, red once past; the page's
    countdown.js keeps the text and colour current from data-due / data-warn."""
    now = now or timezone.now()
    due_at, warn_at = timezone.localtime(clock.due_at), clock.warn_at and timezone.localtime(clock.warn_at)
    return mark_safe(
        f'<span class="countdown {escape(countdowns.state(clock.due_at, clock.warn_at, now))}"'
        f' data-due="{due_at.isoformat()}" data-warn="{warn_at.isoformat() if warn_at else ""}"'
        f' title="{escape(clock.get_key_display())}，{due_at.strftime("%Y-%m-%d %H:%M")} 到期">'
        f'{escape(countdowns.short_label(clock.key))} <span class="countdown-text">'
        f"{escape(countdowns.remaining(clock.due_at, now))}</span></span>")


def ticket_cells(ticket, select=False, now=None):
    """A list row's cells up to 办结时限: the batch checkbox (``select``), number and intake time, content (numbers
    masked, 40 characters), place, catalog leaf, tier, status with the dispatch deadline while it waits, lead unit,
    deadline and the unit's running clocks (``ticket.running_clocks`` when the list prefetched them)."""
    now = now or timezone.now()
    cells = []
    if select:
        box = ""
        if getattr(ticket, "can_dispatch", False):
            checked = " checked" if getattr(ticket, "selected", False) else ""
            box = (f'<input type="checkbox" name="ticket_ids" value="{ticket.pk}" form="batch-dispatch"'
                   f' aria-label="选择 {escape(ticket.number)}"{checked}>')
        cells.append(f'<td class="select-row">{box}</td>')
    else:
        cells.append("")
    number = escape(ticket.number)
    cells.append(f'<td class="nowrap" data-label="工单号"><a href="{ticket_url(ticket.pk)}">'
                 f'{number}</a><div class="muted">{_local(ticket.received_at, "%m-%d %H:%M")}</div></td>')
    cells.append(f'<td class="clip" data-label="诉求内容">{escape(_cut(ticket.shown_content))}</td>')
    street = f" {escape(ticket.street.name)}" if ticket.street else ""
    cells.append(f'<td data-label="事发地">{escape(ticket.district.name)}{street}</td>')
    cells.append(f'<td data-label="目录">{escape(ticket.catalog_item.name)}</td>')
    cells.append(f'<td data-label="响应级别">{escape(_label(TIER_LABELS, ticket.tier))}</td>')
    dispatch_due_at = getattr(ticket, "dispatch_due_at", None)
    waiting = f'<div class="muted">派单时限 {dispatch_due_html(dispatch_due_at, now)}</div>' if dispatch_due_at else ""
    status = escape(_label(STATUS_LABELS, ticket.status))
    cells.append(f'<td data-label="状态"><span class="badge">{status}</span>{waiting}</td>')
    unit = ticket.lead_unit.name if ticket.lead_unit else ""
    cells.append(f'<td data-label="承办单位">{escape(unit or "—")}</td>')
    clocks = getattr(ticket, "running_clocks", None)
    countdown_list = ("" if not clocks else '<ul class="plain countdowns">'
                      + "".join(f"<li>{countdown_html(clock, now)}</li>" for clock in clocks) + "</ul>")
    cells.append(f'<td data-label="办结时限">{ticket_due_html(ticket, now)}{countdown_list}</td>')
    return mark_safe(CELL_BREAK.join(cells))

