"""我的导出: a user's list exports (hotline/exports.py), a queued one's progress and each finished file's download,
which is its owner's alone."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from .. import exports, selectors
from .lists import paged


@login_required
def my_exports(request):
    """我的导出: the user's exports, a queued one's progress (the page refreshes itself while one is pending) and
    each finished file's download."""
    page = paged(request, selectors.own_exports(request.user))
    return render(request, "hotline/my_exports.html", {
        "exports": page, "pending": any(export.pending for export in page.object_list)})


@login_required
def download_export(request, export_id):
    export = selectors.own_export_file(request.user, export_id)
    if export is None:
        raise Http404("没有这个导出文件")
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=exports.download_name(export),
                        content_type=exports.XLSX)
