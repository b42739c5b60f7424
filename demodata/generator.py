"""A synthetic month of tickets for load tests, reports and demos: realistic mix, consistent milestones, fast.

Every ticket goes through the real life-cycle in time order (received → dispatched → signed → contacted →
completed → callback → closed, or answered directly, or returned) and stops at a sampled final state or at
`now`, whichever comes first. Milestones obey the stored deadlines: most contacts and completions are on
time, some are late (late contacts, overdue orders). Python writes tickets, callbacks and pending return
requests (COPY on PostgreSQL, batched INSERTs elsewhere); the lead assignments and one audit event per
step are then derived in SQL from the stored milestones (INSERT … SELECT per batch), which keeps a million
tickets within minutes.
"""

import datetime as dt
import io
import random
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from assessment.clock.choices import LimitKey, LimitUnit, complete_key, dispatch_key, response_key
from assessment.clock.overdue import is_past
from assessment.clock.sla import compute_clock, current_policy, limit_for
from assessment.models import Clock
from bigscreen import tally
from demodata import generator_sql
from demodata.users import seed_demo_users
from dispatch.catalog.selectors import current_version, leaves
from dispatch.choices import Responsible, Role, Tier, UnitKind
from dispatch.models import Assignment, CatalogItem, ReturnRequest, Unit, User
from dispatch.tiers import dispatch_level, suggested_tier
from hotline import stored_scope
from hotline.choices import OPEN_STATUSES, UNCONTACTED_STATUSES, UNSIGNED_STATUSES, Status, Urgency
from hotline.models import Callback, Ticket, TicketEvent


class GeneratorError(Exception):
    """The data the generator needs (catalog, directory) is missing."""


CHANNELS = (["phone"] * 70 + ["wechat"] * 10 + ["web"] * 8 + ["app"] * 8 + ["weibo"] * 2 + ["leader_message"] * 2)
URGENCIES = [Urgency.NORMAL] * 85 + [Urgency.URGENT] * 8 + [Urgency.COMPLEX] * 5 + [Urgency.EMERGENCY] * 2
HOUR_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 1, 2.5, 5, 7, 7, 6.5, 4.5, 5, 6.5, 6.5, 6, 5, 4, 3.5, 3, 2.5, 1.5, 0.6]
HOUR_CUM = list(accumulate(HOUR_WEIGHTS))
# Most 12345 orders are local matters that go straight to a street/township: a leaf handled by the street of the
# address is drawn this many times as often as one a department handles (about half the orders go to streets).
STREET_LEAF_WEIGHT = 6
# Final state of an order that goes to a unit, and of a consultation answered directly, as real history ends: all
# but a tail (0.6 %: orders stuck past their deadline, callbacks that never reach the caller) are closed; 3 % are
# returned, and wait for the center's ruling only RULING long (an older return is modelled as handled). The live
# backlog comes from `now`: a milestone not reached yet is not written.
DISPATCHED_ENDS = {
    Status.RECEIVED: 1, Status.DISPATCHED: 1, Status.RETURNED: 45, Status.SIGNED: 1, Status.IN_PROGRESS: 3,
    Status.COMPLETED: 2, Status.CALLBACK: 1, Status.CLOSED: 1400,
}
RULING = dt.timedelta(days=3)
ANSWERED_ENDS = {Status.ANSWERED: 2, Status.CALLBACK: 1, Status.CLOSED: 397}
ANSWERED_SHARE = 0.12
BULK_FROM = 100_000  # tickets from which the SQL engine loads in one transaction (see generate_in_sql)
# A bulk load rebuilds the indexes while the table holds fewer than this many runs' worth of tickets; beyond, keeping
# them is cheaper than re-sorting the table (bench/generate_months.py: at 200 000 a month, keeping wins from month 3).
REBUILD_BELOW = 2
PATH = [Status.RECEIVED, Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.COMPLETED, Status.CALLBACK,
        Status.CLOSED]
COMMUNITIES = ["花园", "家园", "小区", "西里", "东里", "北里", "南里", "新村", "嘉园", "公寓", "社区", "胡同"]
COMPLAINTS = ["问题反映多次仍未解决，请尽快处理", "影响居民正常生活，希望相关部门尽快处理", "持续一周了，请派人查看",
              "家中有老人孩子，情况紧急", "请相关部门核实并答复", "之前反映过，至今没有人联系"]
