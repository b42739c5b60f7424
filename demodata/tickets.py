"""Demo tickets for the run command: two published months and the current month so far, so that every demo
user finds work waiting and the leaders find a ranking."""

import datetime as dt

from django.utils import timezone

from assessment.monthly import months
from assessment.monthly.month_close import close_month
from demodata.generator import generate
from dispatch.catalog.selectors import get_leaf
from dispatch.models import Unit, User
from hotline.models import Ticket
from hotline.services import handling, intake

DEMO_SEED = 12345
WANGJING = "110105026"

# Calls taken a few hours ago at 望京街道: leaf code, content, address, how far the street got (None: not signed).
WANGJING_CALLS = [
    ("0117001", "望京西园三区南门早市摊贩占道经营，堵塞消防通道", "望京西园三区南门", None),
    ("0112001", "望京西园四区12号楼整栋暖气不热，室温只有15度，家中有老人", "望京西园四区12号楼", None),
    ("0405004", "南湖公园广场舞音响声音太大，晚上九点后仍未停止", "南湖公园东门广场", None),
    ("0405001", "望京街附近工地夜间22点后仍在施工，噪音很大影响休息", "望京街与阜通东大街交口工地", "signed"),
    ("0103002", "花家地小区3号楼顶层住户私搭乱建阳光房，存在安全隐患", "花家地小区3号楼", "contacted"),
]


def seed_demo_tickets(count, *, now=None):
    """On a database without tickets: ``count`` tickets received in each of the two months before this one (both
    published, so that 环比 and the trends have a month to compare with) and a third as many this month. Returns how
    many were written: 0 when there are tickets already."""
    if Ticket.objects.exists():
        return 0
    now = now or timezone.now()
    this_month = months.current_month(now)
    published = [months.previous_month(months.previous_month(this_month)), months.previous_month(this_month)]
    written = 0
    for offset, month in enumerate(published):
        written += generate(count, f"{month:%Y-%m}", seed=DEMO_SEED - len(published) + offset, now=now).count
    written += generate(max(count // 3, 1), f"{this_month:%Y-%m}", seed=DEMO_SEED + 1, now=now).count
    for month in published:  # in order: each month's 上月 figures are the month before
        close_month(month, freeze=True, now=now)
    return written + _wangjing_calls(now)


def _wangjing_calls(now):
    """Orders for the demo users of 望京街道 and 热力集团, taken and handled through the services (audited)."""
    users = {u.username: u for u in User.objects.filter(username__in=["agent", "wangjing"])}
    street = Unit.objects.select_related("parent").get(code=WANGJING)
    taken = now - dt.timedelta(hours=3)
    for index, (code, content, address, progress) in enumerate(WANGJING_CALLS):
        at = taken + dt.timedelta(minutes=7 * index)
        leaf = get_leaf(code)
        ticket, _ = intake.intake_ticket(
            users["agent"], channel="phone", caller_phone=f"1391000{1200 + index}", address=f"北京市朝阳区{address}",
            district=street.parent, street=street, content=content, request_type=leaf.default_request_type,
            catalog_item=leaf, now=at)
        intake.dispatch_ticket(users["agent"], ticket.pk, now=at + dt.timedelta(minutes=2))
        if progress:
            handling.sign(users["wangjing"], ticket.pk, now=at + dt.timedelta(minutes=20))
        if progress == "contacted":
            handling.contact_caller(users["wangjing"], ticket.pk, "已电话联系诉求人，约定明日上午到现场核实",
                                    now=at + dt.timedelta(minutes=40))
    return len(WANGJING_CALLS)
