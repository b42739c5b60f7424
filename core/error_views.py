"""Chinese error pages in the site's layout; under /api/ the same errors stay JSON ({"detail": ...})."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

NOT_FOUND = "页面不存在，或工单不在您的权限范围内"
FORBIDDEN = "您的岗位无权访问此页面"
CSRF_FAILED = "页面已过期或来源无法验证，请刷新页面后重试"
SERVER_ERROR = "系统出现错误，请稍后重试；问题持续时请联系系统管理员"


def _is_api(request):
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "未找到", "code": "not_found"}, status=404)
    return render(request, "404.html", {"message": NOT_FOUND}, status=404)


def permission_denied(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": FORBIDDEN, "code": "forbidden"}, status=403)
    return render(request, "403.html", {"message": FORBIDDEN}, status=403)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return JsonResponse({"detail": CSRF_FAILED, "code": "csrf_failed"}, status=403)
    return render(request, "403.html", {"message": CSRF_FAILED}, status=403)


def server_error(request):
    """Rendered without the request context: the page must come up even when the database is what failed."""
    if _is_api(request):
        return JsonResponse({"detail": SERVER_ERROR, "code": "server_error"}, status=500)
    return HttpResponseServerError(loader.get_template("500.html").render({"message": SERVER_ERROR}))