# Residents by district (万人, 2020 census) keyed by district code: a street's share of the orders is its district's
# population over the district's streets, times a per-street spread (lognormal), so that volumes differ like real
# streets' do (a big 朝阳 street gets several times a mountain township's orders) and rankings rarely tie.
DISTRICT_POPULATION = {
    "110101": 70.9, "110102": 110.6, "110105": 345.2, "110106": 201.9, "110107": 56.8, "110108": 313.3,
    "110109": 39.3, "110111": 131.3, "110112": 184.0, "110113": 132.4, "110114": 226.9, "110115": 199.4,
    "110116": 44.1, "110117": 45.7, "110118": 52.8, "110119": 34.6,
}
STREET_SPREAD = 0.35  # sigma of the per-street lognormal factor
# No street gets less than this share of the mean street's orders: calls come from roads, shops, villages and
# visitors as well as residents, so a mountain township is not a tenth of a 朝阳 street (and, at the demo's
# 8 000 orders a month, a street assessed on 1–3 orders scores 100 by chance: dozens tied at rank 1).
STREET_FLOOR = 0.6
PHONE_PREFIXES = ["138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "186", "187", "188", "189"]

TICKET_COLUMNS = [
    "id", "status", "channel", "caller_phone", "caller_name", "address", "district_id", "street_id", "content",
    "request_type", "urgency", "catalog_item_id", "tier", "tier_reason", "lead_unit_id", "repeat_of_id", "answer",
    "result", "received_by_id", "idempotency_key", "rehandle_count", "received_at", "dispatched_at",
    "signed_at", "contact_due_at", "contacted_at", "due_at", "completed_at", "callback_at", "closed_at",
]
CALLBACK_COLUMNS = ["ticket_id", "agent_id", "reached", "contacted", "resolved", "satisfaction", "note", "created_at"]
RETURN_COLUMNS = ["ticket_id", "unit_id", "reason", "status", "requested_by_id", "requested_at", "ruling"]


@dataclass
class Rows:
    tickets: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)
    returns: list = field(default_factory=list)


@dataclass
class Stats:
    count: int = 0
    seconds: float = 0.0
    by_status: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)

    @property
    def per_second(self):
        return self.count / self.seconds if self.seconds else 0.0


def month_bounds(month):
    """'2026-11' → (start, end) in the project's time zone; ValueError on a malformed month."""
    year, number = (int(part) for part in month.split("-"))
    tz = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(year, number, 1, tzinfo=tz)
    end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
    return start, end


def month_range(months):
    """'2026-01..2026-03' → ['2026-01', '2026-02', '2026-03']; ValueError when malformed or reversed."""
    first, _, last = months.partition("..")
    (year, number), (last_year, last_number) = ((int(p) for p in m.split("-")) for m in (first, last or first))
    month_bounds(first), month_bounds(last or first)  # validates both
    labels = []
    while (year, number) <= (last_year, last_number):
        labels.append(f"{year:04d}-{number:02d}")
        year, number = year + number // 12, number % 12 + 1
    if not labels:
        raise ValueError(months)
    return labels


class World:
    """Everything read once: streets, catalog leaves, users, time limits."""

    def __init__(self):
        version = current_version()
        if version is None:
            raise GeneratorError("没有当前版本的派单目录：请先运行 manage.py load_catalog")
        self.leaves = list(leaves(version))
        if not self.leaves:
            raise GeneratorError(f"派单目录 {version} 没有三级条目")
        self.streets = list(Unit.objects.filter(kind=UnitKind.STREET, is_active=True).order_by("code"))
        if not self.streets:
            raise GeneratorError("组织机构目录为空：请先运行 manage.py load_directory")
        if not User.objects.filter(username="agent").exists():
            seed_demo_users()
        by_role = {}
        for user in User.objects.filter(username__in=["agent", "dispatcher", "callback"]):
            by_role[user.role] = user
        self.agent, self.dispatcher = by_role[Role.AGENT], by_role[Role.DISPATCHER]
        self.callback_agent = by_role[Role.CALLBACK_AGENT]
        center = Unit.objects.filter(kind=UnitKind.CENTER).values_list("id", flat=True).first()
        self.center_id = self.agent.unit_id or center
        self.limits = self._limits()
        self.tiers = {(leaf.pk, u): suggested_tier(leaf, u) for leaf in self.leaves for u in set(URGENCIES)}
        # the urgency whose dispatch limit the center's clock uses (the SQL engine writes the open clocks)
        self.dispatch_levels = {(leaf.pk, u): dispatch_level(leaf, u) for leaf in self.leaves for u in set(URGENCIES)}
        self.keywords = {leaf.pk: [k for k in leaf.keywords.replace("，", "、").split("、") if k] or [leaf.name]
                         for leaf in self.leaves}
        self.leaf_weights = [STREET_LEAF_WEIGHT if leaf.responsible == Responsible.STREET else 1
                             for leaf in self.leaves]
        self.leaf_cum = list(accumulate(self.leaf_weights))

    @staticmethod
    def _limits():
        """{tier: (response, completion)} as timedeltas, or None for working-day limits (computed per ticket)."""
        policy = current_policy()
        result = {}
        for tier in Tier.values:
            pair = []
            for key in (response_key(tier), complete_key(tier)):
                limit = limit_for(policy, key)
                if limit.unit == LimitUnit.HOURS:
                    pair.append(dt.timedelta(hours=limit.amount))
                elif limit.unit == LimitUnit.DAYS:
                    pair.append(dt.timedelta(days=limit.amount))
                else:
                    pair.append(key)
            result[tier] = tuple(pair)
        return result

    def due(self, start, limit):
        return start + limit if isinstance(limit, dt.timedelta) else compute_clock(start, limit).due_at


