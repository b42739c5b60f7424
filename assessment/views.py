"""Leader pages: rankings, a unit's drill-down, the month overview, appeals. Logic lives in selectors/services."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dispatch.errors import DomainError
from dispatch.selectors import districts

from . import appeals, charts, exports, hotspots, months, selectors
from .models import MonthClose
from .scoring_choices import RankClass, RankGroup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def domain_errors(view):
    """A domain error becomes a page with its message and the matching 4xx status."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(request, "assessment/error.html", {"message": error.message}, status=error.http_status)
    return wrapper


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
    return render(request, "assessment/rankings.html", {
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
    history = selectors.trend(unit, month)
    chart = charts.line_chart(
        [f"{c.month.month}月" for c in history],
        [("综合得分", [c.score for c in history]), ("响应率", [c.response_rate for c in history]),
         ("解决率", [c.resolution_rate for c in history]), ("满意率", [c.satisfaction_rate for c in history])],
    )
    orders, has_next = selectors.orders_behind(unit, month, measure, page)
    return render(request, "assessment/unit_detail.html", {
        "unit": unit, "month": month, "card": card, "corrections": selectors.corrections(card), "chart": chart,
        "measure": measure, "measures": selectors.MEASURES.items(), "orders": orders, "page": page,
        "has_next": has_next, "classes": RankClass,
    })


@login_required
@domain_errors
def overview(request):
    own_district = selectors.scope_district(request.user)
    closes = selectors.month_closes()
    month = selectors.pick_month(request.GET.get("month", ""), closes)
    close = MonthClose.objects.filter(month=month).first() if month else None
    summary = close.summary if close else {}
    alert_day, alerts = hotspots.latest_alerts(own_district)
    return render(request, "assessment/overview.html", {
        "closes": closes, "month": month, "close": close,
        "category_chart": charts.bar_chart(summary.get("by_category", [])),
        "district_chart": charts.bar_chart(summary.get("by_district", [])),
        "top_problems": summary.get("top_problems", []), "alert_day": alert_day, "alerts": alerts,
    })


@login_required
@domain_errors
def appeal_list(request):
    return render(request, "assessment/appeals.html", {"appeals": selectors.appeals_for(request.user)})


@login_required
@require_POST
def file_appeal(request):
    try:
        number = request.POST.get("ticket", "").strip().split("-")[-1]
        if not number.isdigit():
            raise appeals.InvalidInput("请填写工单编号", field="ticket")
        appeals.file_appeal(request.user, int(number), reason=request.POST.get("reason", ""),
                            month=request.POST.get("month", ""))
        messages.success(request, "申诉已提交，等待中心裁定")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("assessment:appeals")


@login_required
@require_POST
def rule_appeal(request, appeal_id):
    try:
        appeals.rule_appeal(request.user, appeal_id, grant=request.POST.get("decision") == "grant",
                            ruling=request.POST.get("ruling", ""))
        messages.success(request, "裁定已记录")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("assessment:appeals")
