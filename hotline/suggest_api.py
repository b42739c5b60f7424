"""Smart-intake API: suggestions for a request being taken, and linking a ticket as a repeat (重复诉求).

POST /api/suggestions/ {text, address?, phone?} → the three best catalog leaves, candidate streets for the
address, and earlier open tickets it may repeat (same phone, or near-identical text at the best street, when
one street is best).
POST /api/tickets/{id}/link-repeat/ {original_id} → the ticket answered as a repeat of the original.
Both are for the roles that take calls (core.permissions: 'intake' / 'link_repeat').
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFoundInScope
from core.permissions import require_role
from core.throttling import NumberLookupThrottle

from . import selectors
from .services import intake
from .suggest import find_repeats, link_repeat, resolve_address, sole_street, suggest_leaves

PHONE_CHARS = set("0123456789- ")


# --- shapes ------------------------------------------------------------------------------------------------


class SuggestionsInSerializer(serializers.Serializer):
    text = serializers.CharField(label="诉求内容", max_length=5000, allow_blank=True)
    address = serializers.CharField(label="事发地址", max_length=200, required=False, allow_blank=True, default="")
    phone = serializers.CharField(label="诉求人电话", max_length=20, required=False, allow_blank=True, default="")

    def validate_phone(self, value):
        if not set(value) <= PHONE_CHARS:
            raise serializers.ValidationError("诉求人电话只能包含数字、空格和“-”")
        return value.replace(" ", "")


class LeafOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    path = serializers.CharField()
    score = serializers.FloatField()


class StreetOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    district = serializers.CharField(help_text="区的单位代码（受理接口的 district 字段可直接使用）")
    district_name = serializers.CharField()
    score = serializers.FloatField()
    reason = serializers.CharField()


class RepeatOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.CharField()
    reason = serializers.CharField(source="repeat_reason")
    similarity = serializers.FloatField()


class SuggestionsOutSerializer(serializers.Serializer):
    leaves = LeafOutSerializer(many=True)
    streets = StreetOutSerializer(many=True)
    repeats = RepeatOutSerializer(many=True)


class LinkRepeatInSerializer(serializers.Serializer):
    original_id = serializers.IntegerField(label="原工单", min_value=1, max_value=10**18)


class OriginalRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class LinkRepeatOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    repeat_of = OriginalRefSerializer()
    answer = serializers.CharField()
    lead_unit = serializers.CharField(source="lead_unit.code", allow_null=True, default=None)


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- views -------------------------------------------------------------------------------------------------


class SuggestionsView(APIView):
    @extend_schema(summary="受理辅助：建议目录、街乡镇与可能的重复诉求", request=SuggestionsInSerializer,
                   responses={200: SuggestionsOutSerializer})
    def post(self, request):
        require_role(request.user, "intake")
        data = _validated(SuggestionsInSerializer, request)
        streets = resolve_address(data["address"]) if data["address"].strip() else []
        phone = data["phone"] if intake.PHONE_RE.match(data["phone"]) else ""  # a whole number
        lookups = NumberLookupThrottle()
        if phone and not lookups.allow_request(request, self):
            raise Throttled(wait=lookups.wait())
        repeats = find_repeats(phone, data["text"], sole_street(streets))
        return Response({
            "leaves": [{"id": leaf.pk, "code": leaf.code, "path": leaf.path_names(), "score": score}
                       for leaf, score in suggest_leaves(data["text"])],
            "streets": [{"code": street.code, "name": street.name, "district": street.parent.code,
                         "district_name": street.parent.name, "score": score, "reason": reason}
                        for street, score, reason in streets],
            "repeats": RepeatOutSerializer(repeats, many=True).data,
        })


class LinkRepeatView(APIView):
    @extend_schema(summary="关联为重复诉求（本单直接答复并入原工单，不再派单）", request=LinkRepeatInSerializer,
                   responses={200: LinkRepeatOutSerializer})
    def post(self, request, pk):
        require_role(request.user, "link_repeat")
        pk = int(pk)
        original_id = _validated(LinkRepeatInSerializer, request)["original_id"]
        if not selectors.ticket_visible(request.user, pk):
            raise NotFound("工单不存在或不在您的权限范围内")
        if not selectors.ticket_visible(request.user, original_id):
            raise NotFoundInScope("原工单不存在或不在您的权限范围内", field="original_id")
        ticket = link_repeat(request.user, pk, original_id)
        return Response(LinkRepeatOutSerializer(ticket).data)