def street_weights_of(streets):
    """Population-like weights of the streets, in their order (DISTRICT_POPULATION, STREET_SPREAD); a street's
    spread factor comes from its code, so a big street is big every month."""
    per_district = {}
    for street in streets:
        per_district[street.parent_id] = per_district.get(street.parent_id, 0) + 1
    codes = dict(Unit.objects.filter(pk__in=list(per_district)).values_list("pk", "code"))
    weights = [DISTRICT_POPULATION.get(codes.get(street.parent_id), 50.0) / per_district[street.parent_id]
               * random.Random(f"street-size-{street.code}").lognormvariate(0, STREET_SPREAD) for street in streets]
    floor = STREET_FLOOR * sum(weights) / len(weights) if weights else 0
    return [max(weight, floor) for weight in weights]


class TicketFactory:
    """Builds the rows of one ticket at a time; `rng` makes a run reproducible for a seed."""

    def __init__(self, world, start, end, now, rng):
        self.world, self.start, self.now, self.rng = world, start, now, rng
        self.days = (end - start).days
        self.phones = []
        self.dispatched_ends = list(DISPATCHED_ENDS), list(accumulate(DISPATCHED_ENDS.values()))
        self.answered_ends = list(ANSWERED_ENDS), list(accumulate(ANSWERED_ENDS.values()))
        self.street_cum = list(accumulate(street_weights_of(world.streets)))
        self.span = (min(end, now) - start).total_seconds()

    def received_at(self):
        rng = self.rng
        hour = rng.choices(range(24), cum_weights=HOUR_CUM)[0]
        at = self.start + dt.timedelta(days=rng.randrange(self.days), hours=hour, seconds=rng.randrange(3600))
        if at > self.now:  # the month is still running
            at = self.start + dt.timedelta(seconds=rng.random() * self.span)
        return at

    def phone(self):
        rng = self.rng
        if self.phones and rng.random() < 0.05:  # a repeat caller
            return rng.choice(self.phones)
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if len(self.phones) < 5000:
            self.phones.append(phone)
        return phone

    def build(self, ticket_id, index, rows):
        """Append the rows of one ticket; return its final status."""
        world, rng = self.world, self.rng
        streets = world.streets
        street = streets[index] if index < len(streets) else rng.choices(streets, cum_weights=self.street_cum)[0]
        leaf = rng.choices(world.leaves, cum_weights=world.leaf_cum)[0]
        answered = (leaf.default_request_type == "consultation" and rng.random() < 0.7) or rng.random() < 0.04
        urgency = Urgency.NORMAL if answered else rng.choice(URGENCIES)
        tier = world.tiers[(leaf.pk, urgency)]
        lead = street
        if leaf.responsible == Responsible.UNIT and leaf.responsible_unit_id:
            lead = leaf.responsible_unit
        keyword = rng.choice(world.keywords[leaf.pk])
        t = {
            "id": ticket_id, "status": Status.RECEIVED, "channel": rng.choice(CHANNELS), "caller_phone": self.phone(),
            "caller_name": rng.choice(["", "", "张先生", "李女士", "王先生", "刘女士", "陈先生", "赵女士"]),
            "address": f"{street.name}{keyword[:2]}{rng.choice(COMMUNITIES)}{rng.randrange(1, 30)}号楼"
                       f"{rng.randrange(1, 7)}单元",
            "district_id": street.parent_id, "street_id": street.pk,
            "content": f"{leaf.name}：{keyword}{rng.choice(COMPLAINTS)}",
            "request_type": "consultation" if answered else (leaf.default_request_type or "complaint"),
            "urgency": urgency, "catalog_item_id": leaf.pk, "tier": tier, "tier_reason": "", "lead_unit_id": None,
            "repeat_of_id": None, "answer": "", "result": "", "received_by_id": world.agent.pk,
            "idempotency_key": None, "rehandle_count": 0, "received_at": self.received_at(),
            "dispatched_at": None, "signed_at": None, "contact_due_at": None, "contacted_at": None, "due_at": None,
            "completed_at": None, "callback_at": None, "closed_at": None,
        }
        if answered:
            self.answer_path(t, rows)
        else:
            self.dispatch_path(t, lead, rows)
        rows.tickets.append(t)
        return t["status"]

    def reached(self, at):
        return at <= self.now

    def answer_path(self, t, rows):
        rng, end = self.rng, rng_choice(self.rng, self.answered_ends)
        answered_at = t["received_at"] + dt.timedelta(minutes=rng.uniform(1, 20))
        if not self.reached(answered_at):
            return
        t.update(status=Status.ANSWERED, answer="已按知识库答复诉求人", completed_at=answered_at)
        if end != Status.ANSWERED:
            self.callback_and_close(t, rows, end, Status.ANSWERED, contacted=True)

    def dispatch_path(self, t, lead, rows):
        rng, world = self.rng, self.world
        end = rng_choice(rng, self.dispatched_ends)
        if end == Status.RECEIVED:
            return
        delay = rng.uniform(5, 50) if t["tier"] == Tier.H2 else rng.lognormvariate(3.5, 1.0)  # minutes
        dispatched = t["received_at"] + dt.timedelta(minutes=min(delay, 20 * 60))
        if not self.reached(dispatched):
            return
        response, completion = world.limits[t["tier"]]
        contact_due, due = world.due(dispatched, response), world.due(dispatched, completion)
        t.update(status=Status.DISPATCHED, lead_unit_id=lead.pk, dispatched_at=dispatched, contact_due_at=contact_due,
                 due_at=due)
        if end == Status.RETURNED:
            returned = dispatched + dt.timedelta(minutes=rng.uniform(20, 360))
            if returned < self.now - RULING:  # ruled long ago: modelled as handled by the lead
                end = Status.CLOSED
            else:
                if self.reached(returned):
                    t["status"] = Status.RETURNED
                    reason = "经核实，该事项不属于本单位职责范围"
                    rows.returns.append((t["id"], lead.pk, reason, "pending", world.dispatcher.pk, returned, ""))
                return
        steps = PATH[PATH.index(Status.SIGNED): PATH.index(end) + 1] if end in PATH else []
        at = dispatched
        for step in steps:
            at = self.next_time(t, step, at)
            if not self.reached(at):
                break
            if step == Status.SIGNED:
                t.update(status=step, signed_at=at)
            elif step == Status.IN_PROGRESS:
                t.update(status=step, contacted_at=at)
            elif step == Status.COMPLETED:
                result = "已现场核实处理，并电话告知诉求人办理结果"
                t.update(status=step, completed_at=at, result=result)
            else:
                contacted = t["contacted_at"] is not None and t["contacted_at"] <= t["contact_due_at"]
                self.callback_and_close(t, rows, end, Status.COMPLETED, contacted=contacted)
                break

    def next_time(self, t, step, at):
        rng = self.rng
        if step == Status.SIGNED:
            minutes = rng.uniform(2, 90) if rng.random() < 0.95 else rng.uniform(90, 360)
            return at + dt.timedelta(minutes=minutes)
        if step == Status.IN_PROGRESS:
            window = t["contact_due_at"] - t["dispatched_at"]
            late = rng.random() < 0.08
            offset = window * (rng.uniform(1.05, 2.0) if late else rng.uniform(0.05, 0.9))
            return max(at + dt.timedelta(minutes=1), t["dispatched_at"] + offset)
        if step == Status.COMPLETED:
            if rng.random() < 0.06:  # overdue
                late = t["due_at"] + (t["due_at"] - t["dispatched_at"]) * rng.uniform(0.05, 0.6)
                return max(late, at + dt.timedelta(minutes=5))
            return at + (max(t["due_at"] - at, dt.timedelta(minutes=10))) * rng.uniform(0.1, 0.95)
        return at

    def callback_and_close(self, t, rows, end, from_status, *, contacted):
        rng, agent = self.rng, self.world.callback_agent
        called = t["completed_at"] + dt.timedelta(hours=rng.uniform(2, 72))
        if not self.reached(called):
            return
        if rng.random() < 0.06:  # a first attempt that did not reach the caller
            attempt = t["completed_at"] + dt.timedelta(hours=rng.uniform(1, 2))
            rows.callbacks.append((t["id"], agent.pk, False, None, None, "", "无人接听", attempt))
        contacted = contacted if rng.random() < 0.97 else not contacted
        resolved = rng.random() < (0.9 if contacted else 0.6)
        weights = (80, 17, 3) if resolved else (8, 30, 62)
        satisfaction = rng.choices(["satisfied", "basic", "unsatisfied"], weights)[0]
        rows.callbacks.append((t["id"], agent.pk, True, contacted, resolved, satisfaction, "", called))
        t.update(status=Status.CALLBACK, callback_at=called)
        closed = called + dt.timedelta(minutes=rng.uniform(1, 30))
        if end == Status.CLOSED and self.reached(closed):
            t.update(status=Status.CLOSED, closed_at=closed)


