"""Shared bits for API tests: a client per user and the bodies of a valid intake and completion."""

from rest_framework.test import APIClient

from .lifecycle_helpers import T0


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
