from django.conf import settings
from django.db import models
from django.db.models import Q

from assessment.clock.choices import LimitKey, LimitUnit
from assessment.clock.deadlines import Limit
from assessment.monthly.choices import STANDING_APPEAL_STATUSES

from . import defaults


class HolidayOverride(models.Model):
    """An administrator's correction of the official calendar for one date; wins over the chinesecalendar package."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "节假日调整"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_working_day else '休息'}"


class SlaPolicy(models.Model):
    """A version of the time limits. Exactly one is current; a draft (never activated) may be edited.
    Clocks store their due/warn times, so activating a new version never moves existing deadlines."""

    number = models.PositiveIntegerField("版本号", unique=True)
    label = models.CharField("说明", max_length=200, blank=True, default="")
    is_current = models.BooleanField("当前版本", default=False)
    effective_from = models.DateTimeField(
        "生效时间", null=True, blank=True, help_text="设为当前版本的时间；为空表示草稿"
    )
    warn_fraction = models.DecimalField(
        "预警比例", max_digits=3, decimal_places=2, default=defaults.DEFAULT_WARN_FRACTION,
        help_text="到达时限的该比例时预警，如0.75",
    )
    cap_whistle_limits = models.BooleanField(
        "吹哨时限不晚于工单办结时限", default=True,
        help_text="2小时、24小时级工单：被吹哨部门的报到时限、处置时限最迟到工单的办结时限",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "时限策略"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_sla_policy"),
            models.CheckConstraint(
                condition=Q(warn_fraction__gt=0, warn_fraction__lt=1), name="sla_warn_fraction_between_0_and_1"
            ),
        ]

    def __str__(self):
        return f"v{self.number} {self.label}".strip()

    @property
    def is_draft(self):
        return self.effective_from is None

    def limit_map(self):
        """{key: Limit}, read once per policy instance."""
        if not hasattr(self, "_limit_map"):
            self._limit_map = {row.key: row.as_limit() for row in self.limits.all()}
        return self._limit_map


class SlaLimit(models.Model):
    """One named limit of a policy, e.g. response:7d = 24 hours, whistle_complete = 5 working days."""

    policy = models.ForeignKey(SlaPolicy, verbose_name="策略", on_delete=models.CASCADE, related_name="limits")
    key = models.CharField("时限项", max_length=30, choices=LimitKey.choices)
    amount = models.PositiveIntegerField("数值")
    unit = models.CharField("单位", max_length=20, choices=LimitUnit.choices)

    class Meta:
        verbose_name = verbose_name_plural = "时限"
        ordering = ["policy", "key"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "key"], name="one_limit_per_key_per_policy"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="sla_limit_amount_positive"),
        ]

    def __str__(self):
        return f"{self.get_key_display()}：{self.as_limit()}"

    def as_limit(self):
        return Limit(self.amount, self.unit)


# --- Monthly assessment: rules, frozen scorecards, corrections, exclusions, appeals, hotspot alerts.

class AssessmentRule(models.Model):
    """The scoring rules from a month on (weights by period, 'basically satisfied' credit, class thresholds).
    The field defaults are the Beijing defaults, named in assessment/defaults.py."""

    effective_from = models.DateField("起始考核月", unique=True, help_text="该月1日；适用于此后各月，直到下一条规则")
    weight_response = models.DecimalField("响应率权重", max_digits=4, decimal_places=3,
                                          default=defaults.WEIGHT_RESPONSE)
    weight_resolution = models.DecimalField("解决率权重", max_digits=4, decimal_places=3,
                                            default=defaults.WEIGHT_RESOLUTION)
    weight_satisfaction = models.DecimalField("满意率权重", max_digits=4, decimal_places=3,
                                              default=defaults.WEIGHT_SATISFACTION)
    basic_credit = models.DecimalField(
        "基本满意折算", max_digits=3, decimal_places=2, default=defaults.BASIC_CREDIT,
        help_text="基本满意按该比例计入满意",
    )
    advanced_score = models.DecimalField("先进类最低分", max_digits=5, decimal_places=2,
                                         default=defaults.ADVANCED_SCORE)
    improving_delta = models.DecimalField("进步类环比提升分", max_digits=5, decimal_places=2,
                                          default=defaults.IMPROVING_DELTA)
    rectify_below = models.DecimalField("整改类：低于", max_digits=5, decimal_places=2, default=defaults.RECTIFY_BELOW)
    governance_below = models.DecimalField("治理类：低于", max_digits=5, decimal_places=2,
                                           default=defaults.GOVERNANCE_BELOW)
    callout_streets = models.PositiveSmallIntegerField("点名街乡镇数（倒数）", default=defaults.CALLOUT_STREETS)
    callout_departments = models.PositiveSmallIntegerField("点名市级部门数（倒数）",
                                                           default=defaults.CALLOUT_DEPARTMENTS)
    callout_enterprises = models.PositiveSmallIntegerField("点名企业数（倒数）", default=defaults.CALLOUT_ENTERPRISES)
    report_in_penalty = models.DecimalField("吹哨超时未报到扣分（每次）", max_digits=5, decimal_places=2,
                                            default=defaults.REPORT_IN_PENALTY)
    hotspot_ratio = models.DecimalField("七天一预警倍数", max_digits=5, decimal_places=2,
                                        default=defaults.HOTSPOT_RATIO, help_text="近7天量达到前4周周均的该倍数即预警")
    hotspot_min_count = models.PositiveIntegerField("七天一预警最少件数", default=defaults.HOTSPOT_MIN_COUNT)
    caller_denial_voids_contact = models.BooleanField(
        "以诉求人回访答复核定联系", default=True,
        help_text="回访时诉求人称承办单位未联系的，不论单位登记的联系时间，均不计为按时联系",
    )
    note = models.CharField("说明", max_length=200, blank=True, default="")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核规则"
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_response__gte=0, weight_resolution__gte=0, weight_satisfaction__gte=0)
                & Q(basic_credit__gte=0, basic_credit__lte=1),
                name="assessment_rule_weights_valid",
            )
        ]

    def __str__(self):
        return f"{self.effective_from:%Y-%m}起 考核规则"


class MonthClose(models.Model):
    """One assessment month: provisional while it may be recomputed, frozen once published."""

    month = models.DateField("考核月", unique=True)
    status = models.CharField("状态", max_length=20, default="provisional",
                              choices=[("provisional", "试算"), ("frozen", "已发布（冻结）")])
    rule = models.JSONField("适用规则", default=dict)
    summary = models.JSONField("月度概况", default=dict, help_text="分类、分区工单量与每月一题候选")
    computed_at = models.DateTimeField("计算时间")
    pairs_watermarks = models.JSONField("明细已计入的记录号", default=dict, blank=True,
                                        help_text="上次计算已计入的工单事件、回访、核减记录号（assessment.monthly.refresh）")
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="发布人（空为定时任务）")

    class Meta:
        verbose_name = verbose_name_plural = "月度考核"
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_status_display()}"

    @property
    def is_frozen(self):
        return self.status == "frozen"


class Scorecard(models.Model):
    """One unit's figures for one month; counts come from SQL aggregates, rates and ranks from those counts."""

    month = models.DateField("考核月")
    unit = models.ForeignKey("dispatch.Unit", on_delete=models.PROTECT, related_name="scorecards")
    group = models.CharField("排名类别", max_length=20, db_index=True)
    district = models.ForeignKey("dispatch.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="所属区")
    assessed = models.PositiveIntegerField("考核工单")
    contacted_in_time = models.PositiveIntegerField("按时联系")
    answered = models.PositiveIntegerField("回访答复")
    resolved = models.PositiveIntegerField("已解决")
    satisfied = models.PositiveIntegerField("满意")
    basic = models.PositiveIntegerField("基本满意")
    excluded = models.PositiveIntegerField("核减工单", default=0)
    response_rate = models.DecimalField("响应率", max_digits=5, decimal_places=2, null=True)
    resolution_rate = models.DecimalField("解决率", max_digits=5, decimal_places=2, null=True)
    satisfaction_rate = models.DecimalField("满意率", max_digits=5, decimal_places=2, null=True)
    score = models.DecimalField("综合得分", max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField("排名")
    group_size = models.PositiveIntegerField("参评单位数")
    prev_score = models.DecimalField("上月得分", max_digits=5, decimal_places=2, null=True)
    prev_rank = models.PositiveIntegerField("上月排名", null=True)
    klass = models.CharField("类别", max_length=20, blank=True, default="")
    called_out = models.BooleanField("点名", default=False)
    whistle_calls = models.PositiveIntegerField("被吹哨次数", default=0)
    report_in_missed = models.PositiveIntegerField("超时未报到", default=0)
    rated = models.PositiveIntegerField("街乡评价数", default=0)
    avg_stars = models.DecimalField("平均星级", max_digits=3, decimal_places=2, null=True)
    two_way_score = models.DecimalField("双向考核得分", max_digits=5, decimal_places=2, null=True)
    corrected = models.BooleanField("经申诉更正", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "考核成绩"
        ordering = ["month", "group", "rank", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["month", "unit"], name="one_scorecard_per_unit_month")]
        indexes = [models.Index(fields=["month", "group", "rank"], name="scorecard_ranking")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.unit_id} {self.score}"

    @property
    def group_label(self):
        from assessment.monthly.choices import RankGroup

        return RankGroup(self.group).label

    @property
    def klass_label(self):
        from assessment.monthly.choices import RankClass

        return RankClass(self.klass).label if self.klass else ""

    @property
    def score_change(self):
        return None if self.prev_score is None else self.score - self.prev_score

    @property
    def rank_change(self):
        """Positive when the unit moved up."""
        return None if self.prev_rank is None else self.prev_rank - self.rank


class ScorecardCorrection(models.Model):
    """A change of a frozen scorecard through a ruled appeal: before, after, who, when, why."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="corrections")
    appeal = models.ForeignKey("assessment.Appeal", on_delete=models.PROTECT, related_name="corrections")
    before = models.JSONField("更正前")
    after = models.JSONField("更正后")
    reason = models.TextField("更正原因")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField("更正时间")

    class Meta:
        verbose_name = verbose_name_plural = "成绩更正"
        ordering = ["corrected_at", "id"]

    def __str__(self):
        return f"更正 {self.scorecard}"


class Appeal(models.Model):
    """申诉: a unit contests one order's effect on its score in one month; the center rules."""

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.PROTECT, related_name="appeals")
    unit = models.ForeignKey("dispatch.Unit", on_delete=models.PROTECT, related_name="appeals")
    month = models.DateField("考核月")
    reason = models.TextField("申诉理由")
    status = models.CharField("状态", max_length=20, default="pending",
                              choices=[("pending", "待裁定"), ("granted", "申诉成立"), ("refused", "申诉不成立")])
    appealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appealed_at = models.DateTimeField("申诉时间")
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    ruled_at = models.DateTimeField("裁定时间", null=True, blank=True)
    ruling = models.TextField("裁定意见", blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "考核申诉"
        ordering = ["-appealed_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "unit", "month"],
                                    condition=Q(status__in=STANDING_APPEAL_STATUSES),
                                    name="one_open_appeal_per_order_unit_month"),
        ]

    def __str__(self):
        return f"{self.unit_id}申诉工单{self.ticket_id}"


class UnreasonableReview(models.Model):
    """The center's review of whether a request is unreasonable (不合理诉求); the order is still answered."""

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.PROTECT, related_name="unreasonable_reviews")
    unreasonable = models.BooleanField("认定为不合理诉求")
    reason = models.TextField("审核意见")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间")

    class Meta:
        verbose_name = verbose_name_plural = "不合理诉求审核"
        ordering = ["-reviewed_at"]

    def __str__(self):
        return f"工单{self.ticket_id}{'不合理' if self.unreasonable else '合理'}"


