"""generate_tickets: a month of consistent tickets in every state, across all streets."""

import datetime as dt
import io
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, Q

from assessment.clock.overdue import overdue_q
from assessment.models import Clock
from demodata import generator, generator_sql
from demodata.generator import GeneratorError, generate, generate_months
from demodata.generator_sql import BULK_TABLES
from dispatch.choices import UnitKind
from dispatch.models import Assignment, Unit
from dispatch.tiers import suggested_tier
from hotline.choices import OPEN_STATUSES, Status
from hotline.models import Callback, Ticket, TicketEvent

from .test_big_screen import kept_tallies, recount_tallies

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQL 生成方式仅用于 PostgreSQL")
FINGERPRINT = ["status", "street_id", "catalog_item_id", "caller_phone", "received_at", "contacted_at", "closed_at"]

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
# A month still running (noon in Beijing on the 29th): its live backlog holds every state; a month that is over
# keeps only a small tail open (test_generated_invariants.py).
LIVE = dt.datetime(2026, 1, 29, 4, tzinfo=dt.UTC)
MILESTONES = ["received_at", "dispatched_at", "signed_at", "contacted_at", "completed_at", "callback_at", "closed_at"]
# the milestones each final state has (the others are empty), for orders that went to a unit
REACHED = {
    Status.RECEIVED: 1, Status.DISPATCHED: 2, Status.RETURNED: 2, Status.SIGNED: 3, Status.IN_PROGRESS: 4,
    Status.COMPLETED: 5, Status.CALLBACK: 6, Status.CLOSED: 7,
}


@pytest.fixture(params=["sql", "python"])
def generated(request, demo_users, catalog):
    if request.param == "sql" and connection.vendor != "postgresql":
        pytest.skip("SQL 生成方式仅用于 PostgreSQL")
    return generate(2000, "2026-01", seed=7, now=LIVE, batch_size=700, engine=request.param)


def test_every_state_appears_across_all_streets(generated):
    assert generated.count == Ticket.objects.count() == 2000
    # every state but 'merged' (the center's later correction of a repeat, not a stage an order reaches by itself)
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values) - {Status.MERGED}
    streets = Unit.objects.filter(kind=UnitKind.STREET, is_active=True)
    assert set(Ticket.objects.values_list("street_id", flat=True)) == set(streets.values_list("id", flat=True))
    assert Ticket.objects.filter(lead_unit__kind=UnitKind.ENTERPRISE).exists()  # heating orders by catalog
    january = (dt.datetime(2025, 12, 31, 16, tzinfo=dt.UTC), dt.datetime(2026, 1, 31, 16, tzinfo=dt.UTC))
    assert not Ticket.objects.exclude(received_at__range=january).exists()


def test_milestones_are_consistent_with_the_state(generated):
    for ticket in Ticket.objects.exclude(status__in=[Status.ANSWERED]).filter(lead_unit__isnull=False):
        times = [getattr(ticket, name) for name in MILESTONES]
        present = REACHED[ticket.status]
        assert all(times[:present]) and not any(times[present:]), (ticket.status, times)
        assert times[:present] == sorted(times[:present])
        assert ticket.contact_due_at > ticket.dispatched_at and ticket.due_at >= ticket.contact_due_at
    answered = Ticket.objects.filter(lead_unit__isnull=True, completed_at__isnull=False)
    assert not answered.exclude(answer="").filter(dispatched_at__isnull=False).exists()
    assert not Ticket.objects.filter(status=Status.RECEIVED).exclude(dispatched_at=None, completed_at=None).exists()


def test_late_contacts_overdue_orders_and_a_realistic_callback_mix(generated):
    late = Ticket.objects.filter(contacted_at__gt=F("contact_due_at")).count()
    assert 0.03 * 2000 < late < 0.2 * 2000
    overdue = Ticket.objects.filter(overdue_q(LIVE))
    assert overdue.filter(completed_at__gt=F("due_at")).exists()
    assert overdue.filter(status__in=[Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS]).exists()
    assert not Ticket.objects.exclude(overdue_q(LIVE)).filter(completed_at__gt=F("due_at")).exists()
    answered = Callback.objects.filter(reached=True)
    called_back = Ticket.objects.filter(status__in=[Status.CALLBACK, Status.CLOSED])
    assert answered.count() == called_back.count()
    assert not answered.filter(satisfaction="").exists() and Callback.objects.filter(reached=False).exists()
    resolved = answered.filter(resolved=True).count() / answered.count()
    satisfied = answered.filter(satisfaction="satisfied").count() / answered.count()
    assert 0.7 < resolved < 0.97 and 0.5 < satisfied < 0.9
    assert not answered.filter(created_at__lt=F("ticket__completed_at")).exists()


