"""API shapes: input serializers check types and look units/catalog leaves up; services enforce the rules.

Output always masks the caller's phone and name, and the address for readers not working on the order
(hotline/privacy.py); the full number comes only from the recorded reveal endpoint (CallerRevealSerializer).
"""

from collections.abc import Mapping
from contextvars import ContextVar

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from dispatch.catalog import selectors as catalog_selectors
from dispatch.choices import RequestType, Tier
from dispatch.models import CatalogItem, Unit

from . import privacy
from .choices import CONTENT_MAX_LENGTH, Channel, FeedbackMethod, Satisfaction, Urgency
from .models import Ticket

TEXT = {"max_length": 2000, "trim_whitespace": True}
_prefetched_units = ContextVar("prefetched_units", default=None)  # {code: Unit} while IntakeSerializer validates


class SharedFieldsMixin:
    """The fields are built once per class, not per instance: DRF deep-copies every declared field for each
    serializer (about 1 ms for intake's 17). Only for serializers whose fields keep no per-request state: no
    context, no parent data, no partial updates (intake's input and result)."""

    @property
    def fields(self):
        shared = type(self).__dict__.get("_shared_fields")
        if shared is None:
            prototype = type(self)()
            shared = BindingDict(prototype)
            for name, field in prototype.get_fields().items():
                shared[name] = field
            type(self)._shared_fields = shared
        return shared


def choice(choices, label, **kwargs):
    return serializers.ChoiceField(
        choices=choices, label=label, error_messages={"invalid_choice": f"{label}取值无效：“{{input}}”"}, **kwargs
    )


class UnitCodeField(serializers.SlugRelatedField):
    """A unit referenced by its code (e.g. 110105026, D002)."""

    default_error_messages = {
        "does_not_exist": "未知的单位代码：{value}",
        "invalid": "单位代码须为字符串",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Unit.objects.filter(is_active=True), **kwargs)

    def to_internal_value(self, data):
        prefetched = _prefetched_units.get()  # see IntakeSerializer
        if prefetched and isinstance(data, str) and data in prefetched:
            return prefetched[data]
        return super().to_internal_value(data)


def prefetch_units(data, names):
    """{code: active unit} for the unit codes ``data`` gives under ``names``, read in one query."""
    values = [data.get(name) for name in names] if isinstance(data, Mapping) else []
    codes = {code for code in values if isinstance(code, str) and 0 < len(code) <= 20 and "\x00" not in code}
    if not codes:
        return {}
    # raw SQL: the ORM spends ~0.5 ms of CPU building this one query, on every intake
    sql = f"SELECT * FROM {Unit._meta.db_table} WHERE is_active = %s AND code IN ({', '.join(['%s'] * len(codes))})"
    return {unit.code: unit for unit in Unit.objects.raw(sql, [True, *codes])}


