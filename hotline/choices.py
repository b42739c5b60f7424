from django.db import models


class Channel(models.TextChoices):
    PHONE = "phone", "电话"
    WEB = "web", "首都之窗网站"
    WECHAT = "wechat", "微信"
    WEIBO = "weibo", "微博"
    APP = "app", "北京通APP"
    LEADER_MESSAGE = "leader_message", "领导留言板"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", "紧急"
    URGENT = "urgent", "较急"
    NORMAL = "normal", "一般"
    COMPLEX = "complex", "疑难"


class Status(models.TextChoices):
    RECEIVED = "received", "已受理"
    ANSWERED = "answered", "已直接答复"
    DISPATCHED = "dispatched", "已派单"
    RETURNED = "returned", "已退单待裁定"
    SIGNED = "signed", "已签收"
    IN_PROGRESS = "in_progress", "办理中（已联系诉求人）"
    COMPLETED = "completed", "已办结待回访"
    CALLBACK = "callback", "已回访"
    CLOSED = "closed", "已结案"
    MERGED = "merged", "已并入原工单"


# Status groups: every list of statuses the code asks about, here and nowhere else.
OPEN_STATUSES = [Status.DISPATCHED, Status.RETURNED, Status.SIGNED, Status.IN_PROGRESS]  # with a unit, not done
UNSIGNED_STATUSES = [Status.DISPATCHED, Status.RETURNED]  # the lead's sign clock runs
UNCONTACTED_STATUSES = [*UNSIGNED_STATUSES, Status.SIGNED]  # the response clock runs
HANDLING_STATUSES = [Status.SIGNED, Status.IN_PROGRESS]  # signed, not completed: whistles, the 办理中 tab
AWAITING_DISPATCH_STATUSES = [Status.RECEIVED, Status.RETURNED]  # the dispatcher's queue
AWAITING_CALLBACK_STATUSES = [Status.COMPLETED, Status.ANSWERED]  # the callback queue
# The stages a later request can be merged into its original from (重复诉求并单), and so return to on an unmerge.
MERGEABLE_STATUSES = [status for status in Status if status not in (Status.CLOSED, Status.MERGED)]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class FeedbackMethod(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "上门/现场"
    SMS = "sms", "短信"
    WECHAT = "wechat", "微信"


class CallerEntitlement(models.TextChoices):
    """Why a user must call the caller on this order now, and so may see the full number (hotline/privacy.py)."""

    INTAKE = "intake", "受理话务员（受理后派单前）"
    LEAD = "lead", "主办单位（办理中）"
    CALLBACK = "callback", "回访员（待回访）"


CONTENT_MAX_LENGTH = 2000  # 诉求内容: a call's gist, not a whole letter (the suggesters read as much)


class ExportStatus(models.TextChoices):
    """A list export's progress: small lists are written in the request (DONE at once); longer ones queue for a
    reports worker (hotline/tasks.py build_list_export) and are downloaded from 我的导出."""

    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
