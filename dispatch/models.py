from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from .choices import DispatchClass, DivisionKind, RequestType, Responsible, Role, Tier, UnitKind


class Unit(models.Model):
    """One node of the org directory: the center, a district, a street/township, a department or enterprise."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices, db_index=True)
    division_kind = models.CharField(
        "区划类别", max_length=10, choices=DivisionKind.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    short_name = models.CharField("简称", max_length=50, blank=True, default="")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "parent"])]

    def __str__(self):
        return self.name

    @property
    def is_dispatchable_street(self):
        return self.kind == UnitKind.STREET and self.is_active

    @property
    def district(self):
        """The district a street belongs to (itself for a district), else None."""
        if self.kind == UnitKind.DISTRICT:
            return self
        if self.kind in (UnitKind.STREET, UnitKind.ZONE) and self.parent_id:
            return self.parent
        return None


class User(AbstractUser):
    """Every staff user belongs to one unit and has one role."""

    role = models.CharField("角色", max_length=30, choices=Role.choices, default=Role.AGENT)
    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    phone = models.CharField("电话", max_length=20, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return f"{self.get_full_name() or self.username}（{self.get_role_display()}）"


class CatalogVersion(models.Model):
    """A version of the dispatch catalog; exactly one is current. Tickets keep the item (and so the version)."""

    number = models.PositiveIntegerField("版本号", unique=True)
    label = models.CharField("说明", max_length=200, blank=True, default="")
    is_current = models.BooleanField("当前版本", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "派单目录版本"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_catalog")
        ]

    def __str__(self):
        return f"v{self.number} {self.label}".strip()


class CatalogItem(models.Model):
    """A node of the three-level dispatch catalog; leaves (level 3) carry the dispatch rules.

    default_tier and dispatch_class feed the tier and dispatch-limit rules of dispatch/tiers.py."""

    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="items")
    code = models.CharField("编码", max_length=20)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("级别")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    keywords = models.CharField("关键词", max_length=500, blank=True, default="")
    responsible = models.CharField(
        "承办方式", max_length=10, choices=Responsible.choices, blank=True, default=""
    )
    responsible_unit = models.ForeignKey(
        Unit, verbose_name="指定承办单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    default_tier = models.CharField("默认响应级别", max_length=4, choices=Tier.choices, blank=True, default="")
    dispatch_class = models.CharField(
        "派单时限类别", max_length=10, choices=DispatchClass.choices, blank=True, default="",
        help_text="突发事件（默认1小时内派单）、水电气热和极端天气（默认2小时内派单）：不论受理时选的紧急程度",
    )
    default_request_type = models.CharField(
        "默认诉求类型", max_length=20, choices=RequestType.choices, blank=True, default=""
    )
    photo_required_to_complete = models.BooleanField(
        "办结须上传现场照片", default=False,
        help_text="勾选后，此类诉求办结时须至少有一张承办单位上传的现场照片（办理中上传或随办结上传）",
    )

    class Meta:
        verbose_name = verbose_name_plural = "派单目录条目"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="catalog_code_per_version")]
        indexes = [models.Index(fields=["version", "level"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self):
        return self.level == 3

    def path_names(self):
        """'一级 / 二级 / 三级' for display."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))


class AddressAlias(models.Model):
    """Admin-maintained alias: a community, landmark or short form that resolves to a street."""

    alias = models.CharField("别名/地标/社区", max_length=100, unique=True)
    street = models.ForeignKey(
        Unit, verbose_name="街乡镇", on_delete=models.CASCADE, related_name="aliases",
        limit_choices_to={"kind": UnitKind.STREET},
    )
    note = models.CharField("备注", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "地址别名"

    def __str__(self):
        return f"{self.alias} → {self.street}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "主办"
    ASSIST = "assist", "协办"


class AssignmentStatus(models.TextChoices):
    DISPATCHED = "dispatched", "待签收"
    SIGNED = "signed", "已签收"
    COMPLETED = "completed", "已办结"
    RETURNED = "returned", "已退单"
    WITHDRAWN = "withdrawn", "已改派"


# Assignment status groups. Active: the unit still has work on the part. Live: the part counts in the assessment.
# Ended: the part was given up (returned) or taken away (withdrawn).
ACTIVE_ASSIGNMENT_STATUSES = [AssignmentStatus.DISPATCHED, AssignmentStatus.SIGNED]
LIVE_ASSIGNMENT_STATUSES = [*ACTIVE_ASSIGNMENT_STATUSES, AssignmentStatus.COMPLETED]
ENDED_ASSIGNMENT_STATUSES = [AssignmentStatus.RETURNED, AssignmentStatus.WITHDRAWN]


class Assignment(models.Model):
    """One unit's part of an order: the lead or an assisting unit (双派双考: both are assessed)."""

    # Indexed with its unit (assignment_ticket_unit): a scope's test of one order reads the index alone.
    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="assignments", db_index=False)
    # Indexed with its order (assignment_unit_ticket): a unit's scope, as order ids, reads the index alone.
    unit = models.ForeignKey(Unit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="assignments",
                             db_index=False)
    role = models.CharField("主协办", max_length=10, choices=AssignmentRole.choices)
    status = models.CharField(
        "状态", max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.DISPATCHED
    )
    dispatched_at = models.DateTimeField("派单时间")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    result = models.TextField("办理情况", blank=True, default="")
    # When the part was returned or withdrawn: afterwards the unit sees only its own records (hotline/privacy.py).
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "承办任务"
        indexes = [models.Index(fields=["unit", "status"], name="assignment_unit_status"),
                   models.Index(fields=["ticket", "unit"], name="assignment_ticket_unit"),
                   models.Index(fields=["unit", "ticket"], name="assignment_unit_ticket")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(role=AssignmentRole.LEAD) & ~Q(status__in=ENDED_ASSIGNMENT_STATUSES),
                name="one_active_lead_per_ticket",
            ),
            models.UniqueConstraint(  # a unit works on an order once: the assessment counts (unit, order) pairs
                fields=["ticket", "unit"], condition=Q(status__in=LIVE_ASSIGNMENT_STATUSES),
                name="one_live_assignment_per_unit",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.unit}"


