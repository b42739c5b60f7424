"""Attachments are never public files: each request passes the ticket page's scope check, then is streamed."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from .selectors import attachment_for


@require_GET
@login_required
def attachment_file(request, pk, thumbnail=False):
    attachment = attachment_for(request.user, pk)
    if attachment is None or (thumbnail and not attachment.thumbnail):
        raise Http404("附件不存在或不在您的权限范围内")
    name = attachment.thumbnail.name if thumbnail else attachment.file.name
    try:
        stream = default_storage.open(name, "rb")
    except FileNotFoundError as error:
        raise Http404("附件文件已不存在") from error
    filename = attachment.original_name
    if attachment.is_photo:  # stored re-encoded as JPEG
        filename = filename.rsplit(".", 1)[0] + ".jpg"
    response = FileResponse(stream, content_type="image/jpeg" if thumbnail else attachment.content_type,
                            as_attachment=not attachment.is_photo, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if not attachment.is_photo:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
