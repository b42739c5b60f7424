import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from assessment.clock import overdue
from dispatch.choices import RequestType, Role, Tier

from . import privacy
from .choices import (
    AWAITING_CALLBACK_STATUSES,
    AWAITING_DISPATCH_STATUSES,
    MERGEABLE_STATUSES,
    OPEN_STATUSES,
    CallerEntitlement,
    Channel,
    ExportStatus,
    FeedbackMethod,
    Satisfaction,
    Status,
    Urgency,
)


def any_status(statuses):
    """status = a OR status = b …: a partial index condition PostgreSQL prints back the same after the generator's
    bulk load drops and recreates it (an IN list comes back re-cast); it serves ``status IN (…)`` all the same."""
    return functools.reduce(operator.or_, (Q(status=status) for status in statuses))


def ticket_number(received_at, pk):
    """The number people quote: the Beijing date of receipt plus the id, e.g. 20261122-1234."""
    return f"{timezone.localtime(received_at):%Y%m%d}-{pk}"


class Ticket(FSMModelMixin, models.Model):
    """One citizen request, one order from intake to close (一单到底). Transitions only change fields."""

    status = FSMField("状态", default=Status.RECEIVED, choices=Status.choices, protected=True, db_index=True)
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    caller_phone = models.CharField("诉求人电话", max_length=20)  # indexed in Meta: equality only, no _like twin
    caller_name = models.CharField("诉求人姓名", max_length=50, blank=True, default="")
    address = models.CharField("事发地址", max_length=200)
    district = models.ForeignKey("dispatch.Unit", verbose_name="区", on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(  # indexed first in ticket_street_time (Meta), which serves street = alone too
        "dispatch.Unit", verbose_name="街乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    content = models.TextField("诉求内容")
    request_type = models.CharField("诉求类型", max_length=20, choices=RequestType.choices)
    urgency = models.CharField("紧急程度", max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    catalog_item = models.ForeignKey(  # indexed in Meta with the street and the time (ticket_leaf_street_time)
        "dispatch.CatalogItem", verbose_name="派单目录", on_delete=models.PROTECT, related_name="tickets",
        db_index=False,
    )
    tier = models.CharField("响应级别", max_length=4, choices=Tier.choices)
    tier_reason = models.CharField("调整响应级别理由", max_length=200, blank=True, default="")
    lead_unit = models.ForeignKey(  # indexed first in ticket_worklist (Meta), which serves lead_unit = alone too
        "dispatch.Unit", verbose_name="主办单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    repeat_of = models.ForeignKey(
        "self", verbose_name="重复诉求之原工单", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats"
    )
    answer = models.TextField("直接答复内容", blank=True, default="")
    # 直接答复's ground: the knowledge-base version the agent answered from (kept when the article changes later)
    cited_article_version = models.ForeignKey(
        "knowledge.ArticleVersion", verbose_name="依据知识库版本", null=True, blank=True, on_delete=models.PROTECT,
        related_name="cited_by",
    )
    result = models.TextField("办理结果（向热线反馈）", blank=True, default="")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受理人", on_delete=models.PROTECT, related_name="+"
    )
    # An integration's retry key, unique per user; the fingerprint is a digest of what that request asked for.
    # NULL without a key: keyless orders stay out of the constraint, bulk-generated rows need not name the columns.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    idempotency_fingerprint = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    rehandle_count = models.PositiveSmallIntegerField("重办次数", default=0)
    # Milestones: stored so that SLA clocks and monthly assessment are SQL over columns.
    received_at = models.DateTimeField("受理时间")
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    contact_due_at = models.DateTimeField("联系诉求人时限", null=True, blank=True)
    contacted_at = models.DateTimeField("联系诉求人时间", null=True, blank=True)
    due_at = models.DateTimeField("办结时限", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    callback_at = models.DateTimeField("回访时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工单"
        indexes = [
            # every list newest first; with the columns a month's volumes count by (assessment/monthly/hotspots.py
            # MONTH_VOLUMES_SQL, 七天一预警), which then read the index alone, not the month's rows
            models.Index(fields=["received_at"], name="ticket_received_at",
                         include=["catalog_item", "district", "street", "repeat_of"]),
            models.Index(fields=["lead_unit", "status", "due_at"], name="ticket_worklist"),
            models.Index(fields=["street", "received_at"], name="ticket_street_time"),
            # a leaf's orders at some streets over some weeks (每月一题's weekly chart, topics/selectors.py), and
            # the leaf's foreign key
            models.Index(fields=["catalog_item", "street", "received_at"], name="ticket_leaf_street_time"),
            # caller history, repeats, phone search: always caller_phone = / IN (hotline/privacy.py phone_forms)
            models.Index(fields=["caller_phone"], name="ticket_caller_phone"),
            # the center's lists, each in its own order over only the rows it shows (partial on its statuses)
            models.Index(fields=["received_at", "id"], name="ticket_dispatch_queue",
                         condition=any_status(AWAITING_DISPATCH_STATUSES)),
            models.Index(fields=["completed_at", "id"], name="ticket_awaiting_callback",
                         condition=any_status(AWAITING_CALLBACK_STATUSES)),
            models.Index(fields=["callback_at", "id"], name="ticket_callback_decisions",
                         condition=Q(status=Status.CALLBACK)),
            models.Index(fields=["due_at", "id"], name="ticket_open_due", condition=any_status(OPEN_STATUSES)),
            # The month close's overdue candidates (assessment/monthly/scorecards.py CANDIDATES_SQL); with the
            # columns the big screen's overdue count of the day reads (bigscreen/selectors.py TALLY_SQL).
            models.Index(fields=["due_at"], name="ticket_late_due",
                         include=["received_at", "completed_at", "district", "street", "dispatched_at"],
                         condition=Q(completed_at__isnull=True) | Q(completed_at__gt=F("due_at"))),
            # The month close's pairs read the recent orders' facts from this index alone, not their wide rows
            # (assessment/monthly/scorecards.py MONTH_PAIRS_SQL; at a year 1.6 GB of rows against 0.2 GB)
            models.Index(fields=["id"], name="ticket_assessment_facts",
                         include=["received_at", "due_at", "completed_at", "contacted_at", "contact_due_at"],
                         condition=Q(repeat_of__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["received_by", "idempotency_key"], name="idempotency_key_per_user",
                                    condition=Q(idempotency_key__isnull=False)),
        ]

    def __str__(self):
        return f"{self.number} {self.shown_content[:20]}"

    @property
    def number(self):
        """The ticket number people quote: receipt date plus id, e.g. 20261122-1234."""
        return ticket_number(self.received_at, self.pk)

    def overdue_at(self, now):
        """Completed after its deadline, or still undone past it (the rule: assessment.clock.overdue)."""
        return overdue.is_overdue(self.due_at, self.completed_at, now)

    @property
    def is_overdue(self):
        return self.overdue_at(timezone.now())

    @property
    def masked_phone(self):
        return privacy.mask_phone(self.caller_phone)

    @property
    def shown_content(self):
        """The content as pages and the API show it: phone numbers in it masked."""
        return privacy.mask_numbers(self.content)

    @property
    def masked_name(self):
        return privacy.mask_name(self.caller_name)

    # --- lifecycle (transitions change fields only; services lock, check, audit)
    @transition(field=status, source=Status.RECEIVED, target=Status.ANSWERED)
    def answer_directly(self, answer, now, cited_version=None):
        self.answer = answer
        self.cited_article_version = cited_version
        self.completed_at = now

    @transition(field=status, source=Status.RECEIVED, target=Status.DISPATCHED)
    def dispatch(self, lead_unit, now):
        self.lead_unit = lead_unit
        self.dispatched_at = now

    @transition(field=status, source=Status.DISPATCHED, target=Status.RETURNED)
    def return_order(self, now):
        """The lead unit's return; the ticket waits for the center's ruling."""

    @transition(field=status, source=Status.RETURNED, target=Status.DISPATCHED)
    def redispatch(self, lead_unit, now):
        self.lead_unit = lead_unit
        self.dispatched_at = now

    @transition(field=status, source=Status.DISPATCHED, target=Status.SIGNED)
    def sign(self, now):
        self.signed_at = now

    @transition(field=status, source=Status.SIGNED, target=Status.IN_PROGRESS)
    def contact(self, now):
        self.contacted_at = now

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.COMPLETED)
    def complete(self, result, now):
        self.result = result
        self.completed_at = now

    @transition(field=status, source=[Status.COMPLETED, Status.ANSWERED], target=Status.CALLBACK)
    def record_callback(self, now):
        self.callback_at = now

    @transition(field=status, source=Status.CALLBACK, target=Status.CLOSED)
    def close(self, now):
        self.closed_at = now

    @transition(field=status, source=Status.CALLBACK, target=Status.DISPATCHED)
    def rehandle(self, now):
        """Back to the same lead unit: it signs, contacts and completes again."""
        self.rehandle_count += 1
        self.dispatched_at = now
        self.signed_at = self.contacted_at = self.completed_at = self.callback_at = None

    @transition(field=status, source=MERGEABLE_STATUSES, target=Status.MERGED)
    def merge_into(self, original, now):
        """A later request of the same matter joins its original; its milestones stay as they were."""
        self.repeat_of = original

    @transition(field=status, source=Status.MERGED, target=RETURN_VALUE(*MERGEABLE_STATUSES))
    def unmerge(self, restore_status, now):
        """The merge is undone: back to the stage the order was merged from."""
        self.repeat_of = None
        return restore_status


class TicketEvent(models.Model):
    """The audit trail: who did what to which order, when and why."""

    # Only ever read by order (the timeline, the last merge): ticket_id is the one index besides the key. Actor,
    # unit and time are not indexed: no query selects events by them, and users and units are never deleted.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_unit = models.ForeignKey("dispatch.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)
    action = models.CharField("动作", max_length=40)
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20, blank=True, default="")
    note = models.TextField("说明", blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "工单事件"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class Callback(models.Model):
    """回访: the hotline asks the caller after completion. The latest one per ticket counts."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="callbacks")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reached = models.BooleanField("联系上诉求人", default=True)
    contacted = models.BooleanField("承办单位是否联系过您", null=True)
    resolved = models.BooleanField("问题是否解决", null=True)
    satisfaction = models.CharField("满意度", max_length=20, choices=Satisfaction.choices, blank=True, default="")
    note = models.TextField("回访记录", blank=True, default="")
    created_at = models.DateTimeField("回访时间")

    class Meta:
        verbose_name = verbose_name_plural = "回访记录"
        indexes = [models.Index(fields=["created_at"], name="callback_month")]  # a month's callbacks (month close)
        constraints = [
            models.CheckConstraint(
                condition=Q(reached=False) | ~Q(satisfaction=""), name="answered_callback_has_satisfaction"
            )
        ]

    def __str__(self):
        return f"回访 {self.created_at:%Y-%m-%d %H:%M}"


class CallerFeedback(models.Model):
    """双反馈 part one: what the handling unit told the caller, how and when."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="caller_feedbacks")
    unit = models.ForeignKey("dispatch.Unit", on_delete=models.PROTECT, related_name="+")
    method = models.CharField("告知方式", max_length=20, choices=FeedbackMethod.choices)
    told_at = models.DateTimeField("告知时间")
    summary = models.TextField("告知内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "诉求人反馈"

    def __str__(self):
        return f"{self.get_method_display()}告知 {self.told_at:%Y-%m-%d %H:%M}"


class CallerReveal(models.Model):
    """查看完整号码: who saw an order's caller number in full, when, in which role and unit, and on what ground
    (hotline/privacy.py caller_entitlement). Written by hotline/services/caller.py, read by the auditor."""

    ticket = models.ForeignKey(Ticket, verbose_name="工单", on_delete=models.PROTECT, related_name="caller_reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="查看人", on_delete=models.PROTECT,
                             related_name="+")
    role = models.CharField("岗位", max_length=30, choices=Role.choices)
    unit = models.ForeignKey("dispatch.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    basis = models.CharField("依据", max_length=20, choices=CallerEntitlement.choices)
    created_at = models.DateTimeField("查看时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "查看完整号码记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M} 查看工单{self.ticket_id}号码"


class SavedListFilter(models.Model):
    """A user's named filter of one list (its page's path and query string), offered above that list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_list_filters")
    list_path = models.CharField("列表", max_length=100)
    name = models.CharField("名称", max_length=40)
    query = models.CharField("筛选条件", max_length=1000)
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "常用筛选"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "list_path", "name"], name="saved_filter_name")]

    def __str__(self):
        return self.name

    @property
    def url(self):
        return f"{self.list_path}?{self.query}"


class ListExport(models.Model):
    """导出Excel: who exported which list of orders, with which filters, how many rows, when. Written by
    hotline/services/exports.py, read by the auditor (/audit/exports/). A longer list's export is queued: its file
    is written by a reports worker and downloaded by its owner alone from 我的导出 (/exports/)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.PROTECT,
                             related_name="+")
    role = models.CharField("岗位", max_length=30, choices=Role.choices)
    unit = models.ForeignKey("dispatch.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    list_path = models.CharField("列表地址", max_length=100)
    list_name = models.CharField("列表", max_length=60)
    query = models.CharField("筛选条件", max_length=1000, blank=True, default="")
    row_count = models.PositiveIntegerField("导出条数", null=True, blank=True)  # None until a queued one is written
    created_at = models.DateTimeField("导出时间", db_index=True)
    status = models.CharField("状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.DONE)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)  # a queued export's workbook
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    error = models.CharField("失败原因", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "列表导出记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="listexport_user_created")]

    def __str__(self):
        rows = "" if self.row_count is None else f" {self.row_count}条"
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M} 导出{self.list_name}{rows}"

    @property
    def pending(self):
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
