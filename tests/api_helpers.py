"""Shared bits for API tests: a client per user and the bodies of a valid intake and completion."""

import datetime as dt

from rest_framework.test import APIClient

from hotline.services import whistles

from .lifecycle_helpers import T0, handling, intake, take_call


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def intake_body(catalog_item, street, /, **extra):
    """A valid intake: a street-level complaint at 望京 unless told otherwise."""
    body = {
        "channel": "phone", "caller_phone": "13812341234", "caller_name": "张先生",
        "address": f"{street.name}花家地小区3号楼", "district": street.parent.code, "street": street.code,
        "content": "楼下垃圾堆放多日无人清理", "request_type": "complaint", "catalog_item": catalog_item.pk,
    }
    return {**body, **extra}


COMPLETE_BODY = {
    "result": "已清理完毕并回复诉求人", "caller_feedback_method": "phone",
    "caller_told_at": T0.isoformat(), "caller_feedback": "电话告知已清理",
}


def signed_whistled_order(demo_users, directory, catalog):
    """(ticket, whistle, extension): an order at 望京 signed, with a whistle to 城管 and an extension pending."""
    ticket = take_call(demo_users, directory, catalog["sanitation"])
    intake.dispatch_ticket(demo_users["agent"], ticket.pk)
    handling.sign(demo_users["wangjing"], ticket.pk)
    whistle = whistles.raise_whistle(demo_users["wangjing"], ticket.pk, units=[directory["D002"]], reason="执法")
    extension = handling.request_extension(demo_users["wangjing"], ticket.pk, reason="协调",
                                           requested_due_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    return ticket, whistle, extension
