"""大屏: the page (drawn with today's snapshot, readable without JavaScript) and its one polled endpoint."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.errors import DomainError
from core.pages import domain_errors, role_required

from . import selectors


@require_GET
@role_required("view_big_screen")
@domain_errors
def screen(request):
    data = selectors.snapshot(request.user)
    return render(request, "bigscreen/screen.html", {
        "data": data, "charts": data["charts"],
        "poll_ms": int(settings.BIG_SCREEN_POLL_SECONDS * 1000),
    })


@require_GET
@never_cache
@role_required("view_big_screen")
def data(request):
    try:
        snapshot = selectors.snapshot(request.user)
    except DomainError as error:
        return JsonResponse({"detail": error.message}, status=error.http_status)
    return JsonResponse(snapshot, json_dumps_params={"ensure_ascii": False})
