"""Reads about clocks and notifications for pages, the API and urging (the clock part of the assessment selectors)."""

import datetime as dt

import chinese_calendar
from django.db.models import Count, Exists, OuterRef, Subquery, Window
from django.utils import timezone

from assessment.clock.notifications import addressed_to
from assessment.models import Clock, HolidayOverride, Notification
from core.permissions import visible_unit_ids

NEAR = dt.timedelta(hours=24)


def deadlines_to_urge(user, now=None, within=NEAR):
    """Running clocks (orders and whistled departments) due within ``within`` or already past, soonest first; the
    center sees all, anyone else those of the orders in their scope (hotline/selectors.py visible_tickets: a district
    supervisor the district's, whoever leads them), each order tested through the scope's indexes."""
    from hotline.selectors import visible_tickets  # hotline's selectors read this module

    clocks = _running_due(now, within)
    if visible_unit_ids(user) is not None:
        scope = visible_tickets(user, tested_per_order=True).filter(pk=OuterRef("ticket_id"))
        clocks = clocks.filter(Exists(scope.select_related(None)))
    return clocks.select_related("ticket", "unit").order_by("due_at", "pk")


# A scoped 督办 list (a district's, a unit's) tests each running clock's order against the scope: counted to here
# ("1000+ 条", as a word search is), not to COUNT_CAP. At a quarter a district's count to 10 000 tested 62 759
# clocks' orders (350 ms); to 1 000 it stops after about a tenth of them. The center's list tests nothing.
SCOPED_URGE_COUNT_CAP = 1_000


def urge_count_cap(user):
    """How far the user's 督办 list is counted: None (the lists' COUNT_CAP) for the center."""
    return None if visible_unit_ids(user) is None else SCOPED_URGE_COUNT_CAP


def own_units_clocks(user, now=None, within=NEAR):
    """The part of the user's 督办 list that is their own units' clocks, read through the units' index without
    testing the scope: a unit's clock is that of a part or a whistle call it holds (clocks.py starts them for the
    assigned and the whistled units only), so its order is in scope. The list counts "10 000+" from it alone when
    it passes the cap. None for the center, whose list tests no scope."""
    unit_ids = visible_unit_ids(user)
    return None if unit_ids is None else _running_due(now, within).filter(unit_id__in=unit_ids)


def _running_due(now, within):
    now = now or timezone.now()
    return Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, due_at__lte=now + within)


def dispatch_clock(ticket):
    """The center's latest dispatch clock of the order (open while it waits for dispatch), or None."""
    return (Clock.objects.filter(ticket=ticket, whistle_target__isnull=True, key__startswith="dispatch:")
            .order_by("-started_at", "-pk").first())


def open_dispatch_due():
    """For annotating tickets: when the order must be dispatched by, while its dispatch clock runs (else NULL)."""
    running = Clock.objects.filter(ticket=OuterRef("pk"), whistle_target__isnull=True, key__startswith="dispatch:",
                                   stopped_at__isnull=True)
    return Subquery(running.order_by("-started_at").values("due_at")[:1])


def unread_notifications(user):
    """The unread inbox of the user (their unit's notices for all or for their role), newest first."""
    return inbox_notifications(user, state=UNREAD)


UNREAD, READ, ALL = "unread", "read", "all"


def inbox_notifications(user, state=UNREAD, kind=""):
    """The user's notifications, newest first: unread (the partial index), read or all; of one kind if given."""
    if user.unit_id is None:
        return Notification.objects.none()
    notes = Notification.objects.filter(addressed_to(user))
    if state == UNREAD:
        notes = notes.filter(read_at__isnull=True)
    elif state == READ:
        notes = notes.filter(read_at__isnull=False)
    if kind:
        notes = notes.filter(kind=kind)
    return notes.select_related("ticket", "article__latest_version").order_by("-created_at", "-pk")


def unread_summary(user, latest=5):
    """(unread count, the newest ``latest`` unread) in one query over the unread index: the count rides along on
    each row as a window aggregate, so nothing but the few rows shown leaves the database."""
    rows = list(unread_notifications(user).select_related(None).annotate(unread=Window(Count("pk")))[:latest])
    return (rows[0].unread if rows else 0), rows


def missing_holiday_year(today=None):
    """This year, or the next from November on, when neither the chinesecalendar package nor the administrators'
    overrides know its holidays (working-day limits then count Monday–Friday); None when both are known.
    Always one query, whatever the date."""
    today = today or timezone.localdate()
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    entered = set(HolidayOverride.objects.filter(date__year__in=years).values_list("date__year", flat=True))
    for year in years:
        try:
            chinese_calendar.is_workday(dt.date(year, 1, 1))
        except NotImplementedError:
            if year not in entered:
                return year
    return None


def ticket_deadlines(ticket):
    """Every deadline of the order as it stands: the latest clock of each limit and unit (dispatch, sign, contact,
    complete, and each whistled department's report-in and completion), in the order they started."""
    clocks = (Clock.objects.filter(ticket=ticket).select_related("unit")
              .order_by("-started_at", "-pk"))
    latest = {}
    for clock in clocks:
        latest.setdefault((clock.key, clock.unit_id, clock.whistle_target_id), clock)
    return sorted(latest.values(), key=lambda clock: (clock.started_at, clock.due_at, clock.pk))
