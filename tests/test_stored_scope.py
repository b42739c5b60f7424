"""The scope stored on each order (PostgreSQL, hotline/stored_scope.py) lets every user see exactly the orders the
rule itself gives them (selectors.related_scope), through the services and through writes that bypass them: a
whistle, an assist unit, a return and a re-dispatch, a corrected address district, a deleted assignment, a unit
moved under a district."""

import datetime as dt

import pytest
from django.db import connection

from dispatch.choices import Role
from dispatch.models import Assignment, User
from hotline import selectors
from hotline.models import Ticket
from hotline.services import center, handling, intake, whistles

from .lifecycle_helpers import T0, take_call

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the stored scope is PostgreSQL's"),
]
WANGJING, DONGCHENG_STREET = "110105026", "110101004"


@pytest.fixture
def people(users, directory):
    dongcheng = User.objects.create(username="dongcheng", role=Role.DISTRICT_SUPERVISOR, unit=directory["110101"])
    return [*users.values(), dongcheng]


def assert_every_scope_is_the_rule(people):
    for user in people:
        stored = set(selectors.visible_tickets(user).values_list("pk", flat=True))
        rule = set(selectors.related_scope(user).values_list("pk", flat=True))
        assert stored == rule, (user.username, stored ^ rule)


def test_the_stored_scope_is_the_rule_through_every_kind_of_change(users, directory, catalog, people):
    at = T0
    step = dt.timedelta(minutes=5)
    sanitation = catalog["sanitation"]
    plain = take_call(users, directory, sanitation, now=at)
    intake.dispatch_ticket(users["agent"], plain.pk, lead_unit=plain.street, now=at)
    undispatched = take_call(users, directory, sanitation, now=at + step)
    elsewhere = take_call(users, directory, sanitation, street=DONGCHENG_STREET, now=at + step)
    intake.dispatch_ticket(users["agent"], elsewhere.pk, lead_unit=directory[WANGJING], lead_reason="跨区协调",
                           now=at + step)
    assisted = take_call(users, directory, sanitation, now=at + 2 * step)
    intake.dispatch_ticket(users["agent"], assisted.pk, lead_unit=assisted.street, assist_units=[directory["D002"]],
                           now=at + 2 * step)
    assert_every_scope_is_the_rule(people)
    assert selectors.visible_tickets(users["chaoyang"]).filter(pk=undispatched.pk).exists() is False

    whistled = take_call(users, directory, sanitation, now=at + 3 * step)
    intake.dispatch_ticket(users["agent"], whistled.pk, lead_unit=whistled.street, now=at + 3 * step)
    handling.sign(users["wangjing"], whistled.pk, now=at + 4 * step)
    whistle = whistles.raise_whistle(users["wangjing"], whistled.pk, units=[directory["E002"]], reason="供热管线",
                                     now=at + 4 * step)
    whistles.decide_whistle(users["wangjing_leader"], whistle.pk, approve=True, now=at + 4 * step)
    assert selectors.visible_tickets(users["heating"]).filter(pk=whistled.pk).exists()

    returned = take_call(users, directory, sanitation, now=at + 5 * step)
    intake.dispatch_ticket(users["agent"], returned.pk, lead_unit=returned.street, now=at + 5 * step)
    handling.return_order(users["wangjing"], returned.pk, "不属于本街道", now=at + 6 * step)
    center.rule_return(users["dispatcher"], returned.pk, ruling="属地管理", now=at + 7 * step)
    assert_every_scope_is_the_rule(people)

    # writes past the services: an address district corrected, an assignment deleted, a unit moved
    Ticket.objects.filter(pk=plain.pk).update(district=directory["110101"])
    Assignment.objects.filter(ticket=assisted, unit=directory["D002"]).delete()
    assert_every_scope_is_the_rule(people)
    assert not selectors.visible_tickets(users["chengguan"]).filter(pk=assisted.pk).exists()
    heating = directory["E002"]
    heating.parent = directory["110105"]
    heating.save(update_fields=["parent"])
    assert_every_scope_is_the_rule(people)
    assert selectors.visible_tickets(users["chaoyang"]).filter(pk=whistled.pk).exists()


@pytest.mark.parametrize("engine", ["sql", "python"])
def test_the_generator_writes_the_tokens_the_triggers_would(users, directory, catalog, engine):
    from demodata.generator import generate

    generate(400, "2026-01", seed=11, now=dt.datetime(2026, 2, 10, tzinfo=dt.UTC), engine=engine)
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*), count(*) FILTER (WHERE seen_by <> '{}'), count(*) FILTER (WHERE NOT (
                              seen_by @> hotline_scope_tokens(id, district_id, dispatched_at IS NOT NULL)
                              AND seen_by <@ hotline_scope_tokens(id, district_id, dispatched_at IS NOT NULL)))
                          FROM hotline_ticket""")
        total, with_tokens, different = cursor.fetchone()
    assert total == 400 and with_tokens > 200  # the dispatched ones
    assert different == 0
