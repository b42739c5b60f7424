"""导出Excel is recorded: who exported which list of orders, with which filters, how many rows (ListExport)."""

from ..models import ListExport
from .common import now_or


def record_list_export(actor, *, list_path, list_name, query, row_count, now=None):
    """The audit record of one export (read by the auditor at /audit/exports/ and in the read-only admin)."""
    return ListExport.objects.create(user=actor, role=actor.role, unit_id=actor.unit_id, list_path=list_path[:100],
                                     list_name=list_name[:60], query=query[:1000], row_count=row_count,
                                     created_at=now_or(now))
