"""常用筛选: save the list's current filters under a name, delete one; back to the list either way."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.errors import DomainError

from ..services import saved_filters


def _back(request, fallback):
    target = request.POST.get("next") or fallback
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    return redirect(target)


@require_POST
@login_required
def save_filter(request):
    path, query = request.POST.get("list_path", ""), request.POST.get("query", "")
    try:
        saved = saved_filters.save_filter(request.user, list_path=path, name=request.POST.get("name"), query=query)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request, f"{path}?{query}" if path.startswith("/") else "/")
    messages.success(request, f"已保存常用筛选「{saved.name}」")
    return redirect(saved.url)


@require_POST
@login_required
def delete_filter(request, saved_id):
    try:
        saved_filters.delete_filter(request.user, saved_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已删除常用筛选")
    return _back(request, "/")
