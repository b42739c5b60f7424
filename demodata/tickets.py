"""Demo tickets for the run command: two published months and the current month so far, so that every demo
user finds work waiting and the leaders find a ranking."""

import datetime as dt

from django.utils import timezone

from assessment.monthly import months
from assessment.monthly.hotspots import detect_rises
from assessment.monthly.month_close import close_month
from demodata.generator import generate
from dispatch.catalog.selectors import get_leaf
from dispatch.models import Unit, User
from hotline.models import Ticket
from hotline.services import handling, intake

DEMO_SEED = 12345
WANGJING = "110105026"

# 七天一预警 in the demo: sudden clusters of one matter in one street over the last days (street code, leaf code,
# address, the callers' words); seed_demo_tickets then runs the day's detection, as beat does at 03:00.
RISING_CALLS = [
    ("110108001", "0405001", "万寿路西街工地", ["工地夜间施工噪音扰民，凌晨还在打桩", "工地半夜运渣土车噪音很大",
                                               "夜间施工没有公示，噪音影响孩子休息"]),
    ("110106001", "0117001", "右安门外大街菜市场门口", ["菜市场门口商贩占道经营，行人无法通行",
                                                     "早市摊贩占用盲道和消防通道"]),
    ("110102001", "0405004", "西长安街南侧小广场", ["广场舞音响声音太大，晚上十点还不停",
                                                 "广场音箱扰民，老人无法午休"]),
    ("110114001", "0112001", "城北街道西关小区5号楼", ["整栋楼暖气不热，室温只有14度", "暖气片冰凉，家中有婴儿"]),
]
RISE_SIZE = 7  # calls per cluster, over the last 6 days

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
    written += _wangjing_calls(now) + _rising_calls(now)
    detect_rises(timezone.localdate(now))
    return written


def _rising_calls(now):
    """RISING_CALLS taken and dispatched through the services over the last 6 days: the demo's early warning."""
    agent = User.objects.get(username="agent")
    streets = {u.code: u for u in Unit.objects.select_related("parent").filter(code__in=[r[0] for r in RISING_CALLS])}
    written = 0
    for cluster, (code, leaf_code, address, words) in enumerate(RISING_CALLS):
        street, leaf = streets[code], get_leaf(leaf_code)
        for index in range(RISE_SIZE):
            at = now - dt.timedelta(days=index % 6, hours=2 + cluster, minutes=11 * index)
            ticket, _ = intake.intake_ticket(
                agent, channel="phone", caller_phone=f"139200{cluster:02d}{index:03d}",
                address=f"北京市{street.parent.name}{address}", district=street.parent, street=street,
                content=words[index % len(words)], request_type=leaf.default_request_type, catalog_item=leaf, now=at)
            intake.dispatch_ticket(agent, ticket.pk, now=at + dt.timedelta(minutes=3))
            written += 1
    return written


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
