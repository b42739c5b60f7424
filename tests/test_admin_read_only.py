"""Clocks, notifications and the SMS outbox are read-only in the admin."""


import pytest

from assessment.clock.urging import urge
from assessment.models import Clock

from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db


# --- admin -------------------------------------------------------------------------------------------------------


def test_clocks_notifications_and_outbox_are_read_only_in_the_admin(client, users, directory, catalog, now):
    ticket = street_order(users, directory, catalog, now)
    urge(users["dispatcher"], ticket.pk, "请处理", now=now)
    login(client, users["admin"])
    for model in ("clock", "notification", "outbox"):
        changelist = client.get(f"/admin/assessment/{model}/")
        assert changelist.status_code == 200, model
        assert f"/admin/assessment/{model}/add/" not in changelist.content.decode()
        assert client.get(f"/admin/assessment/{model}/add/").status_code == 403
    clock = Clock.objects.filter(ticket=ticket).first()
    detail = client.get(f"/admin/assessment/clock/{clock.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