def rng_choice(rng, population_cum_weights):
    population, cum_weights = population_cum_weights
    return rng.choices(population, cum_weights=cum_weights)[0]


# --- writing ------------------------------------------------------------------------------------------------

ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(ESCAPES)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


class PostgresWriter:
    def prepare(self, cursor):
        cursor.execute("SET LOCAL synchronous_commit = off")  # generated data: do not wait for the WAL flush
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if cursor.fetchone()[0]:  # the rows reference existing rows by construction: skip the deferred FK checks
            cursor.execute("SET LOCAL session_replication_role = replica")

    def finish(self, cursor):
        """The triggers on again: inside a caller's transaction (a test, the demo's seeding) a batch's SET LOCAL
        would outlive it, and the services' writes after it would skip the triggers that keep derived rows."""
        cursor.execute("SET LOCAL session_replication_role = origin")

    def reserve_ids(self, cursor, table, n, as_range=False):
        """A contiguous block of ids, taken from the sequence under a lock so concurrent inserts cannot interleave."""
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + n - 1])
        return first if as_range else list(range(first, first + n))

    def write(self, cursor, table, columns, rows):
        if not rows:
            return
        buffer = io.StringIO()
        buffer.writelines("\t".join(map(copy_value, row)) + "\n" for row in rows)
        buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def adapt(value):
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, dt.datetime) else value


