"""导出Excel is recorded: who exported which list of orders, with which filters, how many rows (ListExport). A
longer list's export is queued here and written by a reports worker (hotline/tasks.py build_list_export): the
record is claimed, finished with its file or failed with the reason, each step under the record's row lock."""

from django.core.files import File
from django.db import transaction

from ..choices import ExportStatus
from ..models import ListExport
from .common import now_or


def record_list_export(actor, *, list_path, list_name, query, row_count, now=None):
    """The audit record of one export written in the request (read by the auditor at /audit/exports/ and in the
    read-only admin)."""
    return ListExport.objects.create(user=actor, role=actor.role, unit_id=actor.unit_id, list_path=list_path[:100],
                                     list_name=list_name[:60], query=query[:1000], row_count=row_count,
                                     created_at=now_or(now), finished_at=now_or(now))


def queue_list_export(actor, *, list_path, list_name, query, now=None):
    """The audit record of an export to be written by a worker, sent to the reports queue once it is committed."""
    from ..tasks import build_list_export  # the task module imports the services

    export = ListExport.objects.create(user=actor, role=actor.role, unit_id=actor.unit_id, list_path=list_path[:100],
                                       list_name=list_name[:60], query=query[:1000], created_at=now_or(now),
                                       status=ExportStatus.QUEUED)
    transaction.on_commit(lambda: build_list_export.delay(export.pk))
    return export


def claim_list_export(export_id):
    """The queued export, now RUNNING, or None when it is not queued (a redelivered task: already taken)."""
    with transaction.atomic():
        export = ListExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
        if export is None or export.status != ExportStatus.QUEUED:
            return None
        export.status = ExportStatus.RUNNING
        export.save(update_fields=["status"])
    return export


def finish_list_export(export, handle, row_count, now=None):
    """Stores the written workbook (``handle``, an open binary file) as the export's file."""
    with transaction.atomic():
        locked = ListExport.objects.select_for_update().get(pk=export.pk)
        locked.file.save(f"{locked.user_id}-{locked.pk}.xlsx", File(handle), save=False)
        locked.row_count, locked.status, locked.finished_at = row_count, ExportStatus.DONE, now_or(now)
        locked.save(update_fields=["file", "row_count", "status", "finished_at"])
    return locked


def fail_list_export(export, reason, now=None):
    """The export did not complete; its owner reads ``reason`` on 我的导出."""
    with transaction.atomic():
        locked = ListExport.objects.select_for_update().get(pk=export.pk)
        locked.status, locked.error, locked.finished_at = ExportStatus.FAILED, reason[:200], now_or(now)
        locked.save(update_fields=["status", "error", "finished_at"])
    return locked
