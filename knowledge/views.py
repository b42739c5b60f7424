"""知识库 pages: search, one article and its actions, the editor, the review queue (thin: services and selectors
do the work; each action is offered when the same check the service runs passes)."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.pages import role_required, show_error
from core.paging import CappedPaginator
from core.permissions import role_may

from . import selectors, services
from .choices import SearchSource
from .forms import ArticleForm, NoteForm, SearchForm
from .render import markdown_html

PAGE_SIZE = 30


def may_manage(user):
    return role_may(user, "kb_write") or role_may(user, "kb_publish")


@role_required("kb_read")
def search(request):
    """检索: full text over the published articles (highlighted), or, without words, the articles in the filters."""
    form = SearchForm(request.GET or None, may_filter_status=may_manage(request.user))
    q, category, owner, status = form.values()
    results, page, search_id = [], None, None
    if q:
        results, _ = selectors.search_articles(request.user, q, category=category, owner=owner, status=status)
        search_id = services.log_search(request.user, q, category=category,
                                        found=[r.article.pk for r in results])
    else:
        page = CappedPaginator(selectors.listed_articles(request.user, category=category, owner=owner,
                                                         status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/search.html", {
        "form": form, "q": q, "results": results, "page": page, "search_id": search_id,
        "may_write": role_may(request.user, "kb_write") and request.user.unit_id is not None,
        "tabs": tabs(request.user),
    })


@role_required("kb_read")
def article_detail(request, pk):
    article = selectors.article_for(request.user, pk)
    if article is None:
        raise Http404("知识库条目不存在")
    if request.GET.get("s"):
        services.mark_opened(request.user, request.GET["s"], article.pk)
    number = request.GET.get("v", "")
    versions, shown = selectors.readable_versions(request.user, article, int(number) if number.isdigit() else None)
    pending = selectors.may_see_pending(request.user, article)
    uses = selectors.version_use_counts(article)
    for version in versions:
        version.uses = uses.get(version.pk, 0)
    return render(request, "knowledge/article.html", {
        "article": article, "shown": shown, "body": markdown_html(shown.body), "versions": versions,
        "events": list(article.events.all()) if pending else [],
        "uses_total": sum(uses.values()), "allowed": selectors.allowed_actions(request.user, article),
        "note_form": NoteForm(), "tabs": tabs(request.user),
    })


@role_required("kb_write")
def article_new(request):
    form = ArticleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                article = services.create_article(request.user, form.cleaned_data["content"])
            except DomainError as error:
                status = show_error(request, error, form)
            else:
                messages.success(request, "已保存为草稿；提交审核、由热线中心发布后话务员才能检索到")
                return redirect("knowledge:article", article.pk)
        else:
            status = 400
    return render(request, "knowledge/edit.html", {"form": form, "article": None, "tabs": tabs(request.user)},
                  status=status)


@role_required("kb_write")
def article_edit(request, pk):
    article = selectors.article_for(request.user, pk)
    if article is None or not services.may_write(request.user, article):
        raise Http404("知识库条目不存在或不是本单位维护的")
    latest = article.latest_version
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_of(latest))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edit_article(request.user, article.pk, form.cleaned_data["content"])
            except DomainError as error:
                status = show_error(request, error, form)
            else:
                article.refresh_from_db()
                messages.success(request, f"已保存第{article.latest_version.number}版（草稿）")
                return redirect("knowledge:article", article.pk)
        else:
            status = 400
    return render(request, "knowledge/edit.html", {"form": form, "article": article, "tabs": tabs(request.user)},
                  status=status)


ACTIONS = {
    "submit": (lambda user, pk, note: services.submit(user, pk), "已提交审核，等待热线中心发布"),
    "send_back": (services.send_back, "已退回维护单位修改"),
    "publish": (lambda user, pk, note: services.publish(user, pk), "已发布，话务员现在可以检索和引用"),
    "withdraw": (services.withdraw, "已撤回，话务员不再检索到本条目"),
}


@require_POST
@role_required("kb_read")
def article_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    article = selectors.article_for(request.user, pk)
    if article is None:
        raise Http404("知识库条目不存在")
    run, done = ACTIONS[action]
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        run(request.user, article.pk, note)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("knowledge:article", article.pk)


@role_required("kb_publish")
def review_queue(request):
    """待审核: the versions the owners submitted, oldest first."""
    page = CappedPaginator(selectors.awaiting_review(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/review.html", {"page": page, "tabs": tabs(request.user)})


@role_required("intake")
def intake_suggestions_json(request):
    """The at-intake panel: the best published articles for the content typed (?text=), or for the panel's own
    search box (?q=, logged, so that owners learn what was looked for and not found)."""
    q = request.GET.get("q", "").strip()[:200]
    if q:
        rows = selectors.suggest_for_intake(q, limit=5)
        search_id = services.log_search(request.user, q, found=[r["article_id"] for r in rows],
                                        source=SearchSource.INTAKE)
    else:
        rows, search_id = selectors.suggest_for_intake(request.GET.get("text", "")[:2000]), None
    for row in rows:
        row["url"] = reverse("knowledge:article", args=[row["article_id"]]) + (f"?s={search_id}" if search_id else "")
    return JsonResponse({"articles": rows, "search_id": search_id})


def tabs(user):
    """The knowledge pages' tabs the user's role reaches: (url name, label)."""
    out = [("knowledge:search", "检索")]
    if role_may(user, "kb_write") and user.unit_id:
        out.append(("knowledge:new", "新建条目"))
    if role_may(user, "kb_publish"):
        out.append(("knowledge:review", "待审核"))
    if may_manage(user):
        out += [("knowledge:stats", "使用情况"), ("knowledge:transfer", "导入导出")]
    return out
