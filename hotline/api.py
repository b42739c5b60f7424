"""The ticket API (DRF): intake, scoped lists, detail, and one POST endpoint per lifecycle service.

Views only translate HTTP to service calls: serializers check shapes, services check rules and raise
core.errors (400/403/404/409 via config.api_errors). A ticket, whistle or extension the user may not see
is 404 before any service runs.
"""

from django.core.exceptions import EmptyResultSet
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import authentication, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from assessment.clock.whistle_limits import whistle_limits
from config.openapi import EMPTY_BODY
from core.errors import NotFoundInScope
from core.permissions import require_role
from core.tokens import ExpiringTokenAuthentication
from dispatch.models import ExtensionRequest, Whistle

from . import listing, privacy, selectors
from . import serializers as s
from .api_paging import KeysetPagination
from .models import Ticket
from .services import caller, center, handling, intake, repeats, whistles

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="每个用户自己的键：重试时带相同的键和相同的内容，返回第一次受理的工单（200）；"
                "相同的键用于不同内容的请求为 422",
)


class TicketApiFilter(listing.TicketListFilter):
    """The pages' filters (hotline/listing.py); the API's order is its cursor's (newest first), so no sort."""

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        filters.pop("sort", None)
        return filters


class DomainInputMixin:
    """Validates a request body with a serializer; domain errors are shaped by config.api_errors."""

    def validated(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


ACTED_OUT_OF_SCOPE = "已处理；该工单已不在您的权限范围内"
ACTION_RESULT = PolymorphicProxySerializer(
    component_name="TicketActionResult", serializers=[s.TicketDetailSerializer, s.ActedOutOfScopeSerializer],
    resource_type_field_name=None)


def detail_response(request, ticket_id, ticket=None):
    ticket = ticket or selectors.ticket_detail(request.user, ticket_id)
    if ticket is None:  # acted on, but no longer in the actor's scope (e.g. after a return)
        return Response(s.ActedOutOfScopeSerializer({"id": ticket_id, "detail": ACTED_OUT_OF_SCOPE}).data)
    ticket.record = privacy.record_for(
        request.user, ticket, assignments=ticket.assignments.all(), whistles=ticket.whistles.all(),
        extensions=ticket.extensions.all(), events=ticket.events.all())
    return Response(s.TicketDetailSerializer(ticket, context={"request": request}).data)


def ticket_action(serializer_class, url_path, *, response=ACTION_RESULT, created=False, **schema):
    """Decorators for a POST /tickets/{id}/<url_path>/ endpoint; ``schema``: more extend_schema arguments."""

    def decorate(method):
        code = 201 if created else 200
        # extend_schema goes on after action(): action() replaces the method's kwargs, where the schema is kept
        method = action(detail=True, methods=["post"], url_path=url_path)(method)
        return extend_schema(request=serializer_class, responses={code: response}, **schema)(method)

    return decorate


def _sql(queryset):
    """The SQL of a queryset, or None when it can match nothing (EmptyResultSet)."""
    try:
        return str(queryset.query)
    except EmptyResultSet:
        return None


@extend_schema_view(
    list=extend_schema(summary="工单列表（按权限范围）",
                       description="按受理时间从新到旧；用返回的 next / previous 链接翻页（游标），每页耗时相同。"
                                   "count 最多计到10000（count_is_exact 为 false 表示“10000+”）。"),
    retrieve=extend_schema(summary="工单详情（含承办、吹哨、延期与全程记录）"),
)
class TicketViewSet(DomainInputMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """工单：按权限范围列出与查看；受理和每个办理环节各一个 POST（业务规则拒绝时 409 并说明原因）。"""

    authentication_classes = [authentication.SessionAuthentication, ExpiringTokenAuthentication]
    throttle_scopes = {"create": "intake"}  # core/throttling.py: the rest reads ("read") or acts ("actions")
    filterset_class = TicketApiFilter
    pagination_class = KeysetPagination
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Ticket.objects.none()
        user = self.request.user
        return privacy.with_address_access(selectors.visible_tickets(user), user)  # ordered by the pagination

    def page_rows(self, ids):
        """The rows of a page whose ids KeysetPagination chose from get_queryset's."""
        return selectors.list_rows(self.request.user, ids)

    def filter_queryset(self, queryset):
        filtered = super().filter_queryset(queryset)
        self.narrowed = _sql(filtered) != _sql(queryset)  # by a filter of the URL
        return filtered

    def capped_count(self, queryset, cap):
        """KeysetPagination's count, at most ``cap`` + 1: with no filter narrowing the list, a unit's scope counted as
        its ids (selectors.scope_ids: the UNION alone) instead of each order looked up again (a street's 9 700 orders
        at a quarter: 200 ms of the page); else the list's rows."""
        ids = None if getattr(self, "narrowed", True) else selectors.scope_ids(self.request.user)
        return (queryset.order_by().values("pk") if ids is None else ids)[: cap + 1].count()

    def get_serializer_class(self):
        return s.TicketDetailSerializer if self.action == "retrieve" else s.TicketListSerializer

    def retrieve(self, request, pk):
        ticket = selectors.ticket_detail(request.user, pk)
        if ticket is None:
            raise NotFound("工单不存在或不在您的权限范围内")
        return detail_response(request, pk, ticket)

    @extend_schema(summary="受理", request=s.IntakeSerializer, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: s.IntakeResultSerializer, 200: s.IntakeResultSerializer})
    def create(self, request):
        data = self.validated(s.IntakeSerializer)
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key and len(key) > 100:
            raise ValidationError({"Idempotency-Key": ["幂等键不能超过100个字符"]})
        fields = {name: data[name] for name in (
            "channel", "caller_phone", "caller_name", "address", "district", "street", "content", "request_type",
            "urgency", "catalog_item", "tier_reason")}
        then = intake.DISPATCH if data["dispatch"] else intake.ANSWER if data["answer"].strip() else None
        ticket, created = intake.take_call(request.user, then=then, lead_unit=data["lead_unit"],
                                           lead_reason=data["lead_reason"], assist_units=data["assist_units"],
                                           answer=data["answer"], cited_version=data["cited_version"],
                                           tier=data["tier"], idempotency_key=key, **fields)
        return Response(s.IntakeResultSerializer(ticket).data, status=201 if created else 200)

    def visible(self, pk):
        if not selectors.ticket_visible(self.request.user, pk):
            raise NotFound("工单不存在或不在您的权限范围内")
        return int(pk)

    @ticket_action(
        EMPTY_BODY, "reveal-caller", response=s.CallerRevealSerializer, created=True,
        summary="查看完整号码（记录查看人、时间、工单）",
        description=("只有当前需要联系诉求人的人员可以查看：受理后派单前的受理话务员、办理中的主办单位、待回访时的回访员。"
                     "每次查看都记录（审计员可查）；其他人员 403，不作记录。列表和详情中的号码始终打码。"),
    )
    def reveal_caller(self, request, pk):
        _, reveal = caller.reveal_caller(request.user, self.visible(pk))
        return Response(s.CallerRevealSerializer(reveal).data, status=201)

    @ticket_action(s.AnswerSerializer, "answer")
    def answer(self, request, pk):
        pk = self.visible(pk)
        data = self.validated(s.AnswerSerializer)
        intake.answer_directly(request.user, pk, data["answer"], cited_version=data["cited_version"])
        return detail_response(request, pk)

    @ticket_action(s.DispatchSerializer, "dispatch")
    def dispatch_order(self, request, pk):
        pk, data = self.visible(pk), self.validated(s.DispatchSerializer)
        intake.dispatch_ticket(request.user, pk, lead_unit=data["lead_unit"], assist_units=data["assist_units"],
                               note=data["note"])
        return detail_response(request, pk)

    @extend_schema(
        summary="批量派单（逐件派单，报告每件的结果）", request=s.BatchDispatchSerializer,
        responses={200: s.BatchDispatchResultSerializer},
        description=("把多件待派单工单派给同一个主办单位：每件单独派单（各自一个事务、一条办理记录），"
                     "某件不能派（如已派单、已退单）时列明原因，其余照常派出。输入有误（未选工单、单位代码不对）"
                     "时 400 并指明字段，不派任何一件。"),
    )
    @action(detail=False, methods=["post"], url_path="batch-dispatch")
    def batch_dispatch(self, request):
        data = self.validated(s.BatchDispatchSerializer)
        outcomes = center.batch_dispatch(request.user, data["ticket_ids"], data["lead_unit"], note=data["note"])
        body = {"dispatched": sum(o.dispatched for o in outcomes), "failed": sum(not o.dispatched for o in outcomes),
                "results": outcomes}
        return Response(s.BatchDispatchResultSerializer(body).data)

    @ticket_action(s.RedispatchSerializer, "redispatch")
    def redispatch(self, request, pk):
        pk, data = self.visible(pk), self.validated(s.RedispatchSerializer)
        center.redispatch(request.user, pk, lead_unit=data["lead_unit"], assist_units=data["assist_units"],
                          note=data["note"])
        return detail_response(request, pk)

    @ticket_action(s.RulingSerializer, "rule-return")
    def rule_return(self, request, pk):
        pk = self.visible(pk)
        center.rule_return(request.user, pk, ruling=self.validated(s.RulingSerializer)["ruling"])
        return detail_response(request, pk)

    @ticket_action(EMPTY_BODY, "sign")
    def sign(self, request, pk):
        pk = self.visible(pk)
        handling.sign(request.user, pk)
        return detail_response(request, pk)

    @ticket_action(s.ReturnSerializer, "return")
    def return_order(self, request, pk):
        pk, data = self.visible(pk), self.validated(s.ReturnSerializer)
        handling.return_order(request.user, pk, data["reason"], suggested_unit=data["suggested_unit"])
        return detail_response(request, pk)

    @ticket_action(s.ContactSerializer, "contact")
    def contact(self, request, pk):
        pk = self.visible(pk)
        handling.contact_caller(request.user, pk, self.validated(s.ContactSerializer)["note"])
        return detail_response(request, pk)

    @ticket_action(s.CompleteSerializer, "complete")
    def complete(self, request, pk):
        pk, data = self.visible(pk), self.validated(s.CompleteSerializer)
        handling.complete(request.user, pk, **data)
        return detail_response(request, pk)

    @ticket_action(s.ExtensionRequestSerializer, "extensions", response=s.ExtensionResultSerializer, created=True)
    def request_extension(self, request, pk):
        pk, data = self.visible(pk), self.validated(s.ExtensionRequestSerializer)
        extension = handling.request_extension(request.user, pk, **data)
        return Response(s.ExtensionResultSerializer(extension).data, status=201)

    @ticket_action(s.CallbackSerializer, "callback", response=s.CallbackResultSerializer, created=True)
    def callback(self, request, pk):
        pk, data = self.visible(pk), self.validated(s.CallbackSerializer)
        record = center.record_callback(request.user, pk, **data)
        return Response(s.CallbackResultSerializer(record).data, status=201)

    @ticket_action(s.NoteSerializer, "close")
    def close(self, request, pk):
        pk = self.visible(pk)
        center.close(request.user, pk, note=self.validated(s.NoteSerializer)["note"])
        return detail_response(request, pk)

    @ticket_action(s.RehandleSerializer, "rehandle")
    def rehandle(self, request, pk):
        pk = self.visible(pk)
        center.rehandle(request.user, pk, self.validated(s.RehandleSerializer)["reason"])
        return detail_response(request, pk)

    @ticket_action(
        s.MergeRepeatSerializer, "merge-repeat",
        summary="并入原工单（重复诉求并单，派单员）",
        description=(
            "把本单（后来的重复诉求）并入更早受理的原工单，任何阶段、结案前均可：本单状态变为 merged（已并入原工单），"
            "repeat_of 指向原工单；本单各承办单位的任务撤回（withdrawn）、计时停止，不再出现在承办单位的待办中，"
            "月度考核只按原工单计一次。两张工单各记一条 merge_repeat 事件（操作人与理由）。"
            "400：理由为空、并入自身或原工单受理晚于本单；404：原工单不存在；409：本单或原工单已结案、本单已并入、"
            "原工单本身已并入其他工单、已有重复诉求并入本单、本单有未完成的吹哨。响应为本单详情。"),
        examples=[OpenApiExample("并入", value={"original_id": 1234, "reason": "同一诉求人反映同一小区供暖问题"},
                                 request_only=True)],
    )
    def merge_repeat(self, request, pk):
        pk, data = self.visible(pk), self.validated(s.MergeRepeatSerializer)
        require_role(request.user, "merge_repeat")  # before the original's scope: a 403, not a 404
        if not selectors.ticket_visible(request.user, data["original_id"]):
            raise NotFoundInScope("原工单不存在或不在您的权限范围内", field="original_id")
        repeats.merge_repeat(request.user, pk, data["original_id"], data["reason"])
        return detail_response(request, pk)

    @ticket_action(
        s.UnmergeRepeatSerializer, "unmerge-repeat",
        summary="撤销并入（派单员）",
        description=(
            "撤销本单的并入：恢复到并入前的状态，并入时撤回的承办任务按原状态恢复，计时重新开始并顺延并入期间"
            "（并入前已用去的时间照算）；repeat_of 清空。两张工单各记一条 unmerge_repeat 事件。"
            "400：理由为空；409：本单不是并入的工单。响应为本单详情。"),
        examples=[OpenApiExample("撤销", value={"reason": "核实为不同楼栋的两个问题"}, request_only=True)],
    )
    def unmerge_repeat(self, request, pk):
        pk = self.visible(pk)
        repeats.unmerge_repeat(request.user, pk, self.validated(s.UnmergeRepeatSerializer)["reason"])
        return detail_response(request, pk)

    @ticket_action(s.RaiseWhistleSerializer, "whistles", response=s.RaiseWhistleResultSerializer, created=True)
    def raise_whistle(self, request, pk):
        pk, data = self.visible(pk), self.validated(s.RaiseWhistleSerializer)
        whistle = whistles.raise_whistle(request.user, pk, **data)
        return Response(s.RaiseWhistleResultSerializer(whistle).data, status=201)

    @extend_schema(summary="吹哨前：被吹哨部门将获得的报到、处置时限（按现在批准估算）",
                   responses={200: s.WhistleLimitsSerializer})
    @action(detail=True, methods=["get"], url_path="whistle-limits")
    def whistle_limits_preview(self, request, pk):
        """The same computation the whistle form shows, and the warning when the limits pass the order's deadline."""
        ticket = selectors.ticket_for(request.user, pk)
        if ticket is None:
            raise NotFound("工单不存在或不在您的权限范围内")
        return Response(s.WhistleLimitsSerializer(whistle_limits(ticket, timezone.now())).data)


class ScopedChildViewSet(DomainInputMixin, viewsets.GenericViewSet):
    """Whistles and extensions: reachable only when their order is in the user's scope."""

    lookup_value_regex = r"\d{1,18}"
    serializer_class = s.EmptySerializer
    finder = None

    def in_scope(self, pk):
        if type(self).finder(self.request.user, pk) is None:
            raise NotFound("记录不存在或不在您的权限范围内")
        return int(pk)


def child_action(serializer_class, url_path, response):
    def decorate(method):
        method = action(detail=True, methods=["post"], url_path=url_path)(method)
        return extend_schema(request=serializer_class, responses={200: response})(method)

    return decorate


class WhistleViewSet(ScopedChildViewSet):
    queryset = Whistle.objects.none()
    finder = staticmethod(selectors.whistle_for)

    @child_action(s.DecisionSerializer, "decide", s.WhistleResultSerializer)
    def decide(self, request, pk):
        pk, data = self.in_scope(pk), self.validated(s.DecisionSerializer)
        whistle = whistles.decide_whistle(request.user, pk, approve=data["approve"], note=data["note"])
        return Response(s.WhistleResultSerializer(whistle).data)

    @child_action(s.NoteSerializer, "report-in", s.WhistleTargetResultSerializer)
    def report_in(self, request, pk):
        pk = self.in_scope(pk)
        target = whistles.report_in(request.user, pk, note=self.validated(s.NoteSerializer)["note"])
        return Response(s.WhistleTargetResultSerializer(target).data)

    @child_action(s.WhistleActionSerializer, "action", s.WhistleTargetResultSerializer)
    def record_action(self, request, pk):
        pk, data = self.in_scope(pk), self.validated(s.WhistleActionSerializer)
        target = whistles.record_whistle_action(request.user, pk, action_note=data["action_note"])
        return Response(s.WhistleTargetResultSerializer(target).data)

    @child_action(s.RateSerializer, "rate", s.WhistleTargetResultSerializer)
    def rate(self, request, pk):
        pk, data = self.in_scope(pk), self.validated(s.RateSerializer)
        target = whistles.rate_department(request.user, pk, **data)
        return Response(s.WhistleTargetResultSerializer(target).data)


class ExtensionViewSet(ScopedChildViewSet):
    queryset = ExtensionRequest.objects.none()
    finder = staticmethod(selectors.extension_for)

    @child_action(s.DecisionSerializer, "decide", s.ExtensionResultSerializer)
    def decide(self, request, pk):
        pk, data = self.in_scope(pk), self.validated(s.DecisionSerializer)
        extension = center.decide_extension(request.user, pk, approve=data["approve"], note=data["note"])
        return Response(s.ExtensionResultSerializer(extension).data)