class Exclusion(models.Model):
    """An order taken out of assessment: for every unit and month (unreasonable request) or for one unit in one
    month (granted appeal)."""

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.PROTECT, related_name="exclusions")
    unit = models.ForeignKey("dispatch.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text="为空表示对所有承办单位核减")
    source = models.CharField("来源", max_length=20,
                              choices=[("unreasonable", "不合理诉求"), ("appeal", "申诉成立")])
    month = models.DateField("考核月", null=True, blank=True,
                             help_text="为空表示所有月份（不合理诉求）；申诉成立只核减申诉的月份")
    appeal = models.OneToOneField(Appeal, null=True, blank=True, on_delete=models.PROTECT, related_name="exclusion")
    review = models.OneToOneField(UnreasonableReview, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="exclusion")
    created_at = models.DateTimeField("核减时间")

    class Meta:
        verbose_name = verbose_name_plural = "核减工单"
        indexes = [models.Index(fields=["ticket", "unit"], name="exclusion_lookup")]

    def __str__(self):
        return f"核减工单{self.ticket_id}"


class AssessedOrder(models.Model):
    """One (unit, order) pair a month close counted, with the flags it was counted by: the drill-down's rows.

    Derived data, rewritten by every computation of the month (month_close.close_month) and corrected with its
    scorecard (a granted appeal); so the drill-down lists exactly the orders behind the figures shown, and reads
    a page of them through the key (month, unit, received_at) instead of recomputing the month. No foreign-key
    constraints: a close writes a month's 1.7 million rows at once, and orders and units are never deleted."""

    pk = models.CompositePrimaryKey("month", "unit", "received_at", "ticket")
    month = models.DateField("考核月")
    unit = models.ForeignKey("dispatch.Unit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="+")
    received_at = models.DateTimeField("受理时间")
    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    reached = models.BooleanField("回访接通", null=True)
    resolved = models.BooleanField("已解决", null=True)
    satisfaction = models.CharField("满意度", max_length=20, null=True)  # noqa: DJ001 (NULL: no callback, as reached)
    overdue = models.BooleanField("超期")
    in_time = models.BooleanField("按时联系")
    caller_denied = models.BooleanField("诉求人称未被联系")
    excluded = models.BooleanField("核减")

    class Meta:
        verbose_name = verbose_name_plural = "考核工单明细"

    def __str__(self):
        return f"{self.month:%Y-%m} 单位{self.unit_id} 工单{self.ticket_id}"


class HotspotAlert(models.Model):
    """七天一预警: one catalog leaf rising unusually in one street (last 7 days vs the previous 4 weeks)."""

    computed_on = models.DateField("预警日期", db_index=True)
    street = models.ForeignKey("dispatch.Unit", on_delete=models.CASCADE, related_name="+")
    catalog_item = models.ForeignKey("dispatch.CatalogItem", on_delete=models.CASCADE, related_name="+")
    last7 = models.PositiveIntegerField("近7天")
    weekly_avg = models.DecimalField("前4周周均", max_digits=8, decimal_places=2)
    ratio = models.DecimalField("倍数", max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "七天一预警"
        ordering = ["-computed_on", "-ratio"]
        constraints = [models.UniqueConstraint(fields=["computed_on", "street", "catalog_item"],
                                               name="one_alert_per_day_street_item")]

    def __str__(self):
        return f"{self.computed_on} {self.street_id}/{self.catalog_item_id} ×{self.ratio}"


from assessment.clock.models import Clock, Heartbeat, Notification, NotificationKind, Outbox  # noqa: E402,F401  (clocks live apart)
