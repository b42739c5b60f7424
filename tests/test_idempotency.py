"""Idempotency-Key belongs to the user who sent it: a retry gets its first answer, another body under the key a 422,
and the same key from another user is that user's own request (issue 13, finding 7)."""

import pytest
from django.db import connection

from hotline.models import Ticket

from .api_helpers import client_for, intake_body
from .page_helpers import login
from .test_concurrency import race

pytestmark = pytest.mark.django_db


@pytest.fixture
def wangjing(directory):
    return directory["110105026"]


def post(user, body, key):
    return client_for(user).post("/api/tickets/", body, format="json", headers={"Idempotency-Key": key})


def test_a_retry_with_the_same_key_and_body_returns_the_first_ticket(users, catalog, wangjing):
    body = intake_body(catalog["sanitation"], wangjing, dispatch=True)
    first, again = post(users["agent"], body, "msg-1"), post(users["agent"], body, "msg-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["status"] == "dispatched"
    assert Ticket.objects.filter(idempotency_key="msg-1").count() == 1


def test_the_same_key_with_another_body_is_refused_with_a_422_naming_the_key(users, catalog, wangjing):
    first = post(users["agent"], intake_body(catalog["sanitation"], wangjing), "msg-2")
    for changed in ({"content": "另一件事：路灯不亮"}, {"caller_phone": "13900001111"}, {"dispatch": True}):
        other = post(users["agent"], intake_body(catalog["sanitation"], wangjing, **changed), "msg-2")
        assert other.status_code == 422, (changed, other.json())
        body = other.json()
        assert "Idempotency-Key「msg-2」已用于另一内容的请求" in body["detail"]
        assert body["errors"] == {"Idempotency-Key": [body["detail"]]}
    assert list(Ticket.objects.values_list("pk", flat=True)) == [first.json()["id"]]
    assert Ticket.objects.get().content == "楼下垃圾堆放多日无人清理"


def test_another_users_request_with_the_same_key_is_taken_as_its_own(users, catalog, wangjing):
    """The issue's attack: the key of the agent's request, sent by the dispatcher with another caller and text,
    used to answer 200 with the agent's ticket and lose the dispatcher's request."""
    mine = post(users["agent"], intake_body(catalog["sanitation"], wangjing), "shared-key")
    theirs = post(users["dispatcher"], intake_body(catalog["sanitation"], wangjing, caller_phone="13700002222",
                                                   content="井盖丢失"), "shared-key")
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.json()
    assert theirs.json()["id"] != mine.json()["id"]
    ticket = Ticket.objects.get(pk=theirs.json()["id"])
    assert ticket.received_by == users["dispatcher"] and ticket.content == "井盖丢失"
    assert ticket.caller_phone == "13700002222"


def test_the_intake_page_shows_the_422_and_saves_nothing_more(client, users, catalog, directory):
    login(client, users["agent"])
    form = {"caller_phone": "13912345678", "channel": "phone", "street": "望京街道", "address": "望京西园三区2号楼",
            "content": "楼道垃圾无人清理", "request_type": "complaint", "urgency": "normal",
            "catalog_item": catalog["sanitation"].pk, "submit": "dispatch", "idempotency_key": "form-1"}
    assert client.post("/intake/", form).status_code == 302
    assert client.post("/intake/", form).status_code == 302  # a double submit: the same order again
    changed = client.post("/intake/", {**form, "content": "楼道灯坏了"})
    assert changed.status_code == 422
    assert "Idempotency-Key「form-1」已用于另一内容的请求" in changed.content.decode()
    assert Ticket.objects.filter(idempotency_key="form-1").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_racing_requests_under_one_key_make_one_ticket_per_user(demo_users, directory, catalog):
    body = intake_body(catalog["sanitation"], directory["110105026"], dispatch=True)
    other = intake_body(catalog["sanitation"], directory["110105026"], content="井盖丢失")
    agent, dispatcher = demo_users["agent"], demo_users["dispatcher"]
    responses = race(*[lambda: post(agent, body, "race-1")] * 3, lambda: post(agent, other, "race-1"),
                     lambda: post(dispatcher, body, "race-1"))
    codes = [r.status_code for r in responses]
    mine = {r.json()["id"] for r in responses[:4] if r.status_code in (200, 201)}
    assert len(mine) == 1, codes
    assert codes[4] == 201 and responses[4].json()["id"] not in mine
    assert sorted(codes[:4]) in ([200, 200, 201, 422], [201, 422, 422, 422]), codes  # `other` may come first
    assert Ticket.objects.filter(idempotency_key="race-1").count() == 2