class CatalogLeafField(serializers.PrimaryKeyRelatedField):
    """A catalog item by id, read through the per-process cache of the current version (intake's hot path)."""

    default_error_messages = {
        "does_not_exist": "派单目录条目 {pk_value} 不存在",
        "incorrect_type": "派单目录条目须为整数编号",
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=CatalogItem.objects.select_related("version", "parent__parent"), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError, OverflowError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        item = catalog_selectors.item_for_intake(pk) if 0 < pk < 2**63 else None
        if item is None:
            self.fail("does_not_exist", pk_value=data)
        return item


# --- input -------------------------------------------------------------------------------------------------


class IntakeSerializer(SharedFieldsMixin, serializers.Serializer):
    channel = choice(Channel.choices, "渠道")
    caller_phone = serializers.CharField(label="诉求人电话", max_length=20)
    caller_name = serializers.CharField(label="诉求人姓名", max_length=50, required=False, allow_blank=True,
                                        default="")
    address = serializers.CharField(label="事发地址", max_length=200)
    district = UnitCodeField(label="区")
    street = UnitCodeField(label="街乡镇", required=False, allow_null=True, default=None)
    content = serializers.CharField(label="诉求内容", max_length=CONTENT_MAX_LENGTH)
    request_type = choice(RequestType.choices, "诉求类型")
    urgency = choice(Urgency.choices, "紧急程度", required=False, default=Urgency.NORMAL)
    catalog_item = CatalogLeafField(label="派单目录")
    tier = choice(Tier.choices, "响应级别", required=False, allow_null=True, default=None)
    tier_reason = serializers.CharField(label="调整响应级别理由", max_length=200, required=False, allow_blank=True,
                                        default="")
    dispatch = serializers.BooleanField(label="受理后直派", required=False, default=False)
    lead_unit = UnitCodeField(label="主办单位", required=False, allow_null=True, default=None)
    lead_reason = serializers.CharField(label="改变主办单位理由（主办单位不是目录建议的单位时必填）", max_length=200,
                                        required=False, allow_blank=True, default="")
    assist_units = serializers.ListField(child=UnitCodeField(), label="协办单位", required=False, default=list,
                                         max_length=10)
    answer = serializers.CharField(label="直接答复内容", required=False, allow_blank=True, default="", **TEXT)
    cited_version = serializers.IntegerField(label="依据的知识库版本（直接答复时，可不填）", required=False,
                                             allow_null=True, default=None, min_value=1, max_value=2**62)

    def to_internal_value(self, data):
        token = _prefetched_units.set(prefetch_units(data, ("district", "street", "lead_unit")))  # one query
        try:
            return super().to_internal_value(data)
        finally:
            _prefetched_units.reset(token)

    def validate(self, data):
        if data["dispatch"] and data["answer"].strip():
            raise serializers.ValidationError({"answer": ["直接答复的工单不派单，请勿同时选择直派"]})
        if data["cited_version"] and not data["answer"].strip():
            raise serializers.ValidationError({"cited_version": ["引用知识库版本时请同时填写直接答复内容"]})
        if not data["dispatch"] and (data["lead_unit"] or data["assist_units"]):
            raise serializers.ValidationError({"dispatch": ["指定承办单位时请同时选择直派"]})
        return data


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(label="说明", required=False, allow_blank=True, default="", **TEXT)


class DispatchSerializer(NoteSerializer):
    lead_unit = UnitCodeField(label="主办单位", required=False, allow_null=True, default=None)
    assist_units = serializers.ListField(child=UnitCodeField(), label="协办单位", required=False, default=list,
                                         max_length=10)


class BatchDispatchSerializer(NoteSerializer):
    ticket_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), label="工单编号", min_length=1, max_length=100,
        error_messages={"empty": "请至少选择一件工单", "min_length": "请至少选择一件工单",
                        "max_length": "一次最多派100件工单"})
    lead_unit = UnitCodeField(label="主办单位")


class BatchOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="ticket_id", label="工单编号")
    number = serializers.CharField(label="工单号")
    dispatched = serializers.BooleanField(label="已派单")
    reason = serializers.CharField(label="未派单的原因（已派单时为空）")


class BatchDispatchResultSerializer(serializers.Serializer):
    dispatched = serializers.IntegerField(label="已派单件数")
    failed = serializers.IntegerField(label="未派单件数")
    results = BatchOutcomeSerializer(many=True, label="逐件结果（按提交顺序）")


class RedispatchSerializer(DispatchSerializer):
    lead_unit = UnitCodeField(label="主办单位")


class RulingSerializer(serializers.Serializer):
    ruling = serializers.CharField(label="裁定意见", **TEXT)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(label="答复内容", **TEXT)
    cited_version = serializers.IntegerField(label="依据的知识库版本（已发布版本的编号，可不填）", required=False,
                                             allow_null=True, default=None, min_value=1, max_value=2**62)


class EmptySerializer(serializers.Serializer):
    pass


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(label="退单理由", **TEXT)
    suggested_unit = UnitCodeField(label="建议承办单位", required=False, allow_null=True, default=None)


class ContactSerializer(serializers.Serializer):
    note = serializers.CharField(label="联系情况", **TEXT)


class CompleteSerializer(serializers.Serializer):
    result = serializers.CharField(label="办理结果", **TEXT)
    caller_feedback_method = choice(FeedbackMethod.choices, "告知诉求人的方式")
    caller_told_at = serializers.DateTimeField(label="告知诉求人的时间")
    caller_feedback = serializers.CharField(label="告知诉求人的内容", **TEXT)


class ExtensionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(label="延期理由", **TEXT)
    requested_due_at = serializers.DateTimeField(label="申请延至")


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(label="是否批准")
    note = serializers.CharField(label="审批意见", required=False, allow_blank=True, default="", max_length=200)


