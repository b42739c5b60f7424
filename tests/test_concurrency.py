"""Two real connections racing on one order (PostgreSQL row locks): exactly one wins, the other gets 409."""

import datetime as dt
import threading

import pytest
from django.db import connection

from hotline.models import CallerFeedback, Ticket, TicketEvent

from .api_helpers import COMPLETE_BODY, client_for, intake_body
from .lifecycle_helpers import handling, intake, take_call

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under real concurrency need PostgreSQL"),
]


def race(*requests):
    """Run the callables at the same moment, each in its own thread (and so its own DB connection)."""
    barrier, results = threading.Barrier(len(requests)), [None] * len(requests)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def post(user, url, body):
    return lambda: client_for(user).post(url, body, format="json")


@pytest.fixture
def order(demo_users, directory, catalog):
    ticket = take_call(demo_users, directory, catalog["sanitation"], now=dt.datetime.now(dt.UTC))
    intake.dispatch_ticket(demo_users["agent"], ticket.pk)
    return ticket


def test_two_signatures_at_once_one_wins_the_other_is_409(demo_users, order):
    url = f"/api/tickets/{order.pk}/sign/"
    responses = race(post(demo_users["wangjing"], url, {}), post(demo_users["wangjing_leader"], url, {}))
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert TicketEvent.objects.filter(ticket=order, action="sign").count() == 1
    order.refresh_from_db()
    assert order.status == "signed" and order.signed_at is not None


def test_two_returns_at_once_one_wins_the_other_is_409(demo_users, order):
    url = f"/api/tickets/{order.pk}/return/"
    body = {"reason": "非本单位职责"}
    responses = race(post(demo_users["wangjing"], url, body), post(demo_users["wangjing_leader"], url, body))
    assert sorted(r.status_code for r in responses) == [200, 409], [r.content for r in responses]
    assert TicketEvent.objects.filter(ticket=order, action="return").count() == 1
    assert order.return_requests.count() == 1


def test_two_completions_at_once_one_wins_the_other_is_409(demo_users, order):
    handling.sign(demo_users["wangjing"], order.pk)
    handling.contact_caller(demo_users["wangjing"], order.pk, "已联系")
    url = f"/api/tickets/{order.pk}/complete/"
    body = dict(COMPLETE_BODY, caller_told_at=dt.datetime.now(dt.UTC).isoformat())
    responses = race(post(demo_users["wangjing"], url, body), post(demo_users["wangjing_leader"], url, body))
    assert sorted(r.status_code for r in responses) == [200, 409], [r.content for r in responses]
    assert TicketEvent.objects.filter(ticket=order, action="complete").count() == 1
    assert CallerFeedback.objects.filter(ticket=order).count() == 1


def test_two_intakes_with_the_same_idempotency_key_make_one_ticket(demo_users, directory, catalog):
    body = intake_body(catalog["sanitation"], directory["110105026"], dispatch=True)
    call = lambda: client_for(demo_users["agent"]).post(  # noqa: E731
        "/api/tickets/", body, format="json", headers={"Idempotency-Key": "app-retry-1"})
    responses = race(call, call)
    assert sorted(r.status_code for r in responses) == [200, 201], [r.content for r in responses]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    ticket = Ticket.objects.get(idempotency_key="app-retry-1")
    assert ticket.status == "dispatched" and ticket.assignments.count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, action="intake").count() == 1