class InsertWriter:
    """Any other database (SQLite in development): batched INSERTs with ids counted from the current maximum."""

    def prepare(self, cursor):
        pass

    def finish(self, cursor):
        pass

    def reserve_ids(self, cursor, table, n):
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + n))

    def write(self, cursor, table, columns, rows):
        if not rows:
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                           [[adapt(v) for v in row] for row in rows])


DERIVED_ASSIGNMENTS = """
INSERT INTO {assignment} (ticket_id, unit_id, role, status, dispatched_at, signed_at, completed_at, result)
SELECT id, lead_unit_id, 'lead',
       CASE WHEN status = 'returned' THEN 'returned' WHEN completed_at IS NOT NULL THEN 'completed'
            WHEN signed_at IS NOT NULL THEN 'signed' ELSE 'dispatched' END,
       dispatched_at, signed_at, completed_at, result
FROM {ticket} WHERE id BETWEEN %s AND %s AND dispatched_at IS NOT NULL
"""

# One audit event per milestone, as the services would have written them (actor, unit, from → to, note).
DERIVED_EVENTS = """
INSERT INTO {event} (ticket_id, actor_id, actor_unit_id, action, from_status, to_status, note, data, created_at)
SELECT t.id, t.received_by_id, %s, 'intake', '', 'received', '受理：' || c.name, {json}, t.received_at
  FROM {ticket} t JOIN {catalog} c ON c.id = t.catalog_item_id WHERE t.id BETWEEN %s AND %s
UNION ALL
SELECT id, received_by_id, %s, 'answer_directly', 'received', 'answered', answer, {json}, completed_at
  FROM {ticket} WHERE id BETWEEN %s AND %s AND lead_unit_id IS NULL AND completed_at IS NOT NULL
UNION ALL
SELECT t.id, CASE WHEN t.id % 10 < 7 THEN %s ELSE %s END, %s, 'dispatch', 'received', 'dispatched',
       '派至' || u.name || '（主办）', {json}, t.dispatched_at
  FROM {ticket} t JOIN {unit} u ON u.id = t.lead_unit_id WHERE t.id BETWEEN %s AND %s
UNION ALL
SELECT ticket_id, NULL, unit_id, 'return', 'dispatched', 'returned', reason, {json}, requested_at
  FROM {returns} WHERE ticket_id BETWEEN %s AND %s
UNION ALL
SELECT id, NULL, lead_unit_id, 'sign', 'dispatched', 'signed', '签收', {json}, signed_at
  FROM {ticket} WHERE id BETWEEN %s AND %s AND signed_at IS NOT NULL
UNION ALL
SELECT id, NULL, lead_unit_id, 'contact', 'signed', 'in_progress', '已电话联系诉求人', {json}, contacted_at
  FROM {ticket} WHERE id BETWEEN %s AND %s AND contacted_at IS NOT NULL
UNION ALL
SELECT id, NULL, lead_unit_id, 'complete', 'in_progress', 'completed', result, {feedback}, completed_at
  FROM {ticket} WHERE id BETWEEN %s AND %s AND lead_unit_id IS NOT NULL AND completed_at IS NOT NULL
UNION ALL
SELECT b.ticket_id, b.agent_id, %s, 'callback',
       CASE WHEN t.lead_unit_id IS NULL THEN 'answered' ELSE 'completed' END,
       CASE WHEN b.reached THEN 'callback' WHEN t.lead_unit_id IS NULL THEN 'answered' ELSE 'completed' END,
       CASE WHEN NOT b.reached THEN '未联系上诉求人' WHEN b.resolved THEN '问题已解决' ELSE '问题未解决' END,
       {json}, b.created_at
  FROM {callback} b JOIN {ticket} t ON t.id = b.ticket_id WHERE b.ticket_id BETWEEN %s AND %s
UNION ALL
SELECT id, %s, %s, 'close', 'callback', 'closed', '回访完成，结案', {json}, closed_at
  FROM {ticket} WHERE id BETWEEN %s AND %s AND closed_at IS NOT NULL
"""