class CallbackSerializer(serializers.Serializer):
    reached = serializers.BooleanField(label="联系上诉求人")
    contacted = serializers.BooleanField(label="承办单位是否联系过诉求人", required=False, allow_null=True,
                                         default=None)
    resolved = serializers.BooleanField(label="问题是否解决", required=False, allow_null=True, default=None)
    satisfaction = choice(Satisfaction.choices, "满意度", required=False, allow_blank=True, default="")
    note = serializers.CharField(label="回访记录", required=False, allow_blank=True, default="", **TEXT)


class RehandleSerializer(serializers.Serializer):
    reason = serializers.CharField(label="重办理由", **TEXT)


class MergeRepeatSerializer(serializers.Serializer):
    original_id = serializers.IntegerField(label="原工单", min_value=1, max_value=10**18,
                                           help_text="更早受理、尚未结案、本身未并入其他工单的原工单编号（id）")
    reason = serializers.CharField(label="并入理由", help_text="记入两张工单的办理过程", **TEXT)


class UnmergeRepeatSerializer(serializers.Serializer):
    reason = serializers.CharField(label="撤销理由", help_text="记入两张工单的办理过程", **TEXT)


class RaiseWhistleSerializer(serializers.Serializer):
    """A whistle, optionally with an extension request in the same step (both extension fields, or neither)."""

    units = serializers.ListField(child=UnitCodeField(), label="被吹哨单位", min_length=1, max_length=10)
    reason = serializers.CharField(label="吹哨事由", **TEXT)
    extension_reason = serializers.CharField(label="延期理由", required=False, allow_blank=True, default="", **TEXT)
    extension_due_at = serializers.DateTimeField(label="申请延至", required=False, allow_null=True, default=None)


class WhistleActionSerializer(serializers.Serializer):
    action_note = serializers.CharField(label="处置情况", **TEXT)


class RateSerializer(serializers.Serializer):
    unit = UnitCodeField(label="被评价单位")
    stars = serializers.IntegerField(label="评价星级", min_value=1, max_value=5)
    note = serializers.CharField(label="评价意见", required=False, allow_blank=True, default="", max_length=200)


# --- output ------------------------------------------------------------------------------------------------


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TicketListSerializer(serializers.ModelSerializer):
    """A list row: the phone masked; the address in full only for those working on the order (privacy.py)."""

    number = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    caller_phone = serializers.CharField(source="masked_phone", read_only=True)
    address = serializers.SerializerMethodField()
    content = serializers.CharField(source="shown_content", read_only=True, help_text="诉求内容（其中的电话号码打码）")
    district = UnitRefSerializer(read_only=True)
    street = UnitRefSerializer(read_only=True, allow_null=True)
    lead_unit = UnitRefSerializer(read_only=True, allow_null=True)
    catalog_item = serializers.PrimaryKeyRelatedField(read_only=True)
    catalog_name = serializers.CharField(source="catalog_item.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id", "number", "status", "status_label", "channel", "caller_phone", "address", "district", "street",
            "content", "request_type", "urgency", "catalog_item", "catalog_name", "tier", "lead_unit",
            "is_overdue", "received_at", "dispatched_at", "contact_due_at", "contacted_at", "due_at",
            "completed_at", "closed_at",
        ]

    def get_address(self, ticket) -> str:
        return privacy.shown_address(self.context["request"].user, ticket)


class AssignmentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = UnitRefSerializer()
    role = serializers.CharField()
    status = serializers.CharField()
    dispatched_at = serializers.DateTimeField()
    signed_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    result = serializers.CharField()


class WhistleTargetOutSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    report_in_due_at = serializers.DateTimeField(allow_null=True)
    reported_in_at = serializers.DateTimeField(allow_null=True)
    action_due_at = serializers.DateTimeField(allow_null=True)
    acted_at = serializers.DateTimeField(allow_null=True)
    action_note = serializers.CharField()
    stars = serializers.IntegerField(allow_null=True)


class WhistleOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    street = UnitRefSerializer()
    reason = serializers.CharField()
    status = serializers.CharField()
    raised_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    targets = WhistleTargetOutSerializer(many=True)


class ExtensionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = UnitRefSerializer()
    reason = serializers.CharField()
    requested_due_at = serializers.DateTimeField()
    status = serializers.CharField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class EventOutSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    actor_unit = serializers.CharField(source="actor_unit.name", allow_null=True, default=None)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ActedOutOfScopeSerializer(serializers.Serializer):
    """An action's answer when the order left the actor's scope by that action (e.g. a return)."""

    id = serializers.IntegerField()
    detail = serializers.CharField()


class TicketRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()


class TicketDetailSerializer(TicketListSerializer):
    """One ticket with its assignments, whistles, extensions, repeat links and audit timeline.

    The records come from ``ticket.record`` (privacy.record_for: a unit whose part ended reads only its own and
    what was there when it ended); the caller's name and phone are masked.
    """

    caller_name = serializers.CharField(source="masked_name", read_only=True)
    result = serializers.CharField(source="record.result", read_only=True)
    assignments = AssignmentOutSerializer(many=True, read_only=True, source="record.assignments")
    whistles = WhistleOutSerializer(many=True, read_only=True, source="record.whistles")
    extensions = ExtensionOutSerializer(many=True, read_only=True, source="record.extensions")
    timeline = EventOutSerializer(many=True, read_only=True, source="record.events")
    repeat_of = TicketRefSerializer(read_only=True, allow_null=True, help_text="本单已并入（关联到）的原工单")
    repeats = TicketRefSerializer(many=True, read_only=True, help_text="并入（关联到）本单的重复诉求")

    class Meta(TicketListSerializer.Meta):
        fields = TicketListSerializer.Meta.fields + [
            "caller_name", "tier_reason", "answer", "result", "rehandle_count", "signed_at", "callback_at",
            "assignments", "whistles", "extensions", "repeat_of", "repeats", "timeline",
        ]


class CallerRevealSerializer(serializers.Serializer):
    """查看完整号码: the caller's full number and name, for whoever must call them on this order now; recorded."""

    ticket = serializers.IntegerField(source="ticket_id")
    caller_phone = serializers.CharField(source="ticket.caller_phone")
    caller_name = serializers.CharField(source="ticket.caller_name")
    address = serializers.CharField(source="ticket.address")
    basis = serializers.CharField(help_text="依据：intake 受理话务员 / lead 主办单位 / callback 回访员")
    basis_label = serializers.CharField(source="get_basis_display")
    revealed_at = serializers.DateTimeField(source="created_at")


class IntakeResultSerializer(SharedFieldsMixin, serializers.Serializer):
    """What intake returns (kept flat: intake is the hot path): the new ticket, or on a retried
    Idempotency-Key the first one. The phone is masked: the agent typed it, the response need not repeat it."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    tier = serializers.CharField()
    caller_phone = serializers.CharField(source="masked_phone")
    district = serializers.CharField(source="district.code")
    street = serializers.CharField(source="street.code", allow_null=True, default=None)
    lead_unit = serializers.CharField(source="lead_unit.code", allow_null=True, default=None)
    lead_unit_name = serializers.CharField(source="lead_unit.name", allow_null=True, default=None)
    catalog_item = serializers.IntegerField(source="catalog_item_id")
    received_at = serializers.DateTimeField()
    dispatched_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)


class WhistleResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField(source="ticket_id")
    status = serializers.CharField()


class WhistleTargetResultSerializer(serializers.Serializer):
    whistle = serializers.IntegerField(source="whistle_id")
    unit = serializers.CharField(source="unit.code")
    reported_in_at = serializers.DateTimeField(allow_null=True)
    acted_at = serializers.DateTimeField(allow_null=True)
    stars = serializers.IntegerField(allow_null=True)


class ExtensionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField(source="ticket_id")
    status = serializers.CharField()
    requested_due_at = serializers.DateTimeField()


class CallbackResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField(source="ticket_id")
    reached = serializers.BooleanField()
    resolved = serializers.BooleanField(allow_null=True)
    satisfaction = serializers.CharField()


class WhistleLimitsSerializer(serializers.Serializer):
    """assessment.clock.whistle_limits: what a whistled department gets, next to the order's own deadline."""

    order_due_at = serializers.DateTimeField(allow_null=True, label="工单办结时限")
    report_in_due_at = serializers.DateTimeField(label="报到时限")
    action_due_at = serializers.DateTimeField(label="处置时限")
    capped = serializers.BooleanField(label="已按工单办结时限截止")
    warning = serializers.CharField(label="提示（部门时限晚于工单办结时限时）")


class RaiseWhistleResultSerializer(WhistleResultSerializer):
    limits = WhistleLimitsSerializer()
    extension = ExtensionResultSerializer(allow_null=True, label="同时提交的延期申请")
