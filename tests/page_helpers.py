"""Helpers shared by the page tests (Django test client)."""

import re

from hotline.services import intake, whistles

from .lifecycle_helpers import handling, take_call


def login(client, user):
    client.force_login(user)
    return client


def street_order(users, directory, catalog, at, content="楼下垃圾堆放多日无人清理"):
    """A sanitation complaint at 望京街道, dispatched at ``at``."""
    return take_call(users, directory, catalog["sanitation"], content=content, now=at, then=intake.DISPATCH)


def heating_order(users, directory, catalog, at, street="110105026"):
    """A heating complaint (热力集团 leads) at ``street`` (default 望京街道, 朝阳区), dispatched at ``at``."""
    ticket = take_call(users, directory, catalog["heating"], content="家中暖气不热", now=at, street=street)
    intake.dispatch_ticket(users["agent"], ticket.pk, now=at)
    return ticket


def whistled_order(users, directory, catalog, at):
    """A street order whose whistle to 城管执法局 was approved at ``at``: the department's clocks run."""
    ticket = street_order(users, directory, catalog, at, content="占道经营需要执法")
    handling.sign(users["wangjing"], ticket.pk, now=at)
    whistle = whistles.raise_whistle(users["wangjing"], ticket.pk, units=[directory["D002"]], reason="需要执法",
                                     now=at)
    whistles.decide_whistle(users["wangjing_leader"], whistle.pk, approve=True, now=at)
    return ticket


def bell(html):
    """The header's unread count, or 0 when the bell shows none."""
    match = re.search(r'aria-label="站内通知，(\d+)条未读"', html)
    assert match, "the header has no notification bell"
    return int(match.group(1))
