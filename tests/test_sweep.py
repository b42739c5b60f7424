"""The minute sweep: each warning and each breach exactly once, whoever runs it and however often."""

import threading

import pytest
from django.db import connection, connections, transaction

from assessment.clock import notifications
from assessment.clock import sweep as sweep_module
from assessment.clock.overdue import overdue_q
from assessment.clock.selectors import unread_notifications
from assessment.clock.sweep import sweep
from assessment.models import Clock, Notification, Outbox
from hotline.models import Ticket, TicketEvent

from .clock_helpers import H, S, drop_work_notices, events, open_clock
from .lifecycle_helpers import T0, handling, intake, take_call

NOTHING = {"breach": 0, "warn": 0}


def dispatched(users, directory, item, **extra):
    ticket = take_call(users, directory, item, now=T0, **extra)
    intake.dispatch_ticket(users["agent"], ticket.pk, now=T0)
    drop_work_notices()
    return ticket


def test_warning_at_three_quarters_then_breach_at_the_limit_each_exactly_once(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["heating"])  # 24 h tier, lead: 热力集团
    sign = open_clock(ticket, "sign")
    assert sweep(now=sign.warn_at - S) == NOTHING
    assert sweep(now=sign.warn_at) == {"breach": 0, "warn": 1}
    assert sweep(now=sign.warn_at) == NOTHING and sweep(now=sign.due_at - S) == NOTHING
    assert sweep(now=sign.due_at) == NOTHING  # at the deadline itself the unit is still in time
    assert sweep(now=sign.due_at + S) == {"breach": 1, "warn": 0}
    assert sweep(now=sign.due_at + H) == NOTHING
    warn, = events(ticket, "warn")
    breach, = events(ticket, "breach")
    assert warn.created_at == T0 + 1.5 * H and breach.created_at == T0 + 2 * H + S
    assert "签收时限" in warn.note and "将于11月16日19:00到期" in warn.note and "已于11月16日19:00超期" in breach.note
    assert warn.from_status == warn.to_status == "dispatched" and warn.actor is None
    sign.refresh_from_db()
    assert (sign.warned_at, sign.breached_at, sign.stopped_at) == (T0 + 1.5 * H, T0 + 2 * H + S, None)
    ticket.refresh_from_db()
    assert not ticket.overdue_at(sign.due_at + S)  # a missed sign limit is not an overdue order


def test_unit_and_its_supervisors_are_told_and_an_sms_is_queued(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["sanitation"])  # street order: 望京街道, district 朝阳区
    sweep(now=T0 + 1.5 * H)
    street, district = directory["110105026"], directory["110105"]
    inbox = unread_notifications(users["wangjing"])
    assert [(n.kind, n.ticket_id) for n in inbox] == [("warn", ticket.pk)]
    assert inbox[0].text.startswith(f"工单{ticket.number}「签收时限」将于")
    supervisor_inbox = unread_notifications(users["chaoyang"])
    assert [n.text for n in supervisor_inbox] == [f"（望京街道）{inbox[0].text}"]
    assert not unread_notifications(users["heating"]).exists()
    sms = Outbox.objects.get()
    assert (sms.unit, sms.sent_at) == (street, None) and sms.text == f"【12345】{inbox[0].text}"
    assert notifications.mark_read(users["heating"], [inbox[0].pk]) == 0  # not the heating company's message
    assert notifications.mark_read(users["wangjing"], [inbox[0].pk], now=T0 + 2 * H) == 1
    assert not unread_notifications(users["wangjing"]).exists() and unread_notifications(users["chaoyang"]).exists()
    assert district.pk == supervisor_inbox[0].recipient_id


def test_completion_breach_marks_the_order_overdue(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["sanitation"])
    complete = open_clock(ticket, "complete:")
    sweep(now=complete.due_at - S)
    ticket.refresh_from_db()
    assert not ticket.overdue_at(complete.due_at)
    assert sweep(now=complete.due_at + S) == {"breach": 1, "warn": 0}
    ticket.refresh_from_db()
    assert ticket.overdue_at(complete.due_at + S)
    center = directory["C12345"]
    assert Notification.objects.filter(kind="breach", recipient=center).count() == 0  # street: district supervises


def test_a_clock_already_past_due_is_breached_without_a_late_warning(users, directory, catalog):
    ticket = dispatched(users, directory, catalog["heating"])
    assert sweep(now=T0 + 30 * H) == {"breach": 3, "warn": 0}  # sign, contact, complete (24 h tier)
    assert sweep(now=T0 + 31 * H) == NOTHING
    assert not events(ticket, "warn")
    heating_inbox = unread_notifications(users["heating"])
    assert heating_inbox.count() == 3
    # a department is supervised by the center
    assert Notification.objects.filter(recipient=directory["C12345"], kind="breach").count() == 3


