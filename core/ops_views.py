"""Operations endpoints: /healthz (no login, no data) and /metrics (a bearer METRICS_TOKEN, or loopback only)."""

import hmac

from django.conf import settings
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from . import health, metrics

LOOPBACK = {"127.0.0.1", "::1"}

metrics.register()


@never_cache
def healthz(request):
    """200 when every part is up, else 503 naming the failing parts. ?check=database,broker limits the checks."""
    names = [name for name in request.GET.get("check", "").split(",") if name in health.CHECKS] or None
    healthy, body = health.report(names)
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})


def may_scrape(request):
    """A proxied request (X-Forwarded-For) never counts as local: behind a proxy only the token opens /metrics."""
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    return request.META.get("REMOTE_ADDR") in LOOPBACK and "X-Forwarded-For" not in request.headers


@never_cache
def metrics_view(request):
    if not may_scrape(request):
        return HttpResponseForbidden("需要 METRICS_TOKEN（Authorization: Bearer …）或从本机访问",
                                     content_type="text/plain; charset=utf-8")
    return ExportToDjangoView(request)
