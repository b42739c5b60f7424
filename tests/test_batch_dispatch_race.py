"""Two dispatchers batch-dispatch the same orders at the same moment (PostgreSQL row locks): every order goes out
exactly once, with one audit event, and each batch reports the orders the other took."""

import datetime as dt

import pytest
from django.db import connection

from dispatch.choices import Role
from dispatch.models import User
from hotline.models import Ticket, TicketEvent
from hotline.services import center

from .lifecycle_helpers import take_call
from .test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under real concurrency need PostgreSQL"),
]


def test_two_batches_over_the_same_orders_dispatch_each_once(demo_users, directory, catalog):
    now = dt.datetime.now(dt.UTC)
    orders = [take_call(demo_users, directory, catalog["sanitation"], content=f"堆物{i}", now=now) for i in range(6)]
    ids = [t.pk for t in orders]
    first = demo_users["dispatcher"]
    second = User.objects.create(username="dispatcher2", role=Role.DISPATCHER, unit=first.unit)
    units = directory["110105024"], directory["110105023"]
    reports = race(lambda: center.batch_dispatch(first, ids, units[0]),
                   lambda: center.batch_dispatch(second, ids[::-1], units[1]))
    won = [{o.ticket_id for o in report if o.dispatched} for report in reports]
    assert won[0].isdisjoint(won[1]) and won[0] | won[1] == set(ids)
    for report in reports:
        assert {o.reason for o in report if not o.dispatched} <= {"工单当前状态为「已派单」，不能派单"}
    for ticket in Ticket.objects.filter(pk__in=ids):
        assert TicketEvent.objects.filter(ticket=ticket, action="dispatch").count() == 1
        assert ticket.lead_unit == (units[0] if ticket.pk in won[0] else units[1])
