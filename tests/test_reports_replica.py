"""Leader pages read through the reports alias (a replica in production); month close and every save write to the
primary, and nothing is ever written through the replica."""

import pytest
from django.db import connections
from django.db.utils import InternalError
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from assessment.models import Scorecard
from assessment.monthly.month_close import close_month

from .assessment_helpers import OCT, make_order
from .page_helpers import login

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reports"])
REPLICA = override_settings(REPORTS_DATABASE="reports")
LEADER_PAGES = [
    ("assessment:rankings", [], {"month": "2026-10", "group": "street"}),
    ("assessment:export", [], {"month": "2026-10", "group": "street"}),
    ("assessment:unit", ["110105026"], {"month": "2026-10", "measure": "all"}),
    ("assessment:overview", [], {"month": "2026-10"}),
]


@pytest.fixture
def closed(demo_users, directory, catalog):
    for code in ("110105026", "110101001"):
        make_order(demo_users, directory[code], catalog["sanitation"])
    close_month(OCT, freeze=True)
    return demo_users


def _capture(alias):
    return CaptureQueriesContext(connections[alias])


def _statements(context):
    return [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize(("name", "args", "params"), LEADER_PAGES)
def test_leader_pages_read_scorecards_through_the_replica_and_write_nothing_there(client, closed, name, args,
                                                                                 params):
    login(client, closed["leader"])
    with REPLICA, _capture("reports") as replica, _capture("default") as primary:
        response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    read = _statements(replica)
    assert any("assessment_monthclose" in sql or "assessment_scorecard" in sql for sql in read), read
    assert all(sql.lstrip().upper().startswith(("SELECT", "WITH")) for sql in read), read
    assert not [sql for sql in _statements(primary) if "assessment_scorecard" in sql or "assessment_monthclose" in sql]


def test_the_ranking_shows_what_the_replica_holds(client, closed):
    login(client, closed["leader"])
    with REPLICA:
        body = client.get(reverse("assessment:rankings"), {"month": "2026-10", "group": "street"}).content.decode()
    assert "望京街道" in body and "东华门街道" in body


def test_month_close_never_touches_the_replica(client, closed):
    with REPLICA, _capture("reports") as replica:
        close_month(OCT, freeze=False)
        login(client, closed["admin"])
        client.post(reverse("assessment:month_close"), {"month": "2026-10", "confirm": "1"})
    assert _statements(replica) == []


def test_a_scorecard_read_from_the_replica_is_saved_to_the_primary(closed):
    card = Scorecard.objects.using("reports").filter(month=OCT).first()
    card.called_out = not card.called_out
    with _capture("reports") as replica, _capture("default") as primary:
        card.save(update_fields=["called_out"])
    assert _statements(replica) == [] and any("UPDATE" in sql for sql in _statements(primary))
    assert Scorecard.objects.get(pk=card.pk).called_out == card.called_out


def test_the_replica_alias_refuses_writes_on_postgresql(closed):
    if connections["reports"].vendor != "postgresql":
        pytest.skip("SQLite has no read-only session; the tests above show nothing is written through the alias")
    with pytest.raises(InternalError, match="read-only"):
        Scorecard.objects.using("reports").filter(month=OCT).update(called_out=True)
