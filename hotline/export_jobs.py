"""A queued list export, written by a reports worker (hotline/tasks.py build_list_export): the list's own view is
asked again, as the export's owner, with the filters recorded on the export. Each list keeps one home for its
scope, filters, sort and search (the view and its selectors), and the owner's rights are those of now: a user who
has lost the list since gets the reason, not the file."""

import logging

from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from core.errors import DomainError

from .services.exports import claim_list_export, fail_list_export
from .views.exports import FORMAT

log = logging.getLogger(__name__)
NO_LONGER_ALLOWED = "您已无权导出该列表（岗位、单位或账号已变更）"
FAILED = "导出失败，请稍后重新导出"


def replayed_request(export):
    """The GET of the list's export URL, as its owner."""
    params = QueryDict(export.query, mutable=True)
    params["format"] = FORMAT
    request = RequestFactory().get(f"{export.list_path}?{params.urlencode()}")
    request.user = export.user
    request.export_job = export  # views/exports.py export_or_back: write the file into this export
    request._messages = CookieStorage(request)  # a guard that adds a message finds somewhere to put it
    return request


def build(export_id):
    """Writes the queued export ``export_id``; returns its final status (None when it was not queued)."""
    export = claim_list_export(export_id)
    if export is None:
        return None
    if not export.user.is_active:
        return fail_list_export(export, NO_LONGER_ALLOWED).status
    try:
        match = resolve(export.list_path)
        response = match.func(replayed_request(export), *match.args, **match.kwargs)
    except DomainError as error:
        return fail_list_export(export, error.message).status
    except (PermissionDenied, Http404, Resolver404):
        return fail_list_export(export, NO_LONGER_ALLOWED).status
    except Exception:
        log.exception("list export %s failed", export_id)
        fail_list_export(export, FAILED)
        raise
    if response.status_code != 204:  # the view's guard answered instead (403 page, login redirect)
        return fail_list_export(export, NO_LONGER_ALLOWED).status
    export.refresh_from_db(fields=["status"])
    return export.status