def test_every_order_has_the_tier_intake_suggests_for_its_leaf_and_urgency(generated, catalog):
    leaves = {leaf.pk: leaf for leaf in catalog.values()}
    seen = set()
    for leaf_id, urgency, tier in Ticket.objects.values_list("catalog_item_id", "urgency", "tier").distinct():
        assert tier == suggested_tier(leaves[leaf_id], urgency), (leaves[leaf_id].name, urgency)
        seen.add(urgency)
    assert seen == {"emergency", "urgent", "normal", "complex"}


def test_assignments_and_audit_trail_follow_the_milestones(generated):
    dispatched = Ticket.objects.filter(dispatched_at__isnull=False)
    assert Assignment.objects.count() == dispatched.count()
    assert not Assignment.objects.exclude(unit_id=F("ticket__lead_unit_id")).exists()
    assert Assignment.objects.filter(ticket__status=Status.RETURNED).exclude(status="returned").count() == 0
    assert Assignment.objects.filter(Q(ticket__status=Status.CLOSED) & ~Q(status="completed")).count() == 0
    assert TicketEvent.objects.filter(action="intake").count() == 2000
    assert TicketEvent.objects.filter(action="sign").count() == Ticket.objects.filter(signed_at__isnull=False).count()
    closed = Ticket.objects.filter(status=Status.CLOSED, lead_unit__isnull=False).first()
    trail = list(closed.events.order_by("created_at", "id").values_list("action", "to_status"))
    assert [a for a, _ in trail if a != "callback"] == ["intake", "dispatch", "sign", "contact", "complete", "close"]
    assert trail[-1] == ("close", "closed")


def test_the_command_needs_a_current_catalog(demo_users):
    with pytest.raises(CommandError, match="load_catalog"):
        call_command("generate_tickets", count=10, month="2026-01", skip_checks=True)
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("generate_tickets", count=10, month="January", skip_checks=True)


def test_the_command_fills_consecutive_months_and_reports_each(demo_users, catalog):
    out = io.StringIO()
    call_command("generate_tickets", months="2025-11..2026-01", per_month=200, seed=1, stdout=out, skip_checks=True)
    beijing = ZoneInfo("Asia/Shanghai")
    received = Ticket.objects.values_list("received_at", flat=True)
    per_month = Counter(f"{at.astimezone(beijing):%Y-%m}" for at in received)
    assert per_month == {"2025-11": 200, "2025-12": 200, "2026-01": 200}
    assert [line.split("：")[0] for line in out.getvalue().splitlines() if "已生成" in line] == [
        "2025-11", "2025-12", "2026-01"]
    for months in ("2026-03..2026-01", "2026-01..2026-13"):
        with pytest.raises(CommandError, match="YYYY-MM"):
            call_command("generate_tickets", months=months, per_month=10, skip_checks=True)
    with pytest.raises(CommandError, match="--per-month"):
        call_command("generate_tickets", months="2026-01..2026-02", skip_checks=True)


@postgres_only
def test_a_seed_gives_the_same_month_whatever_the_batches_or_the_bulk_load(demo_users, catalog):
    def month():
        return list(Ticket.objects.order_by("id").values_list(*FINGERPRINT))

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [BULK_TABLES])
        indexes = cursor.fetchall()
    first = generate(600, "2026-01", seed=3, now=NOW, batch_size=250, engine="sql")
    rows = month()
    Ticket.objects.all().delete()
    with connection.cursor() as cursor:  # the delete's deferred key checks now: the bulk load builds indexes
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    second = generate(600, "2026-01", seed=3, now=NOW, batch_size=600, engine="sql", bulk=True)
    assert month() == rows and first.by_status == second.by_status and first.rows == second.rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [BULK_TABLES])
        assert cursor.fetchall() == indexes  # the bulk load rebuilt every index it dropped
    Ticket.objects.all().delete()
    generate(600, "2026-01", seed=4, now=NOW, engine="sql")
    assert month() != rows


@postgres_only
def test_a_bulk_load_rebuilds_the_indexes_of_an_empty_table_and_keeps_those_of_a_loaded_one(demo_users, catalog):
    def index_ids():
        with connection.cursor() as cursor:
            cursor.execute("""SELECT array_agg(x.indexrelid ORDER BY x.indexrelid) FROM pg_index x
                              JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ANY(%s)""", [BULK_TABLES])
            return cursor.fetchone()[0]

    empty = index_ids()
    generate(400, "2026-01", seed=3, now=NOW, engine="sql", bulk=True)
    loaded = index_ids()
    assert loaded != empty  # dropped during the load, built once after it
    generate(200, "2026-02", seed=4, now=NOW, engine="sql", bulk=True)
    assert index_ids() == loaded  # a month loaded onto twice its size does not re-sort the table: indexes maintained
    assert Ticket.objects.count() == 600 and TicketEvent.objects.filter(action="intake").count() == 600


