"""Celery tasks of the hotline app: thin wrappers around services."""

from celery import shared_task

from .suggest.store import train_and_save


@shared_task(name="hotline.train_suggester")
def train_suggester():
    """Retrain the catalog suggester for the current catalog on its leaves, closed tickets and labelled CSVs."""
    path, model, seconds = train_and_save()
    return {"path": str(path), "leaves": len(model.leaves), "tickets": model.trained_on["tickets"],
            "labelled": model.trained_on["labelled"],
            "seconds": round(seconds, 1)}


@shared_task(name="hotline.build_list_export")
def build_list_export(export_id):
    """Write a queued list export (导出Excel of a list longer than a request should wait for)."""
    from . import export_jobs  # it reads the views, which read this module's services

    return export_jobs.build(export_id)
