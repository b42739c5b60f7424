"""Stored deadlines (clocks) and what they send: in-app notifications and the SMS outbox.

Imported by assessment/models.py; kept apart so that scorecard models can grow there without collisions.
"""

from django.db import models
from django.db.models import Q

from assessment.clock.choices import LimitKey
from dispatch.choices import Role

OPEN = Q(stopped_at__isnull=True, paused_at__isnull=True)
OPEN_DISPATCH = Q(key__startswith="dispatch:", stopped_at__isnull=True, whistle_target__isnull=True)  # waiting


class Clock(models.Model):
    """One deadline of one unit on one order (or on one whistled department).

    Started by the transition that starts it, stopped by the one that meets it. The sweep claims a row once for the
    warning (warned_at) and once for the breach (breached_at); a paused clock (order returned, waiting for the
    center's ruling) is invisible to the sweep.
    """

    ticket = models.ForeignKey("hotline.Ticket", verbose_name="工单", on_delete=models.CASCADE, related_name="clocks")
    whistle_target = models.ForeignKey(
        "dispatch.WhistleTarget", verbose_name="吹哨报到", null=True, blank=True, on_delete=models.CASCADE,
        related_name="clocks",
    )
    key = models.CharField("时限项", max_length=30, choices=LimitKey.choices)
    unit = models.ForeignKey("dispatch.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField("起算时间")
    due_at = models.DateTimeField("到期时间")
    warn_at = models.DateTimeField("预警时间")
    warned_at = models.DateTimeField("已预警", null=True, blank=True)
    breached_at = models.DateTimeField("已超期", null=True, blank=True)
    stopped_at = models.DateTimeField("已停止", null=True, blank=True)
    paused_at = models.DateTimeField("暂停于", null=True, blank=True)
    policy_number = models.PositiveIntegerField("时限策略版本")

    class Meta:
        verbose_name = verbose_name_plural = "时限计时"
        indexes = [
            # The sweep's two scans: only rows still waiting for that step are in each index.
            models.Index(fields=["warn_at"], name="clock_pending_warn", condition=OPEN & Q(warned_at__isnull=True)),
            models.Index(fields=["due_at"], name="clock_pending_breach", condition=OPEN & Q(breached_at__isnull=True)),
            models.Index(fields=["unit", "due_at"], name="clock_open_unit_due", condition=Q(stopped_at__isnull=True)),
            # 督办 (deadlines_to_urge): running clocks, soonest first
            models.Index(fields=["due_at", "id"], name="clock_running_due", condition=OPEN),
            # The dispatcher's queue (assessment/clock/selectors.py open_dispatch_due): each waiting order's running
            # dispatch clock, found and read in the index alone
            models.Index(fields=["ticket", "-started_at"], name="clock_open_dispatch", include=["due_at"],
                         condition=OPEN_DISPATCH),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "key", "unit"], condition=Q(stopped_at__isnull=True, whistle_target__isnull=True),
                name="one_open_ticket_clock",
            ),
            models.UniqueConstraint(
                fields=["whistle_target", "key"], condition=Q(stopped_at__isnull=True), name="one_open_whistle_clock"
            ),
            models.CheckConstraint(condition=Q(warn_at__lte=models.F("due_at")), name="clock_warn_not_after_due"),
        ]

    def __str__(self):
        return f"{self.get_key_display()} {self.unit_id} 至{self.due_at:%Y-%m-%d %H:%M}"


class NotificationKind(models.TextChoices):
    WARN = "warn", "临期预警"
    BREACH = "breach", "超期"
    URGE = "urge", "督办"
    DISPATCH = "dispatch", "派单"
    REDISPATCH = "redispatch", "改派"
    ASSIST = "assist", "协办"
    WHISTLE_REQUEST = "whistle_request", "吹哨待审批"
    WHISTLE_CALL = "whistle_call", "吹哨报到"
    EXTENSION_DECIDED = "extension_decided", "延期审批结果"
    REHANDLE = "rehandle", "重办"
    CALLBACK_DUE = "callback_due", "待回访"
    KB_REVIEW_DUE = "kb_review_due", "知识库待复审"
    KB_EXPIRING = "kb_expiring", "知识库即将失效"


class Notification(models.Model):
    """An in-app message to every user of a unit (the unit's inbox), or, with ``recipient_role``, to the unit's users
    of that role alone (a whistle to approve: the street leader; an order to call back: the center's callback staff)."""

    recipient = models.ForeignKey("dispatch.Unit", verbose_name="接收单位", on_delete=models.CASCADE, related_name="+")
    recipient_role = models.CharField("接收角色", max_length=20, blank=True, default="", choices=Role.choices,
                                      help_text="空：单位全体用户")
    ticket = models.ForeignKey("hotline.Ticket", verbose_name="工单", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    # a knowledge-base notice (review due, expiring) names its article instead of an order
    article = models.ForeignKey("knowledge.Article", verbose_name="知识库条目", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField("类别", max_length=20, choices=NotificationKind.choices)
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_unread",
                         condition=Q(read_at__isnull=True)),
            models.Index(fields=["recipient", "-created_at"], name="notification_all"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ticket__isnull=False) | Q(article__isnull=False),
                                   name="notification_names_its_subject"),
        ]

    def __str__(self):
        return self.text

    @property
    def url(self):
        """Where 查看 leads: the order, or the knowledge-base article."""
        from django.urls import reverse

        if self.ticket_id:
            return reverse("hotline:ticket", args=[self.ticket_id])
        return reverse("knowledge:article", args=[self.article_id])


class Outbox(models.Model):
    """An SMS waiting for the gateway; the gateway resolves a blank phone to the unit's duty number."""

    unit = models.ForeignKey("dispatch.Unit", verbose_name="接收单位", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    phone = models.CharField("手机号", max_length=20, blank=True, default="")
    text = models.CharField("短信内容", max_length=300)
    created_at = models.DateTimeField("时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信待发"
        indexes = [models.Index(fields=["created_at"], name="outbox_unsent", condition=Q(sent_at__isnull=True))]

    def __str__(self):
        return self.text


class Heartbeat(models.Model):
    """When a periodic job last finished (the minute sweep): /healthz and /metrics read its age across processes."""

    name = models.CharField("任务", max_length=50, primary_key=True)
    at = models.DateTimeField("最近完成时间")

    class Meta:
        verbose_name = verbose_name_plural = "定时任务心跳"

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