def test_a_sweep_that_dies_mid_batch_leaves_nothing_and_the_next_one_does_it_once(users, directory, catalog,
                                                                                  monkeypatch):
    ticket = dispatched(users, directory, catalog["heating"])
    real_insert = sweep_module.insert_rows

    def die_at_the_outbox(model, columns, rows):
        if model is Outbox:  # the events and notifications are already written by now
            raise RuntimeError("worker killed")
        real_insert(model, columns, rows)

    monkeypatch.setattr(sweep_module, "insert_rows", die_at_the_outbox)
    with pytest.raises(RuntimeError):
        sweep(now=T0 + 1.5 * H)
    assert not events(ticket, "warn") and not Notification.objects.exists()
    assert not Clock.objects.filter(warned_at__isnull=False).exists()
    monkeypatch.setattr(sweep_module, "insert_rows", real_insert)
    assert sweep(now=T0 + 1.5 * H) == {"breach": 0, "warn": 1}
    assert len(events(ticket, "warn")) == 1 and Outbox.objects.count() == 1 and Notification.objects.count() == 2


def test_batches_continue_until_nothing_is_due(users, directory, catalog):
    tickets = [dispatched(users, directory, catalog["heating"]) for _ in range(4)]
    assert sweep(now=T0 + 30 * H, batch_size=5) == {"breach": 12, "warn": 0}
    assert sweep(now=T0 + 30 * H, batch_size=5, max_batches=1) == NOTHING
    assert all(len(events(t, "breach")) == 3 for t in tickets)


def test_paused_and_stopped_clocks_are_never_swept(users, directory, catalog):
    returned = dispatched(users, directory, catalog["sanitation"])
    handling.return_order(users["wangjing"], returned.pk, "非本街道辖区", now=T0 + H)
    signed = dispatched(users, directory, catalog["sanitation"])
    handling.sign(users["wangjing"], signed.pk, now=T0 + H)
    assert sweep(now=T0 + 30 * 24 * H) == {"breach": 2, "warn": 0}  # the signed order's contact and complete
    assert not events(returned, "breach")
    assert {e.data["key"] for e in events(signed, "breach")} == {"response:7d", "complete:7d"}


# --- two sweeps at once on PostgreSQL: separate connections, committed data


def _run_in_thread(target, results, barrier, **kwargs):
    try:
        barrier.wait(timeout=10)
        results.append(target(**kwargs))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_warn_and_breach_each_clock_exactly_once(users, directory, catalog):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL: set DATABASE_URL to a postgres database")
    tickets = [dispatched(users, directory, catalog["heating"]) for _ in range(12)]
    due = Clock.objects.filter(ticket__in=tickets, stopped_at__isnull=True).count()
    assert due == 36
    for moment, phase in ((T0 + 20 * H, "warn"), (T0 + 30 * H, "breach")):
        results, barrier = [], threading.Barrier(2)
        threads = [
            threading.Thread(target=_run_in_thread, args=(sweep, results, barrier),
                             kwargs={"now": moment, "batch_size": 3})
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(results) == 2
        # A sweep skips rows the other one holds (SKIP LOCKED); the next minute's sweep takes whatever was left.
        results.append(sweep(now=moment, batch_size=3))
        claimed = sum(r[phase] for r in results)
        # at 20 h: the 2 h sign limits breach, contact and complete (24 h) warn; at 30 h those two breach
        assert claimed == 24
        assert sum(r["breach"] for r in results) == (12 if phase == "warn" else 24)
    per_clock = TicketEvent.objects.filter(ticket__in=tickets, action__in=["warn", "breach"])
    keys = [(e.action, e.data["clock"]) for e in per_clock]
    assert len(keys) == len(set(keys)) == 12 + 24 + 24  # sign: breach; contact, complete: warn + breach
    assert Ticket.objects.filter(overdue_q(T0 + 30 * H), pk__in=[t.pk for t in tickets]).count() == 12


@pytest.mark.django_db(transaction=True)
def test_sweep_skips_an_order_a_service_holds_and_takes_it_next_time(users, directory, catalog):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL: set DATABASE_URL to a postgres database")
    held, free = (dispatched(users, directory, catalog["heating"]) for _ in range(2))
    locked, release, results = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=10)
    try:
        results.append(sweep(now=T0 + 1.5 * H))  # does not wait for the lock
    finally:
        release.set()
        holder.join(timeout=20)
    assert results == [{"breach": 0, "warn": 1}]
    assert len(events(free, "warn")) == 1 and not events(held, "warn")
    assert sweep(now=T0 + 1.5 * H) == {"breach": 0, "warn": 1}
    assert len(events(held, "warn")) == 1