def secondary_indexes():
    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
                          JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                          WHERE t.relname = ANY(%s) AND NOT x.indisunique ORDER BY 1""", [BULK_TABLES])
        return cursor.fetchall()


@postgres_only
def test_months_onto_an_empty_table_drop_the_indexes_once_and_rebuild_them_even_when_a_month_fails(
        demo_users, catalog, monkeypatch):
    built = secondary_indexes()
    during = [secondary_indexes() for _ in generate_months([("2026-01", 300), ("2026-02", 300)], seed=1, engine="sql")]
    assert during == [[], []]  # no index maintained row by row, none re-sorted between months
    assert secondary_indexes() == built and Ticket.objects.count() == 600
    assert kept_tallies() == recount_tallies()  # the big screen's day tallies, recounted once after the plan

    real = generator.generate
    def failing_second_month(count, month, **options):
        if month == "2026-04":
            raise GeneratorError("boom")
        return real(count, month, **options)
    monkeypatch.setattr(generator, "generate", failing_second_month)
    with pytest.raises(GeneratorError):
        list(generate_months([("2026-03", 300), ("2026-04", 300)], seed=2, engine="sql"))
    assert secondary_indexes() == built and Ticket.objects.count() == 900  # the month that committed stays


@postgres_only
def test_open_orders_have_the_clocks_intake_would_have_started(demo_users, catalog):
    generated_now = dt.datetime(2026, 2, 20, tzinfo=dt.UTC)
    generate(1500, "2026-02", seed=5, now=generated_now, engine="sql")
    clocks = Clock.objects.filter(stopped_at__isnull=True)
    received = Ticket.objects.filter(status=Status.RECEIVED).values_list("id", "urgency", "catalog_item__name")
    # heating (a utility) dispatches within the 较急 limit whatever the urgency, unless it is an emergency
    expected = {ticket_id: "dispatch:emergency" if urgency == "emergency" else "dispatch:urgent" if leaf == "冬季采暖"
                else f"dispatch:{urgency}" for ticket_id, urgency, leaf in received}
    assert {leaf for _, _, leaf in received} >= {"冬季采暖", "环境卫生"}
    assert dict(clocks.filter(key__startswith="dispatch:").values_list("ticket_id", "key")) == expected
    lead = clocks.filter(unit_id=F("ticket__lead_unit_id"))
    assert set(lead.filter(key__startswith="complete:").values_list("ticket_id", flat=True)) == set(
        Ticket.objects.filter(status__in=OPEN_STATUSES).values_list("id", flat=True))
    assert not lead.filter(key__startswith="complete:").exclude(due_at=F("ticket__due_at")).exists()
    assert not clocks.filter(key="sign", ticket__signed_at__isnull=False).exists()
    assert not clocks.filter(key__startswith="response:", ticket__contacted_at__isnull=False).exists()
    assert set(clocks.filter(paused_at__isnull=False).values_list("ticket__status", flat=True)) == {Status.RETURNED}
    breached = lead.filter(key__startswith="complete:", breached_at__isnull=False, paused_at__isnull=True)
    breached_ids = breached.values_list("ticket_id", flat=True)
    assert breached.exists()
    assert not Ticket.objects.filter(pk__in=breached_ids).exclude(overdue_q(generated_now)).exists()


@pytest.mark.parametrize("engine", ["sql", "python"])
def test_with_the_starter_catalog_about_half_the_orders_go_straight_to_a_street(demo_users, engine):
    if engine == "sql" and connection.vendor != "postgresql":
        pytest.skip("SQL 生成方式仅用于 PostgreSQL")
    call_command("load_catalog", verbosity=0)
    generate(1500, "2026-01", seed=3, now=NOW, engine=engine)
    dispatched = Ticket.objects.exclude(lead_unit=None)
    share = dispatched.filter(lead_unit__kind=UnitKind.STREET).count() / dispatched.count()
    assert 0.4 < share < 0.75, share


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_gram_index_is_rebuilt_in_a_second_session_beside_the_others():
    built = secondary_indexes()
    with connection.cursor() as cursor:
        definitions = generator_sql.drop_indexes(cursor)  # autocommit: committed, as between a plan's months
    sessions = []
    real = generator_sql.create_indexes
    def noting_the_session(cursor, batch):
        cursor.execute("SELECT pg_backend_pid()")
        sessions.append((cursor.fetchone()[0], ["grams" if "hotline_word_grams" in d else "other" for d in batch]))
        real(cursor, batch)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(generator_sql, "create_indexes", noting_the_session)
            generator_sql.rebuild_indexes(definitions)
    finally:
        with connection.cursor() as cursor:
            for definition in definitions:
                cursor.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    assert secondary_indexes() == built
    gram_sessions = {pid for pid, kinds in sessions if kinds == ["grams"]}  # the scope's small GIN is with the rest
    assert len(gram_sessions) == 1
    assert gram_sessions.isdisjoint(pid for pid, kinds in sessions if kinds != ["grams"])