class ReturnStatus(models.TextChoices):
    PENDING = "pending", "待裁定"
    UPHELD = "upheld", "退单成立，已改派"
    REJECTED = "rejected", "退单不成立，原单位继续办理"


class ReturnRequest(models.Model):
    """退单: a unit says the order is not theirs; the center re-dispatches or rules (派单争议裁定)."""

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="return_requests")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("退单理由")
    suggested_unit = models.ForeignKey(
        Unit, verbose_name="建议承办单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    ruled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ruled_at = models.DateTimeField(null=True, blank=True)
    ruling = models.TextField("裁定意见", blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "退单申请"

    def __str__(self):
        return f"{self.unit}退单：{self.reason[:20]}"


class WhistleStatus(models.TextChoices):
    REQUESTED = "requested", "待领导审批"
    APPROVED = "approved", "已吹哨"
    REFUSED = "refused", "未批准"
    CLOSED = "closed", "已完成评价"


OPEN_WHISTLE_STATUSES = [WhistleStatus.REQUESTED, WhistleStatus.APPROVED]  # the order cannot complete yet
CALLED_WHISTLE_STATUSES = [WhistleStatus.APPROVED, WhistleStatus.CLOSED]  # departments were called: two-way assessed


class Whistle(models.Model):
    """吹哨: a street calls departments to a problem it cannot solve alone; a street leader approves."""

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="whistles")
    street = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="whistles_raised")
    reason = models.TextField("吹哨事由")
    status = models.CharField(max_length=20, choices=WhistleStatus.choices, default=WhistleStatus.REQUESTED)
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "吹哨"

    def __str__(self):
        return f"{self.street}吹哨：{self.reason[:20]}"


class WhistleTarget(models.Model):
    """One department called by a whistle: it reports in (报到), acts, and is rated by the street."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="whistle_calls")
    report_in_due_at = models.DateTimeField("报到时限", null=True, blank=True)
    reported_in_at = models.DateTimeField("报到时间", null=True, blank=True)
    action_due_at = models.DateTimeField("处置时限", null=True, blank=True)
    acted_at = models.DateTimeField("处置时间", null=True, blank=True)
    action_note = models.TextField("处置情况", blank=True, default="")
    report_in_missed = models.BooleanField("超时未报到", default=False)
    stars = models.PositiveSmallIntegerField("评价星级", null=True, blank=True)
    rating_note = models.CharField("评价意见", max_length=200, blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "吹哨报到"
        constraints = [
            models.UniqueConstraint(fields=["whistle", "unit"], name="one_target_per_unit"),
            models.CheckConstraint(condition=Q(stars__isnull=True) | Q(stars__range=(1, 5)), name="stars_1_to_5"),
        ]

    def __str__(self):
        return f"{self.unit}报到"

    @property
    def reported_in_on_time(self):
        return bool(self.reported_in_at and self.report_in_due_at and self.reported_in_at <= self.report_in_due_at)

    @property
    def acted_on_time(self):
        return bool(self.acted_at and self.action_due_at and self.acted_at <= self.action_due_at)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class ExtensionRequest(models.Model):
    """延期: the unit asks for more time before the deadline; the center approves or refuses."""

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("延期理由")
    requested_due_at = models.DateTimeField("申请延至")
    status = models.CharField(max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"

    def __str__(self):
        return f"{self.unit}申请延期至{self.requested_due_at:%Y-%m-%d}"