def derived_sql():
    json = "'{{}}'::jsonb" if connection.vendor == "postgresql" else "'{{}}'"
    feedback = json.replace("{{}}", '{{"caller_feedback": "电话告知办理结果", "method": "phone"}}')
    tables = {
        "ticket": Ticket._meta.db_table, "assignment": Assignment._meta.db_table,
        "event": TicketEvent._meta.db_table, "callback": Callback._meta.db_table,
        "returns": ReturnRequest._meta.db_table, "unit": Unit._meta.db_table, "catalog": CatalogItem._meta.db_table,
    }
    events = DERIVED_EVENTS.replace("{json}", json).replace("{feedback}", feedback).replace("%", "%%")
    events = events.replace("%%s", "%s").format(**tables)
    return DERIVED_ASSIGNMENTS.format(**tables), events


def derive(cursor, world, first, last):
    """Lead assignments and the audit trail of tickets first..last, from their milestones; {name: rows}."""
    assignments, events = derived_sql()
    cursor.execute(assignments, [first, last])
    rows = {"assignments": cursor.rowcount}
    center, agent, dispatcher, callback = (world.agent.unit_id, world.agent.pk, world.dispatcher.pk,
                                           world.callback_agent.pk)
    ids = [first, last]
    cursor.execute(events, [
        center, *ids, center, *ids, agent, dispatcher, center, *ids, *ids, *ids, *ids, *ids,
        center, *ids, callback, center, *ids,
    ])
    rows["events"] = cursor.rowcount
    return rows


def count_rows(stats, rows):
    for name, n in rows.items():
        stats.rows[name] = stats.rows.get(name, 0) + n


def generate(count, month, *, seed=None, batch_size=None, now=None, progress=None, engine=None, bulk=None,
             rebuild=None, tally_days=True):
    """Write `count` tickets received in `month` ('YYYY-MM'); returns Stats. Raises GeneratorError, ValueError.

    engine "sql" (the default on PostgreSQL): every row is computed in the database, ~10× faster; "python" (the
    default elsewhere, e.g. SQLite, and when a tier limit counts working days): rows built in Python.
    bulk (SQL engine; default from BULK_FROM tickets) and rebuild: see generate_in_sql. The rows go in without
    triggers (PostgresWriter): the big screen's day tallies of the month are recounted after, unless tally_days
    is False (generate_months recounts a plan's months at once, after its indexes are back)."""
    start, end = month_bounds(month)
    now = now or timezone.now()
    if start > now:
        raise GeneratorError(f"{month} 尚未开始，无法生成该月的工单")
    world = World()
    limits = generator_sql.sql_limits(current_policy()) if generator_sql.supported() else None
    engine = engine or ("sql" if limits else "python")
    if engine == "sql" and limits is None:
        raise GeneratorError("SQL 生成方式需要 PostgreSQL，且各响应级别的时限不按工作日计；请改用 python 方式")
    if engine == "sql":
        seed = random.randrange(2**62) if seed is None else seed
        bulk = count >= BULK_FROM if bulk is None else bulk
        rebuild = bulk and (rebuild if rebuild is not None else generator_sql.smaller_than(REBUILD_BELOW * count))
        stats = generate_in_sql(count, world, limits, start, end, now, seed, batch_size or 50_000, progress, bulk,
                                rebuild)
    else:
        stats = generate_in_python(count, world, start, end, now, seed, batch_size or 10_000, progress)
    if tally_days:
        tally.rebuild(timezone.localdate(start), timezone.localdate(end - dt.timedelta(seconds=1)))
    return stats


