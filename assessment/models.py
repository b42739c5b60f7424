from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import LimitKey, LimitUnit
from .deadlines import Limit


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
        "预警比例", max_digits=3, decimal_places=2, default=Decimal("0.75"), help_text="到达时限的该比例时预警，如0.75"
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
