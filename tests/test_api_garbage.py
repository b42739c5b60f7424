"""Garbage in, 4xx out: every endpoint, every user kind, wrong shapes and types; never a 500."""

import json

import pytest

from .api_helpers import client_for, signed_whistled_order

FIELDS = [
    "channel", "caller_phone", "address", "district", "street", "content", "request_type", "catalog_item", "tier",
    "urgency", "dispatch", "answer", "lead_unit", "assist_units", "note", "ruling", "reason", "suggested_unit",
    "result", "caller_feedback_method", "caller_told_at", "caller_feedback", "requested_due_at", "approve",
    "reached", "contacted", "resolved", "satisfaction", "units", "action_note", "unit", "stars",
]
BAD_VALUES = [None, [], {}, [[1]], {"a": {"b": 1}}, 10**30, -1, 1.5, True, "x" * 10_000, "\x00", "2026-13-45"]
NOT_OBJECTS = [[], "text", 123, None, [{"note": "x"}]]
# DRF coerces numbers and booleans to text, so a body of such values may be accepted: it must just not be a 500
BODIES = [{"unknown": 1}] + [{name: value for name in FIELDS} for value in BAD_VALUES]


@pytest.fixture
def targets(demo_users, directory, catalog):
    ticket, whistle, extension = signed_whistled_order(demo_users, directory, catalog)
    t, w, e = f"/api/tickets/{ticket.pk}/", f"/api/whistles/{whistle.pk}/", f"/api/extensions/{extension.pk}/"
    actions = ["answer", "dispatch", "redispatch", "rule-return", "sign", "return", "contact", "complete",
               "extensions", "callback", "close", "rehandle", "whistles"]
    urls = ["/api/tickets/", "/api/auth/token/"] + [t + a + "/" for a in actions]
    urls += [w + a + "/" for a in ("decide", "report-in", "action", "rate")] + [e + "decide/"]
    return urls


@pytest.mark.parametrize("username", ["agent", "dispatcher", "callback", "wangjing", "wangjing_leader", "chengguan"])
def test_garbage_bodies_are_4xx_on_every_endpoint(demo_users, targets, username):
    client = client_for(demo_users[username])
    for url in targets:
        for body in NOT_OBJECTS + [{name: None for name in FIELDS}, {name: [] for name in FIELDS}]:
            response = client.post(url, json.dumps(body), content_type="application/json")
            assert 400 <= response.status_code < 500 or url.endswith("/sign/"), (url, body, response.content)
        for body in BODIES:
            response = client.post(url, json.dumps(body), content_type="application/json")
            assert response.status_code < 500, (url, str(body)[:200], response.content)
        response = client.post(url, "{not json", content_type="application/json")
        assert 400 <= response.status_code < 500, url
        response = client.post(url, b"\xff\xfe", content_type="application/x-www-form-urlencoded")
        assert 400 <= response.status_code < 500, url


def test_garbage_ids_and_query_strings_are_4xx(demo_users):
    client = client_for(demo_users["agent"])
    for url in ["/api/tickets/abc/", "/api/tickets/99999999999999999999/", "/api/tickets/-1/sign/",
                "/api/whistles/x/decide/", "/api/extensions/0/decide/", "/api/tickets/1/nope/"]:
        assert 400 <= client.post(url, {}, format="json").status_code < 500, url
        assert 400 <= client.get(url).status_code < 500, url
    for query in [{"limit": "x"}, {"offset": "-5"}, {"tier": "1y"}, {"received_to": "0"}, {"status": "\x00"},
                  {"street": "x" * 5000}, {"lead_unit": "\x00"}]:
        assert client.get("/api/tickets/", query).status_code in (200, 400), query
