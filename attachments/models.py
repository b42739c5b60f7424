"""Photos and documents on an order: stored through Django's storage API, read only through attachments/views.py."""

from django.conf import settings
from django.db import models


class Stage(models.TextChoices):
    INTAKE = "intake", "受理"
    CONTACT = "contact", "联系诉求人"
    HANDLING = "handling", "办理中"
    COMPLETE = "complete", "办结"


ON_SITE_STAGES = (Stage.CONTACT, Stage.HANDLING, Stage.COMPLETE)  # what a unit took on site (intake: the caller's)


class Kind(models.TextChoices):
    PHOTO = "photo", "照片"
    DOCUMENT = "document", "文件"


class Attachment(models.Model):
    """One stored file. Photos are re-encoded (resized, metadata such as GPS dropped) with a thumbnail beside;
    documents are kept as uploaded. sha256 is the stored file's, so what is kept can be verified."""

    # Read by order (the ticket page) and by the event it came with; the ticket index serves both.
    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey("hotline.TicketEvent", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="attachments", db_index=False)
    stage = models.CharField("环节", max_length=10, choices=Stage.choices)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    file = models.FileField("文件", max_length=200)
    thumbnail = models.FileField("缩略图", max_length=200, blank=True, default="")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("内容类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    db_index=False)
    unit = models.ForeignKey("dispatch.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_photo(self):
        return self.kind == Kind.PHOTO
