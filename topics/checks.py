"""The preconditions of each topic step, written once: services call them under the topic's row lock, pages call
them to decide which forms to show (topics/views.py allowed_steps)."""

from core.errors import InvalidTransition, NotPermitted
from core.permissions import require_role

from .models import TopicStatus

STATE_WORDS = {TopicStatus.DRAFT: "待启动", TopicStatus.IN_PROGRESS: "推进中", TopicStatus.CLOSED: "已结题"}


def _in_state(topic, status, step):
    if topic.status != status:
        raise InvalidTransition(f"该题目当前为「{STATE_WORDS[topic.status]}」，不能{step}")


def check_can_start(user, topic):
    require_role(user, "manage_topics", "只有市领导可以启动每月一题")
    _in_state(topic, TopicStatus.DRAFT, "启动")


def check_can_close(user, topic):
    require_role(user, "manage_topics", "只有市领导可以结题")
    _in_state(topic, TopicStatus.IN_PROGRESS, "结题")


def reporting_units(topic):
    """The units that report progress: the lead unit and the streets involved."""
    return {topic.lead_unit_id, *(street.pk for street in topic.streets.all())}


def check_can_report(user, topic):
    require_role(user, "report_topic", "您的岗位不能报告每月一题进展")
    if user.unit_id not in reporting_units(topic):
        raise NotPermitted("只有牵头单位和涉及的街乡镇可以报告进展")
    _in_state(topic, TopicStatus.IN_PROGRESS, "报告进展")


def may(check, user, topic):
    """True when the check passes (a page's question)."""
    try:
        check(user, topic)
    except (InvalidTransition, NotPermitted):
        return False
    return True
