"""Choices of the monthly assessment: unit groups ranked, classes, appeal and close states."""

from django.db import models


class RankGroup(models.TextChoices):
    """The groups ranked separately (DOMAIN.md "Assessment"); values are dispatch.choices.UnitKind values."""

    STREET = "street", "街乡镇"
    DISTRICT = "district", "区"
    DEPARTMENT = "department", "市级部门"
    ENTERPRISE = "enterprise", "公共服务企业"
    ZONE = "zone", "开发区"


class RankClass(models.TextChoices):
    ADVANCED = "advanced", "先进类"
    IMPROVING = "improving", "进步类"
    RECTIFY = "rectify", "整改类"
    GOVERNANCE = "governance", "治理类"
    NONE = "", "—"


class CloseStatus(models.TextChoices):
    PROVISIONAL = "provisional", "试算"
    FROZEN = "frozen", "已发布（冻结）"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待裁定"
    GRANTED = "granted", "申诉成立"
    REFUSED = "refused", "申诉不成立"


STANDING_APPEAL_STATUSES = [AppealStatus.PENDING, AppealStatus.GRANTED]  # one per order, unit and month


class ExclusionSource(models.TextChoices):
    UNREASONABLE = "unreasonable", "不合理诉求"
    APPEAL = "appeal", "申诉成立"
