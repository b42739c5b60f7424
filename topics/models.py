"""每月一题 / 未诉先办: a problem the leader picks from the month's top problems, led by one unit with the streets
involved, a goal and a deadline; units report progress (text and photos); it closes with a summary.
State changes only through topics/services.py (row lock, FSM transition, TopicEvent in the same transaction)."""

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition


class TopicStatus(models.TextChoices):
    DRAFT = "draft", "待启动"
    IN_PROGRESS = "in_progress", "推进中"
    CLOSED = "closed", "已结题"


class Topic(FSMModelMixin, models.Model):
    month = models.DateField("选题月份")  # the first day of the month whose top problems it came from
    title = models.CharField("题目", max_length=100)
    goal = models.TextField("治理目标")
    lead_unit = models.ForeignKey("dispatch.Unit", verbose_name="牵头单位", on_delete=models.PROTECT,
                                  related_name="+")
    streets = models.ManyToManyField("dispatch.Unit", verbose_name="涉及街乡镇", related_name="topics_involved")
    catalog_items = models.ManyToManyField("dispatch.CatalogItem", verbose_name="派单目录", related_name="+")
    deadline = models.DateField("完成时限")
    status = FSMField("状态", default=TopicStatus.DRAFT, choices=TopicStatus.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("选题时间")
    started_at = models.DateTimeField("启动时间", null=True, blank=True)
    closed_at = models.DateTimeField("结题时间", null=True, blank=True)
    summary = models.TextField("结题总结", blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "每月一题"
        ordering = ["-month", "-id"]

    def __str__(self):
        return f"{self.month:%Y年%m月} {self.title}"

    @transition(field=status, source=TopicStatus.DRAFT, target=TopicStatus.IN_PROGRESS)
    def start(self, now):
        self.started_at = now

    @transition(field=status, source=TopicStatus.IN_PROGRESS, target=TopicStatus.CLOSED)
    def close(self, summary, now):
        self.summary = summary
        self.closed_at = now


class TopicReport(models.Model):
    """进展报告: what a unit did, with photos (topics/services.py report_progress)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("dispatch.Unit", verbose_name="报告单位", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("进展情况")
    created_at = models.DateTimeField("报告时间")

    class Meta:
        verbose_name = verbose_name_plural = "每月一题进展"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.unit} {self.created_at:%Y-%m-%d}"


class TopicPhoto(models.Model):
    """A report's photo, checked and re-encoded by attachments/validation.py (metadata dropped, thumbnail beside);
    read only through topics/views.py photo (the topic's scope check)."""

    report = models.ForeignKey(TopicReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("文件", max_length=200)
    thumbnail = models.FileField("缩略图", max_length=200, blank=True, default="")
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "每月一题照片"
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class TopicEvent(models.Model):
    """The topic's audit trail, as TicketEvent is the order's: who did what, when, from which state to which."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    actor_unit = models.ForeignKey("dispatch.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    action = models.CharField("动作", max_length=40)
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20, blank=True, default="")
    note = models.TextField("说明", blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "每月一题事件"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
