"""Intake's per-process caches (SLA policy, catalog items) and its lean lookups never serve stale rules."""

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessment.clock.choices import LimitKey, LimitUnit
from assessment.clock.policies import activate_policy, create_draft
from assessment.models import Clock, SlaLimit
from dispatch.catalog.services import set_current
from dispatch.models import CatalogItem, CatalogVersion
from hotline.models import Ticket

from .api_helpers import client_for, intake_body


@pytest.fixture
def wangjing(directory):
    return directory["110105026"]


def take(client, leaf, place, /, **extra):
    return client.post("/api/tickets/", intake_body(leaf, place, **extra), format="json")


def dispatch_clock(response):
    assert response.status_code == 201, response.json()
    return Clock.objects.get(ticket_id=response.json()["id"], key=LimitKey.DISPATCH_NORMAL)


def test_a_newly_activated_sla_policy_is_used_by_the_next_intake(demo_users, catalog, wangjing):
    client = client_for(demo_users["agent"])
    before = dispatch_clock(take(client, catalog["sanitation"], wangjing))  # loads the policy into the cache
    assert before.due_at - before.started_at == dt.timedelta(hours=24)
    draft = create_draft(actor=None, label="派单提速")
    SlaLimit.objects.filter(policy=draft, key=LimitKey.DISPATCH_NORMAL).update(amount=3, unit=LimitUnit.HOURS)
    activate_policy(draft)

    after = dispatch_clock(take(client, catalog["sanitation"], wangjing))

    assert after.due_at - after.started_at == dt.timedelta(hours=3)
    assert after.policy_number == draft.number == before.policy_number + 1


def test_a_leaf_of_a_replaced_catalog_version_is_refused_after_set_current(demo_users, catalog, wangjing):
    client = client_for(demo_users["agent"])
    assert take(client, catalog["sanitation"], wangjing).status_code == 201  # the leaf is now cached
    newer = CatalogVersion.objects.create(number=901, label="新目录")
    leaf = catalog["sanitation"]
    copy = CatalogItem.objects.create(version=newer, code=leaf.code, name=leaf.name, level=3,
                                      responsible=leaf.responsible, default_tier=leaf.default_tier)
    set_current(newer)

    stale = take(client, leaf, wangjing)
    assert stale.status_code == 400 and "catalog_item" in stale.json()["errors"]
    assert take(client, copy, wangjing).status_code == 201


def test_every_bad_field_is_reported_at_once_with_the_unit_lookups_batched(demo_users, catalog, wangjing):
    response = take(client_for(demo_users["agent"]), catalog["sanitation"], wangjing, street="999999999",
                    district="888888", caller_phone="1" * 30, catalog_item=10**9)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"street", "district", "caller_phone", "catalog_item"} <= set(errors)
    assert "999999999" in errors["street"][0] and "888888" in errors["district"][0]


def test_token_authentication_accepts_a_valid_token_and_refuses_bad_or_inactive_ones(demo_users, catalog,
                                                                                      wangjing):
    agent = demo_users["agent"]
    token = Token.objects.create(user=agent)
    body = intake_body(catalog["sanitation"], wangjing)
    client = APIClient()
    assert client.post("/api/tickets/", body, format="json", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 201
    # refused as unauthenticated (403: session authentication comes first and sends no challenge)
    assert client.post("/api/tickets/", body, format="json", HTTP_AUTHORIZATION="Token nope").status_code == 403
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert client.post("/api/tickets/", body, format="json", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 403
    assert Ticket.objects.count() == 1


def test_a_steady_state_intake_reads_only_what_can_change(demo_users, catalog, wangjing, django_assert_num_queries):
    token = Token.objects.create(user=demo_users["agent"])
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert take(client, catalog["sanitation"], wangjing).status_code == 201  # warms the per-process caches
    # token+user, district+street, current catalog version, current SLA version; savepoint, 3 inserts, release
    with django_assert_num_queries(9):
        assert take(client, catalog["sanitation"], wangjing, content="又堆了垃圾").status_code == 201
