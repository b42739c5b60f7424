"""Helpers shared by the page tests (Django test client)."""

from hotline.services import intake

from .lifecycle_helpers import take_call


def login(client, user):
    client.force_login(user)
    return client


def street_order(users, directory, catalog, at, content="楼下垃圾堆放多日无人清理"):
    """A sanitation complaint at 望京街道, dispatched at ``at``."""
    return take_call(users, directory, catalog["sanitation"], content=content, now=at, then=intake.DISPATCH)