def generate_months(plan, *, seed=None, batch_size=None, engine=None, progress=None):
    """Generate each (month, count) of `plan` in turn, yielding (month, Stats) as each month commits.

    On PostgreSQL, when the tables hold fewer than REBUILD_BELOW plans' worth of tickets, the secondary indexes are
    dropped once for the whole plan and rebuilt once after it (also when a month fails), instead of once per month
    or maintained row by row into an ever larger table: a year costs one sort per index, not twelve. The tables are
    vacuumed after the plan (generator_sql.vacuum)."""
    sql = (engine or "sql") == "sql" and generator_sql.supported()
    once = sql and len(plan) > 1 and generator_sql.smaller_than(REBUILD_BELOW * sum(n for _, n in plan))
    with indexes_rebuilt_after(once):
        for index, (month, count) in enumerate(plan):
            month_seed = None if seed is None else seed + index
            yield month, generate(count, month, seed=month_seed, batch_size=batch_size, engine=engine,
                                  progress=progress, rebuild=False if once else None, tally_days=not once)
    if once:  # the plan's days through the rebuilt received_at index
        first, last = month_bounds(plan[0][0])[0], month_bounds(plan[-1][0])[1]
        tally.rebuild(timezone.localdate(first), timezone.localdate(last - dt.timedelta(seconds=1)))
    if sql:
        generator_sql.vacuum()


@contextmanager
def indexes_rebuilt_after(rebuild):
    if not rebuild:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        definitions = generator_sql.drop_indexes(cursor)
    try:
        yield
    finally:
        generator_sql.rebuild_indexes(definitions)
        with transaction.atomic(), connection.cursor() as cursor:
            generator_sql.analyze(cursor)


def ends(name, weights):
    values, starts = generator_sql.cuts(weights)
    return {name: values, f"{name}_cuts": starts}


def sql_params(world, start, end, now, seed):
    street_weights = [max(1, round(weight * 2)) for weight in street_weights_of(world.streets)]
    slots = generator_sql.slots
    return {
        "seed": seed, "start": start, "now": now, "days": (end - start).days,
        "span": (min(end, now) - start).total_seconds(),
        "street_count": len(world.streets), "leaf_count": sum(world.leaf_weights),
        "street_slots": slots(enumerate(street_weights)),
        "hours": slots((hour, round(weight * 10)) for hour, weight in enumerate(HOUR_WEIGHTS)),
        "channels": CHANNELS, "urgencies": [str(u) for u in URGENCIES], "prefixes": PHONE_PREFIXES,
        "names": ["", "", "张先生", "李女士", "王先生", "刘女士", "陈先生", "赵女士"],
        "communities": COMMUNITIES, "complaints": COMPLAINTS,
        **ends("dispatched_ends", DISPATCHED_ENDS), **ends("answered_ends", ANSWERED_ENDS),
        "ruling": RULING, "agent": world.agent.pk, "callback_agent": world.callback_agent.pk,
        "dispatcher": world.dispatcher.pk, "center": world.center_id, "policy": current_policy().number,
    }


