"""Reads for the leader pages, the API and exports, scoped by role: district supervisors see their district.
Rankings, scorecards, trends and the drill-down read ``reports_db()`` (a replica when configured,
config/db_router.py); appeals stay on the primary, next to the writes they lead to."""

from django.db.models import Q

from assessment.models import Appeal, MonthClose, Scorecard
from assessment.monthly import months, scorecards
from assessment.monthly.choices import RankGroup
from config.db_router import reports_db
from core.errors import InvalidInput, NotFoundInScope, NotPermitted
from core.permissions import require_role
from dispatch.choices import Role, UnitKind
from dispatch.models import Unit
from hotline.models import Ticket

SUPERVISOR_GROUPS = (RankGroup.STREET, RankGroup.DISTRICT, RankGroup.ZONE)
MEASURES = {
    "all": "全部考核工单",
    "late": "未按时联系",
    "overdue": "逾期办结或逾期未办结",
    "unanswered": "回访未联系上",
    "unresolved": "未解决",
    "unsatisfied": "不满意",
    "basic": "基本满意",
    "excluded": "已核减",
}
PAGE_SIZE = 50


def scope_district(user):
    """None for the center (every unit); a district supervisor's district id otherwise."""
    require_role(user, "view_rankings", "您无权查看考核排名")
    if user.role == Role.DISTRICT_SUPERVISOR:
        if user.unit_id is None or user.unit.kind != UnitKind.DISTRICT:
            raise NotPermitted("区督办员账号未关联到区，无法查看排名")
        return user.unit_id
    return None


def month_closes(using=None):
    """Computed months, newest first; ``using``: the month-close page reads the primary it has just written."""
    return list(MonthClose.objects.using(using or reports_db()).defer("summary").order_by("-month"))


def month_close(month):
    """The month's close with its summary (the overview's charts), or None."""
    return MonthClose.objects.using(reports_db()).filter(month=month).first() if month else None


def pick_month(text, closes):
    """The month asked for (YYYY-MM), else the latest computed month; None when nothing is computed yet."""
    if text:
        return months.parse_month(text)
    return closes[0].month if closes else None


def ranking(user, month, group, district_id=None):
    """One group's scorecards of a month in rank order; supervisors only see their district's rows."""
    if group not in RankGroup.values:
        raise InvalidInput("未知的排名类别", field="group")
    own = scope_district(user)
    if own is not None:
        if group not in SUPERVISOR_GROUPS:
            raise NotPermitted("区督办员只能查看本区街乡镇和区的排名")
        district_id = own
    cards = Scorecard.objects.using(reports_db()).filter(month=month, group=group).select_related("unit", "district")
    if district_id:
        cards = cards.filter(Q(district_id=district_id))
    return list(cards.order_by("rank", "unit__code"))


def callouts(user, month):
    """点名: the bottom streets, the last department and the last enterprise (whole city; center only)."""
    if scope_district(user) is not None:
        return []
    return list(
        Scorecard.objects.using(reports_db()).filter(month=month, called_out=True).select_related("unit", "district")
        .order_by("group", "-rank", "unit__code")
    )


def unit_in_scope(user, code):
    own = scope_district(user)
    unit = Unit.objects.using(reports_db()).select_related("parent").filter(code=code).first()
    if unit is None or (own is not None and own not in (unit.pk, unit.parent_id)):
        raise NotFoundInScope("单位不存在或不在您的权限范围内")
    return unit


def scorecard(unit, month):
    return Scorecard.objects.using(reports_db()).filter(unit=unit, month=month).first()


def corrections(card):
    if card is None:
        return []
    return list(card.corrections.select_related("corrected_by", "appeal__ticket").order_by("corrected_at", "id"))


def trend(unit, month, count=12):
    """The unit's scorecards for the ``count`` months ending with ``month`` (missing months left out)."""
    span = months.months_back(month, count)
    cards = Scorecard.objects.using(reports_db()).filter(unit=unit, month__gte=span[0], month__lte=month)
    return list(cards.order_by("month"))


def orders_behind(unit, month, measure, page=1):
    """The orders behind a unit's rates in a month as the month was last computed (the pairs its close stored,
    so the list and the figures above it agree), newest first, 50 a page, each with its callback answers and
    flags. Districts show their streets' orders too. Returns (rows, has_next)."""
    if measure not in MEASURES:
        raise InvalidInput("未知的指标", field="measure")
    unit_ids = [unit.pk]
    if unit.kind == UnitKind.DISTRICT:
        unit_ids += list(Unit.objects.using(reports_db()).filter(parent=unit).values_list("pk", flat=True))
    rows = scorecards.assessed_orders(month, unit_ids, measure, limit=PAGE_SIZE + 1,
                                      offset=(max(page, 1) - 1) * PAGE_SIZE, using=reports_db())
    tickets = Ticket.objects.using(reports_db()).select_related("street", "catalog_item")
    tickets = tickets.in_bulk([row[0] for row in rows])
    orders = []
    for ticket_id, reached, resolved, satisfaction, overdue, excluded, in_time, denied in rows[:PAGE_SIZE]:
        ticket = tickets[ticket_id]
        ticket.cb_reached, ticket.cb_resolved, ticket.cb_satisfaction = reached, resolved, satisfaction
        ticket.assessed_overdue, ticket.is_excluded = bool(overdue), bool(excluded)
        ticket.contact_in_time, ticket.caller_denied_contact = bool(in_time), bool(denied)
        orders.append(ticket)
    return orders, len(rows) > PAGE_SIZE


def appeals_for(user):
    """Every appeal for the center, newest first; a unit's own appeals for its staff."""
    appeals = Appeal.objects.select_related("ticket", "unit", "appealed_by", "ruled_by").order_by("-appealed_at", "-pk")
    if user.role in (Role.DISPATCHER, Role.ADMIN):
        return appeals
    if user.unit_id is None:
        return appeals.none()
    return appeals.filter(unit_id=user.unit_id)
