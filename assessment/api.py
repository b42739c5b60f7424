"""Read-only API of scorecards and rankings, scoped like the pages (district supervisors: their district)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from assessment.monthly import selectors
from assessment.monthly.choices import RankGroup

from .models import MonthClose, Scorecard


class ScorecardSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    district_code = serializers.CharField(source="district.code", allow_null=True, default=None)
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


class RankingSerializer(serializers.Serializer):
    month = serializers.CharField(allow_null=True, help_text="YYYY-MM；尚无已计算的月份时为 null")
    results = ScorecardSerializer(many=True)
    callouts = ScorecardSerializer(many=True, help_text="点名（仅市级可见）")


def query(name, description):
    return OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY, description=description)


@extend_schema(summary="已计算的考核月份", responses={200: MonthCloseSerializer(many=True)})
@api_view(["GET"])
def month_list(request):
    selectors.scope_district(request.user)
    return Response(MonthCloseSerializer(selectors.month_closes(), many=True).data)


@extend_schema(summary="某月某类单位的排名", responses={200: RankingSerializer}, parameters=[
    query("month", "YYYY-MM，默认最近计算的月份"),
    OpenApiParameter("group", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=RankGroup.values,
                     description="排名类别（默认 street）"),
    query("district", "区的单位代码：只看该区"),
])
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


@extend_schema(summary="单位近 12 个月的考核成绩", responses={200: ScorecardSerializer(many=True)})
@api_view(["GET"])
def unit_scorecards(request, code):
    """A unit's scorecards, newest month first (12 at most)."""
    unit = selectors.unit_in_scope(request.user, code)
    cards = Scorecard.objects.filter(unit=unit).select_related("unit", "district").order_by("-month")[:12]
    return Response(ScorecardSerializer(cards, many=True).data)
