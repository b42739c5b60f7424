"""每月一题 pages: the list, picking a topic from the month's top problems, the topic page with its weekly chart,
reports and trail, and its photos (never public files: each read passes the topic's scope)."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from assessment.monthly import months
from core.errors import DomainError, InvalidInput
from core.pages import domain_errors, role_required, show_error
from core.permissions import role_may

from . import checks, selectors, services
from .forms import CloseForm, ReportForm, TopicForm


@role_required("view_topics")
def topic_list(request):
    return render(request, "topics/list.html", {
        "topics": selectors.topic_list(request.user), "may_manage": role_may(request.user, "manage_topics")})


def _month(request):
    text = request.GET.get("month") or request.POST.get("month") or ""
    if not text:
        return selectors.default_month()
    try:
        return months.parse_month(text)
    except InvalidInput:
        return None


def _initial(month, item_id, candidates):
    picked = next((c for c in candidates if str(c["item_id"]) == item_id), None)
    if picked is None:
        return None, {}
    streets = selectors.suggested_streets(month, picked["item_id"])
    return picked, {"catalog_items": str(picked["item_id"]), "title": picked["item"].rsplit(" / ", 1)[-1] + "治理",
                    "streets": "、".join(s.name for s, _ in streets)}


@role_required("manage_topics")
@domain_errors
def new_topic(request):
    month = _month(request)
    if month is None:
        messages.error(request, "月份格式应为 YYYY-MM，例如 2026-11")
        return redirect("topics:new")
    candidates = selectors.candidates(month)
    picked, initial = _initial(month, request.GET.get("item", ""), candidates)
    form, status = TopicForm(request.POST or None, initial=initial), 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            topic = services.create_topic(request.user, month=month, title=d["title"], goal=d["goal"],
                                          lead_unit=d["lead_unit"], streets=d["streets"],
                                          item_ids=d["catalog_items"], deadline=d["deadline"])
        except DomainError as error:
            status = show_error(request, error, form)
        else:
            messages.success(request, f"已选定题目「{topic.title}」，启动后交牵头单位和街乡镇推进")
            return redirect("topics:detail", topic.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "topics/new.html", {
        "month": month, "candidates": candidates, "picked": picked, "form": form,
        "suggested": selectors.suggested_streets(month, picked["item_id"]) if picked else [],
    }, status=status)


def _page(request, topic, *, report_form=None, close_form=None, status=200):
    user = request.user
    weeks = selectors.weekly_volume(topic)
    before, after = selectors.before_after(weeks)
    return render(request, "topics/detail.html", {
        "topic": topic, "weeks": weeks, "before_avg": before, "after_avg": after,
        "chart": selectors.weekly_chart(topic, weeks), "events": list(topic.events.select_related("actor_unit")),
        "may_start": checks.may(checks.check_can_start, user, topic),
        "may_report": checks.may(checks.check_can_report, user, topic),
        "may_close": checks.may(checks.check_can_close, user, topic),
        "report_form": report_form or ReportForm(), "close_form": close_form or CloseForm(),
    }, status=status)


def _topic(request, topic_id):
    topic = selectors.topic_for(request.user, topic_id)
    if topic is None:
        raise Http404("题目不存在或不在您的权限范围内")
    return topic


@role_required("view_topics")
def topic_detail(request, topic_id):
    return _page(request, _topic(request, topic_id))


def _step(request, topic_id, form_class, run, done, form_key):
    topic = _topic(request, topic_id)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return _page(request, topic, status=400, **{form_key: form})
    try:
        run(form.cleaned_data if form is not None else {})
    except DomainError as error:
        status = show_error(request, error, form)
        return _page(request, _topic(request, topic_id), status=status, **({form_key: form} if form else {}))
    messages.success(request, done)
    return redirect("topics:detail", topic_id)


@require_POST
@role_required("manage_topics")
def start(request, topic_id):
    return _step(request, topic_id, None, lambda d: services.start_topic(request.user, topic_id),
                 "已启动，牵头单位和涉及的街乡镇可以报告进展", "report_form")


@require_POST
@role_required("report_topic")
def report(request, topic_id):
    return _step(request, topic_id, ReportForm,
                 lambda d: services.report_progress(request.user, topic_id, text=d["text"], photos=d["photos"]),
                 "进展已报告", "report_form")


@require_POST
@role_required("manage_topics")
def close(request, topic_id):
    return _step(request, topic_id, CloseForm,
                 lambda d: services.close_topic(request.user, topic_id, summary=d["summary"]),
                 "已结题", "close_form")


@require_GET
@role_required("view_topics")
def photo(request, photo_id, thumbnail=False):
    item = selectors.photo_for(request.user, photo_id)
    if item is None or (thumbnail and not item.thumbnail):
        raise Http404("照片不存在或不在您的权限范围内")
    try:
        stream = default_storage.open((item.thumbnail if thumbnail else item.file).name, "rb")
    except FileNotFoundError as error:
        raise Http404("照片文件已不存在") from error
    response = FileResponse(stream, content_type="image/jpeg",
                            filename=item.original_name.rsplit(".", 1)[0] + ".jpg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
