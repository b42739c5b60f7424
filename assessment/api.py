"""Read-only API of scorecards and rankings, scoped like the pages (district supervisors: their district)."""

from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from assessment.monthly import selectors

from .models import MonthClose, Scorecard


class ScorecardSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    district_code = serializers.CharField(source="district.code", default=None)
    klass_label = serializers.CharField()
    score_change = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)

    class Meta:
        model = Scorecard
        fields = ["month", "unit_code", "unit_name", "group", "district_code", "rank", "group_size", "assessed",
                  "excluded", "contacted_in_time", "answered", "resolved", "satisfied", "basic", "response_rate",
                  "resolution_rate", "satisfaction_rate", "score", "prev_score", "prev_rank", "score_change",
                  "klass", "klass_label", "called_out", "corrected", "whistle_calls", "report_in_missed", "rated",
                  "avg_stars", "two_way_score"]


class MonthCloseSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonthClose
        fields = ["month", "status", "rule", "computed_at", "frozen_at"]


@api_view(["GET"])
def month_list(request):
    selectors.scope_district(request.user)
    return Response(MonthCloseSerializer(selectors.month_closes(), many=True).data)


@api_view(["GET"])
def ranking(request):
    """?month=YYYY-MM (default the latest) &group=street|district|department|enterprise|zone &district=code."""
    month = selectors.pick_month(request.query_params.get("month", ""), selectors.month_closes())
    if month is None:
        return Response({"month": None, "results": [], "callouts": []})
    district_code = request.query_params.get("district", "")
    district_id = None
    if district_code:
        district_id = selectors.unit_in_scope(request.user, district_code).pk
    cards = selectors.ranking(request.user, month, request.query_params.get("group", "street"), district_id)
    return Response({
        "month": f"{month:%Y-%m}",
        "results": ScorecardSerializer(cards, many=True).data,
        "callouts": ScorecardSerializer(selectors.callouts(request.user, month), many=True).data,
    })


@api_view(["GET"])
def unit_scorecards(request, code):
    """A unit's scorecards, newest month first (12 at most)."""
    unit = selectors.unit_in_scope(request.user, code)
    cards = Scorecard.objects.filter(unit=unit).select_related("unit", "district").order_by("-month")[:12]
    return Response(ScorecardSerializer(cards, many=True).data)