def generate_in_sql(count, world, limits, start, end, now, seed, batch_size, progress, bulk, rebuild):
    """Batches of `batch_size`, each in its own transaction; or, `bulk`, the whole run in one transaction (it locks
    the tables written until it commits; a failure rolls everything back). `rebuild` (bulk only; by default when the
    tables hold fewer than REBUILD_BELOW runs' worth of tickets) drops their secondary indexes during the load and
    rebuilds them after it, by sorting: cheaper than maintaining them row by row into a small table, but a rebuild
    sorts the whole table, so on a loaded one month k would cost k months of sorting: there the indexes are kept."""
    stats, writer = Stats(), PostgresWriter()
    params = sql_params(world, start, end, now, seed)
    started = time.perf_counter()
    with transaction.atomic() if bulk else nullcontext(), connection.cursor() as cursor:
        generator_sql.load_world(cursor, world, limits)
        indexes = generator_sql.drop_indexes(cursor) if rebuild else []
        for n0 in range(0, count, batch_size):
            n = min(batch_size, count - n0)
            with transaction.atomic():
                writer.prepare(cursor)
                first = writer.reserve_ids(cursor, Ticket._meta.db_table, n, as_range=True)
                by_status, rows = generator_sql.write_batch(cursor, {**params, "n0": n0, "n1": n0 + n - 1,
                                                                     "first_id": first})
                writer.finish(cursor)
            for status, number in by_status.items():
                stats.by_status[status] = stats.by_status.get(status, 0) + number
            count_rows(stats, rows)
            stats.count, stats.seconds = n0 + n, time.perf_counter() - started
            if progress:
                progress(stats)
        generator_sql.create_indexes(cursor, indexes)
        if bulk:
            generator_sql.analyze(cursor)
        generator_sql.drop_world(cursor)
    stats.seconds = time.perf_counter() - started
    return stats


def open_clocks(world, rows, now):
    """The clocks intake and dispatch would have left running on the batch's open orders (CLOCKS_SQL's twin):
    the center's dispatch clock on a received order; the lead's sign (until signed), response (until contacted)
    and complete clocks on a dispatched one, paused from the return while a return waits for the ruling."""
    policy, returned = current_policy(), {r[0]: r[5] for r in rows.returns}
    clocks = []
    for t in rows.tickets:
        status, paused = t["status"], returned.get(t["id"]) if t["status"] == Status.RETURNED else None
        if status == Status.RECEIVED:
            level = world.dispatch_levels[(t["catalog_item_id"], t["urgency"])]
            plan = [(dispatch_key(level), world.center_id, t["received_at"])]
        elif status in OPEN_STATUSES:
            keys = [complete_key(t["tier"])]
            keys += [response_key(t["tier"])] if status in UNCONTACTED_STATUSES else []
            keys += [LimitKey.SIGN] if status in UNSIGNED_STATUSES else []
            plan = [(key, t["lead_unit_id"], t["dispatched_at"]) for key in keys]
        else:
            continue
        for key, unit_id, started in plan:
            clock = compute_clock(started, key, policy)
            until = paused or now
            clocks.append(Clock(
                ticket_id=t["id"], key=key, unit_id=unit_id, started_at=started, due_at=clock.due_at,
                warn_at=clock.warn_at, warned_at=clock.warn_at if clock.warn_at <= until else None,
                breached_at=clock.due_at if is_past(clock.due_at, until) else None, paused_at=paused,
                policy_number=policy.number))
    return clocks


def generate_in_python(count, world, start, end, now, seed, batch_size, progress):
    factory = TicketFactory(world, start, end, now, random.Random(seed))
    writer = PostgresWriter() if connection.vendor == "postgresql" else InsertWriter()
    tables = [
        (Ticket._meta.db_table, TICKET_COLUMNS, "tickets"),
        (Callback._meta.db_table, CALLBACK_COLUMNS, "callbacks"),
        (ReturnRequest._meta.db_table, RETURN_COLUMNS, "returns"),
    ]
    stats = Stats()
    started = time.perf_counter()
    done = 0
    while done < count:
        n = min(batch_size, count - done)
        rows = Rows()
        with transaction.atomic(), connection.cursor() as cursor:
            writer.prepare(cursor)
            ids = writer.reserve_ids(cursor, Ticket._meta.db_table, n)
            for offset, ticket_id in enumerate(ids):
                status = factory.build(ticket_id, done + offset, rows)
                stats.by_status[status] = stats.by_status.get(status, 0) + 1
            clocks = open_clocks(world, rows, now)
            rows.tickets = [[t[c] for c in TICKET_COLUMNS] for t in rows.tickets]
            for table, columns, name in tables:
                batch = getattr(rows, name)
                writer.write(cursor, table, columns, batch)
                stats.rows[name] = stats.rows.get(name, 0) + len(batch)
            count_rows(stats, derive(cursor, world, ids[0], ids[-1]))
            if stored_scope.stored():  # written without the triggers that keep it
                cursor.execute(stored_scope.BACKFILL_SQL, {"first": ids[0], "end": ids[-1] + 1})
            Clock.objects.bulk_create(clocks)
            writer.finish(cursor)
            stats.rows["clocks"] = stats.rows.get("clocks", 0) + len(clocks)
        done += n
        stats.count, stats.seconds = done, time.perf_counter() - started
        if progress:
            progress(stats)
    return stats
