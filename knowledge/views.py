"""知识库 pages: the search, one article, writing and reviewing, owners' figures (thin: services and selectors do
the work)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from core.pages import role_required

from . import selectors, services
from .render import markdown_html


@login_required
@role_required("kb_read")
def article_detail(request, pk):
    article = selectors.article_for(request.user, pk)
    if article is None:
        raise Http404("知识库条目不存在")
    shown = article.live_version or article.latest_version
    versions = list(article.versions.all())
    if str(request.GET.get("v", "")).isdigit():
        shown = next((v for v in versions if v.number == int(request.GET["v"])), shown)
    return render(request, "knowledge/article.html", {
        "article": article, "shown": shown, "body": markdown_html(shown.body), "versions": versions,
        "events": list(article.events.all()), "uses": selectors.version_use_counts(article),
        "may_write": services.may_write(request.user, article),
    })
