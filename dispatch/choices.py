from django.db import models


def sql_list(values):
    """A group of choice values as an SQL list, e.g. ('dispatched', 'signed'): raw SQL names groups, not literals."""
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


class UnitKind(models.TextChoices):
    CENTER = "center", "市民热线服务中心"
    DISTRICT = "district", "区"
    STREET = "street", "街乡镇"
    DEPARTMENT = "department", "市级部门"
    ENTERPRISE = "enterprise", "公共服务企业"
    ZONE = "zone", "开发区"


class DivisionKind(models.TextChoices):
    """The kind of a township-level unit as the statistics bureau names it."""

    STREET = "street", "街道"
    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    AREA = "area", "地区"
    ZONE = "zone", "开发区"
    NONE = "", "—"


class Tier(models.TextChoices):
    """四级响应: the response tier of an order; ordered from most to least urgent.

    Which tier an order gets (leaf × urgency), and the order of the tiers: dispatch/tiers.py.
    """

    H2 = "2h", "2小时"
    H24 = "24h", "24小时"
    D7 = "7d", "7天"
    D15 = "15d", "15天"


class DispatchClass(models.TextChoices):
    """What a catalog leaf is for the center's dispatch limit (派单时限); how it combines with the urgency:
    dispatch/tiers.py dispatch_level."""

    EMERGENCY = "emergency", "突发事件（派单时限同紧急）"
    UTILITIES = "utilities", "水电气热、极端天气（派单时限同较急）"
    NONE = "", "一般（派单时限按紧急程度）"


class RequestType(models.TextChoices):
    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"
    PRAISE = "praise", "表扬"


class Responsible(models.TextChoices):
    """Who a catalog leaf is dispatched to."""

    STREET = "street", "属地街乡镇（按事发地址）"
    UNIT = "unit", "指定部门或企业"


class Role(models.TextChoices):
    AGENT = "agent", "话务员"
    DISPATCHER = "dispatcher", "派单员"
    CALLBACK_AGENT = "callback_agent", "回访员"
    STREET_STAFF = "street_staff", "街乡镇接诉即办专班"
    STREET_LEADER = "street_leader", "街乡镇领导"
    DEPARTMENT_STAFF = "department_staff", "部门/企业工作人员"
    DISTRICT_SUPERVISOR = "district_supervisor", "区督办员"
    CITY_LEADER = "city_leader", "市领导"
    ADMIN = "admin", "系统管理员"
    AUDITOR = "auditor", "审计员"  # reads who viewed callers' full numbers (hotline.CallerReveal)
