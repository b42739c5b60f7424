"""Chinese error pages in the site's layout; for the API (config.api_errors.is_api_request) the same errors in its
JSON error shape."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from config.api_errors import FORBIDDEN as API_FORBIDDEN
from config.api_errors import NO_SUCH_RECORD, is_api_request, json_error

NOT_FOUND = "页面不存在，或工单不在您的权限范围内"
FORBIDDEN = "您的岗位无权访问此页面"
CSRF_FAILED = "页面已过期或来源无法验证，请刷新页面后重试"
SERVER_ERROR = "系统出现错误，请稍后重试；问题持续时请联系系统管理员"


def page_not_found(request, exception=None):
    if is_api_request(request):  # a view outside DRF raised Http404: as DRF answers a missing record
        return json_error(NO_SUCH_RECORD, "not_found", 404)
    return render(request, "404.html", {"message": NOT_FOUND}, status=404)


def permission_denied(request, exception=None):
    if is_api_request(request):
        return json_error(API_FORBIDDEN, "forbidden", 403)
    return render(request, "403.html", {"message": FORBIDDEN}, status=403)


def csrf_failure(request, reason=""):
    if is_api_request(request):
        return json_error(CSRF_FAILED, "csrf_failed", 403)
    return render(request, "403.html", {"message": CSRF_FAILED}, status=403)


def server_error(request):
    """Rendered without the request context: the page must come up even when the database is what failed."""
    if is_api_request(request):
        return json_error(SERVER_ERROR, "server_error", 500)
    return HttpResponseServerError(loader.get_template("500.html").render({"message": SERVER_ERROR}))
