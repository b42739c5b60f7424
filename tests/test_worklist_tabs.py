"""The handling unit's worklist tabs and their counts."""

import datetime as dt
import re

import pytest

from hotline.services import whistles

from .lifecycle_helpers import handling
from .page_helpers import login, street_order, whistled_order

pytestmark = pytest.mark.django_db


# --- worklist tab counts ---------------------------------------------------------------------------------------


def test_worklist_tabs_show_their_counts(client, users, directory, catalog, now):
    tickets = [street_order(users, directory, catalog, now, content=f"垃圾{i}") for i in range(3)]
    handling.sign(users["wangjing"], tickets[0].pk, now=now)
    whistled_order(users, directory, catalog, now - dt.timedelta(days=10))
    html = login(client, users["wangjing"]).get("/work/").content.decode()

    def count(label):
        return int(re.search(label + r' <span class="count[^"]*" aria-label="\d+件">(\d+)</span>', html).group(1))

    assert (count("待签收"), count("办理中"), count("已超期")) == (2, 2, 1)
    whistle_ticket = tickets[1]
    handling.sign(users["wangjing"], whistle_ticket.pk, now=now)
    whistles.raise_whistle(users["wangjing"], whistle_ticket.pk, units=[directory["D002"]], reason="需要执法",
                           now=now)
    html = login(client, users["wangjing_leader"]).get("/work/").content.decode()
    assert count("吹哨待审批") == 1
    html = login(client, users["chengguan"]).get("/work/").content.decode()
    assert count("吹哨报到") == 1 and count("待签收") == 0
