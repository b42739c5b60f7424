"""Storing attachments: always inside the transaction of the action they come with, all or nothing.

Files are checked on their content before anything is written (validation.check_uploads); the rows are written
in the action's transaction and the files through Django's default storage. If anything fails after a file was
stored, `discarded_on_failure` removes the files again, so a failed upload leaves neither a row nor a file.
"""

import uuid
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.errors import InvalidInput
from core.permissions import require_role
from hotline.services.checks import Facts, check_can_upload
from hotline.services.common import locked_ticket, now_or, record_event

from .models import Attachment, Kind, Stage
from .validation import check_uploads


@contextmanager
def discarded_on_failure():
    """Yields the list `attach` appends stored file names to; they are deleted if the block fails."""
    stored = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def attach(actor, ticket, checked, *, stage, event, now, stored):
    """Store the checked files of one action (`event`) on a locked ticket; returns the Attachment rows."""
    rows = []
    for item in checked:
        key = f"tickets/{ticket.pk}/{now:%Y%m}/{uuid.uuid4().hex}"
        name = save_file(f"{key}.{item.extension}", item.content, stored)
        thumb = save_file(f"{key}-thumb.jpg", item.thumbnail, stored) if item.thumbnail else ""
        rows.append(Attachment(
            ticket=ticket, event=event, stage=stage, kind=item.kind, file=name, thumbnail=thumb,
            original_name=item.original_name, content_type=item.content_type, size=len(item.content),
            sha256=item.sha256, uploaded_by=actor, unit_id=actor.unit_id, uploaded_at=now))
    return Attachment.objects.bulk_create(rows)


def save_file(name, content, stored):
    """Store one file through the default storage, noting its name in ``stored`` (discarded_on_failure's list)."""
    saved = default_storage.save(name, ContentFile(content))
    stored.append(saved)
    return saved


def describe(checked):
    """The audit note's words for what was attached: 现场照片 2 张、文件 1 个."""
    photos = sum(1 for c in checked if c.kind == Kind.PHOTO)
    documents = len(checked) - photos
    parts = [f"照片 {photos} 张" if photos else "", f"文件 {documents} 个" if documents else ""]
    return "、".join(p for p in parts if p)


def upload(actor, ticket_id, *, photos=(), documents=(), note="", now=None):
    """上传现场照片: the handling unit adds photos (and documents) while it handles the order."""
    require_role(actor, "complete")
    checked = check_uploads(photos, documents)
    now = now_or(now)
    if not checked:
        raise InvalidInput("请选择要上传的照片或文件", field="photos")
    with discarded_on_failure() as stored, locked_ticket(ticket_id, actor) as ticket:
        check_can_upload(actor, ticket, Facts(ticket, now))
        words = f"上传{describe(checked)}" + (f"：{note.strip()}" if note.strip() else "")
        event = record_event(ticket, "attach", actor=actor, now=now, note=words)
        return attach(actor, ticket, checked, stage=Stage.HANDLING, event=event, now=now, stored=stored)
