"""Leader pages: rankings, a unit's drill-down, the month overview, appeals, unreasonable-request review, month
close. Logic lives in selectors/services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessment.monthly import appeals, charts, exports, figures, hotspots, months, selectors
from assessment.monthly.choices import RankClass, RankGroup
from assessment.monthly.month_close import close_month
from core.errors import DomainError, InvalidInput
from core.pages import domain_errors, show_error
from core.permissions import role_may
from dispatch.selectors import districts
from hotline.views.lists import filtered_list

from .models import MonthClose, UnreasonableReview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ranking_args(request):
    closes = selectors.month_closes()
    month = selectors.pick_month(request.GET.get("month", ""), closes)
    group = request.GET.get("group") or RankGroup.STREET
    district_code = request.GET.get("district", "")
    district_list = list(districts())
    district = next((d for d in district_list if d.code == district_code), None)
    return closes, month, group, district, district_list


@login_required
@domain_errors
def rankings(request):
    closes, month, group, district, district_list = _ranking_args(request)
    selectors.scope_district(request.user)
    cards = selectors.ranking(request.user, month, group, district.pk if district else None) if month else []
    title = f"{months.label(month)}{district.name if district else ''}{RankGroup(group).label}综合得分" if month else ""
    return render(request, "assessment/rankings.html", {
        "chart": charts.ranking_bars(cards, title) if cards else None,
        "closes": closes, "month": month, "month_close": next((c for c in closes if c.month == month), None),
        "group": group, "groups": RankGroup.choices, "district": district, "districts": district_list,
        "cards": cards, "callouts": selectors.callouts(request.user, month) if month else [],
        "classes": RankClass, "query": request.GET.urlencode(),
    })


@login_required
@domain_errors
def export_ranking(request):
    _, month, group, district, _ = _ranking_args(request)
    if month is None:
        return render(request, "assessment/error.html", {"message": "尚无考核数据"}, status=404)
    cards = selectors.ranking(request.user, month, group, district.pk if district else None)
    response = HttpResponse(exports.ranking_workbook(month, group, cards), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ranking-{group}-{month:%Y-%m}.xlsx"'
    return response


@login_required
@domain_errors
def unit_detail(request, code):
    unit = selectors.unit_in_scope(request.user, code)
    closes = selectors.month_closes()
    month = selectors.pick_month(request.GET.get("month", ""), closes) or months.current_month()
    measure = request.GET.get("measure") or "all"
    page = int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1
    card = selectors.scorecard(unit, month)
    trend = figures.trend_rows(selectors.trend(unit, month))
    orders, has_next = selectors.orders_behind(unit, month, measure, page)
    return render(request, "assessment/unit_detail.html", {
        "unit": unit, "month": month, "card": card, "corrections": selectors.corrections(card), "trend": trend,
        "trend_chart": charts.trend_lines(unit.name, trend) if trend else None,
        "measure": measure, "measures": selectors.MEASURES.items(), "orders": orders, "page": page,
        "has_next": has_next, "classes": RankClass,
        "computed_at": next((close.computed_at for close in closes if close.month == month), None),
    })


@login_required
@domain_errors
def overview(request):
    own_district = selectors.scope_district(request.user)
    closes = selectors.month_closes()
    month = selectors.pick_month(request.GET.get("month", ""), closes)
    close = selectors.month_close(month)
    summary = close.summary if close else {}
    alert_day, alerts = hotspots.latest_alerts(own_district)
    label = months.label(month) if month else ""
    tree = figures.catalog_tree(summary)
    district_rows = figures.district_figures(request.user, month, summary) if close else []
    multiples = figures.alert_weeks(alert_day, alerts) if alerts else []
    return render(request, "assessment/overview.html", {
        "closes": closes, "month": month, "close": close, "tree": tree, "district_rows": district_rows,
        "catalog_chart": charts.catalog_treemap(tree, f"{label}按派单目录工单量") if tree else None,
        "volume_map": charts.district_map(district_rows, "volume", f"{label}各区工单量", "受理工单（件）")
        if district_rows else None,
        "score_map": charts.district_map(district_rows, "score", f"{label}各区综合得分", "区综合得分（分）")
        if any(row["score"] is not None for row in district_rows) else None,
        "alert_chart": charts.alert_multiples(multiples, f"七天一预警（截至{alert_day:%Y-%m-%d}）")
        if multiples else None,
        "top_problems": summary.get("top_problems", []), "alert_day": alert_day, "alert_rows": multiples,
        "week_labels": figures.WEEK_LABELS,
    })


class TicketNumberForm(forms.Form):
    """A form that names an order by its number (20261122-1234)."""

    ticket = forms.CharField(label="工单编号", max_length=30, error_messages={"required": "请填写工单编号"},
                             widget=forms.TextInput(attrs={"placeholder": "如 20261122-1234"}))

    def ticket_id(self):
        number = self.cleaned_data["ticket"].strip().split("-")[-1]
        if not number.isdigit():
            raise InvalidInput("工单编号格式不正确，应如 20261122-1234", field="ticket")
        return int(number)


class AppealForm(TicketNumberForm):
    month = forms.CharField(label="考核月（可空：逾期工单为办结时限所在月，其余为最近一次回访所在月）", required=False,
                            widget=forms.TextInput(attrs={"type": "month"}))
    reason = forms.CharField(label="申诉理由", error_messages={"required": "请填写申诉理由"},
                             widget=forms.Textarea(attrs={"rows": 3}))


def _appeals_page(request, form, status=200):
    appeals = filtered_list(request, selectors.appeals_for(request.user), relation="ticket", rows="appeals")
    return render(request, "assessment/appeals.html", {**appeals, "form": form}, status=status)


@login_required
@domain_errors
def appeal_list(request):
    return _appeals_page(request, AppealForm())


@login_required
@require_POST
def file_appeal(request):
    """A failed appeal comes back with what was typed and the error beside its field."""
    form = AppealForm(request.POST)
    if not form.is_valid():
        return _appeals_page(request, form, status=400)
    try:
        appeals.file_appeal(request.user, form.ticket_id(), reason=form.cleaned_data["reason"],
                            month=form.cleaned_data["month"])
    except DomainError as error:
        return _appeals_page(request, form, status=show_error(request, error, form))
    messages.success(request, "申诉已提交，等待中心裁定")
    return redirect("assessment:appeals")


@login_required
@require_POST
def rule_appeal(request, appeal_id):
    try:
        appeals.rule_appeal(request.user, appeal_id, grant=request.POST.get("decision") == "grant",
                            ruling=request.POST.get("ruling", ""))
        messages.success(request, "裁定已记录")
    except DomainError as error:
        show_error(request, error)
    return redirect("assessment:appeals")


# --- 不合理诉求审核 and month close: the center's assessment office (dispatchers, administrators) -----------------

VERDICTS = [("unreasonable", "不合理诉求（不计入考核）"), ("reasonable", "合理诉求（计入考核）")]


class ReviewForm(TicketNumberForm):
    verdict = forms.ChoiceField(label="审核结论", widget=forms.RadioSelect, choices=VERDICTS,
                                error_messages={"required": "请选择审核结论"})
    reason = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MonthCloseForm(forms.Form):
    month = forms.CharField(label="考核月", error_messages={"required": "请选择考核月"},
                            widget=forms.TextInput(attrs={"type": "month"}))
    freeze = forms.BooleanField(label="发布并冻结（发布后只能通过申诉更正）", required=False)


@login_required
def reviews(request):
    """不合理诉求审核: the verdict takes the order out of (or back into) every unit's assessment."""
    if not role_may(request.user, "review_unreasonable"):
        return render(request, "assessment/error.html", {"message": "只有派单员和系统管理员可以审核不合理诉求"},
                      status=403)
    form = ReviewForm(request.POST or None, initial={"ticket": request.GET.get("ticket", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review = appeals.review_unreasonable(
                    request.user, form.ticket_id(), unreasonable=form.cleaned_data["verdict"] == "unreasonable",
                    reason=form.cleaned_data["reason"])
            except DomainError as error:
                status = show_error(request, error, form)
            else:
                verdict = "认定为不合理诉求，不计入考核" if review.unreasonable else "认定为合理诉求，计入考核"
                messages.success(request, f"工单 {review.ticket.number}：{verdict}")
                return redirect("assessment:reviews")
        else:
            status = 400
    recent = UnreasonableReview.objects.select_related("ticket", "reviewed_by").order_by("-reviewed_at", "-id")
    return render(request, "assessment/reviews.html", {"form": form, "reviews": recent[:50]}, status=status)


@login_required
def month_close(request):
    """Compute (试算) or publish a month's scorecards; the beat job does the previous month on the 1st. A POST
    without confirm=1 only asks for confirmation."""
    if not role_may(request.user, "close_month"):
        return render(request, "assessment/error.html", {"message": "只有派单员和系统管理员可以进行月度考核"},
                      status=403)
    default = months.previous_month(months.current_month())
    form = MonthCloseForm(request.POST or None, initial={"month": f"{default:%Y-%m}"})
    status, confirming = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                month = months.parse_month(form.cleaned_data["month"])
                freeze = form.cleaned_data["freeze"]
                if request.POST.get("confirm") != "1":
                    confirming = {"month": month, "freeze": freeze,
                                  "close": MonthClose.objects.filter(month=month).first()}
                else:
                    close = close_month(month, freeze=freeze, actor=request.user)
                    messages.success(request, _closed_message(close, freeze))
                    return redirect(f"{reverse('assessment:rankings')}?month={month:%Y-%m}")
            except DomainError as error:
                status = show_error(request, error, form)
        else:
            status = 400
    return render(request, "assessment/month_close.html", {
        "form": form, "confirming": confirming, "closes": selectors.month_closes(using="default"),
    }, status=status)


def _closed_message(close, freeze):
    label = months.label(close.month)
    if close.is_frozen and not freeze:
        return f"{label}已发布冻结，成绩未重新计算"
    return f"{label}考核已{'发布（冻结）' if close.is_frozen else '试算'}，用时{close.summary.get('seconds', 0)}秒"
