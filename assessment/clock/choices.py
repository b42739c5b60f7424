from django.db import models


class LimitUnit(models.TextChoices):
    HOURS = "hours", "小时"
    DAYS = "days", "自然日"
    WORKING_DAYS = "working_days", "工作日"


class LimitKey(models.TextChoices):
    """What a limit measures. Tier keys end in the tier value (dispatch.choices.Tier); dispatch keys in the dispatch
    level, an urgency value (hotline.choices.Urgency). Which tier and level an order gets: dispatch/tiers.py."""

    RESPONSE_2H = "response:2h", "联系诉求人时限（2小时级）"
    RESPONSE_24H = "response:24h", "联系诉求人时限（24小时级）"
    RESPONSE_7D = "response:7d", "联系诉求人时限（7天级）"
    RESPONSE_15D = "response:15d", "联系诉求人时限（15天级）"
    COMPLETE_2H = "complete:2h", "办结时限（2小时级）"
    COMPLETE_24H = "complete:24h", "办结时限（24小时级）"
    COMPLETE_7D = "complete:7d", "办结时限（7天级）"
    COMPLETE_15D = "complete:15d", "办结时限（15天级）"
    DISPATCH_EMERGENCY = "dispatch:emergency", "派单时限（紧急）"
    DISPATCH_URGENT = "dispatch:urgent", "派单时限（较急）"
    DISPATCH_NORMAL = "dispatch:normal", "派单时限（一般）"
    DISPATCH_COMPLEX = "dispatch:complex", "派单时限（疑难）"
    SIGN = "sign", "签收时限"
    WHISTLE_REPORT_IN = "whistle_report_in", "吹哨报到时限"
    WHISTLE_COMPLETE = "whistle_complete", "吹哨办结时限"


def response_key(tier):
    return f"response:{tier}"


def complete_key(tier):
    return f"complete:{tier}"


def dispatch_key(level):
    """The dispatch limit of a dispatch level (dispatch/tiers.py dispatch_level), e.g. dispatch:urgent."""
    return f"dispatch:{level}"
