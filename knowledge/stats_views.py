"""使用情况: owners' figures (knowledge/stats.py)."""

from django import forms
from django.shortcuts import render

from core.pages import role_required
from core.paging import CappedPaginator

from . import stats
from .views import PAGE_SIZE, may_manage, tabs


class StatsFilter(forms.Form):
    category = forms.CharField(required=False, max_length=100)


def _guard(view):
    def wrapped(request):
        if not may_manage(request.user):
            return render(request, "error.html", {"message": "您的岗位无权访问此页面"}, status=403)
        return view(request)
    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@role_required("kb_read")
@_guard
def stats_page(request):
    """Each article's use count, and the searches nobody opened an article for, per category."""
    form = StatsFilter(request.GET)
    category = form.cleaned_data["category"] if form.is_valid() and "category" in request.GET else None
    page = CappedPaginator(stats.article_uses(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/stats.html", {
        "page": page, "by_category": stats.unfound_by_category(), "unfound": stats.unfound_searches(category=category),
        "category": category, "days": stats.WINDOW_DAYS, "tabs": tabs(request.user),
    })
