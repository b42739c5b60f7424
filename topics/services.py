"""The writes of 每月一题: pick (draft), start, report progress (text and photos), close with a summary.

Every step runs in one transaction with the topic's row locked, passes topics/checks.py, changes state only through
the model's django-fsm transitions and writes its TopicEvent in the same transaction. Photos are checked by
attachments/validation.py before anything is written and removed again if the step fails."""

import uuid
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from attachments.services import describe, discarded_on_failure, save_file
from attachments.validation import check_uploads
from core.errors import InvalidInput, NotFoundInScope, every_input
from core.permissions import require_role
from dispatch.choices import UnitKind
from dispatch.models import CatalogItem

from . import checks
from .models import Topic, TopicEvent, TopicPhoto, TopicReport
from .selectors import visible_topics

TITLE_MAX = 100
TEXT_MAX = 2000


def record_event(topic, action, *, actor, now, note="", data=None, from_status=None):
    return TopicEvent.objects.create(
        topic=topic, actor=actor, actor_unit_id=actor.unit_id, action=action,
        from_status=from_status if from_status is not None else topic.status, to_status=topic.status,
        note=note, data=data or {}, created_at=now)


@contextmanager
def locked_topic(topic_id, actor):
    """A transaction with the topic's row locked; a topic the actor may not see is 'not found'."""
    with transaction.atomic():
        topic = Topic.objects.select_for_update().filter(pk=topic_id).first()
        if topic is None or not visible_topics(actor).filter(pk=topic.pk).exists():
            raise NotFoundInScope("题目不存在或不在您的权限范围内")
        yield topic


def _text(value, field, label, limit):
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{label}不能为空", field=field)
    if len(value) > limit:
        raise InvalidInput(f"{label}不能超过 {limit} 字（现为 {len(value)} 字）", field=field)
    return value


def _deadline(deadline, today):
    if deadline is None:
        raise InvalidInput("请填写完成时限", field="deadline")
    if deadline < today:
        raise InvalidInput("完成时限不能早于今天", field="deadline")
    return deadline


def _streets(streets):
    if not streets:
        raise InvalidInput("请至少选择一个涉及的街乡镇", field="streets")
    wrong = [s.name for s in streets if s.kind != UnitKind.STREET]
    if wrong:
        raise InvalidInput(f"「{'、'.join(wrong)}」不是街乡镇", field="streets")
    return list(streets)


def _leaves(item_ids):
    items = list(CatalogItem.objects.filter(pk__in=item_ids, level=3)) if item_ids else []
    if not items or len(items) != len(set(item_ids)):
        raise InvalidInput("请选择派单目录中的三级事项", field="catalog_items")
    return items


def _lead_unit(unit):
    if unit is None:
        raise InvalidInput("请选择牵头单位", field="lead_unit")
    return unit


def create_topic(actor, *, month, title, goal, lead_unit, streets, item_ids, deadline, now=None):
    """选题: the leader names a problem of the month's top problems as a topic (a draft until started)."""
    require_role(actor, "manage_topics", "只有市领导可以选定每月一题")
    now = now or timezone.now()
    title, goal, lead_unit, streets, items, deadline = every_input(
        lambda: _text(title, "title", "题目", TITLE_MAX), lambda: _text(goal, "goal", "治理目标", TEXT_MAX),
        lambda: _lead_unit(lead_unit), lambda: _streets(streets), lambda: _leaves(item_ids),
        lambda: _deadline(deadline, timezone.localdate(now)))
    with transaction.atomic():
        topic = Topic.objects.create(month=month, title=title, goal=goal, lead_unit=lead_unit, deadline=deadline,
                                     created_by=actor, created_at=now)
        topic.streets.set(streets)
        topic.catalog_items.set(items)
        record_event(topic, "create", actor=actor, now=now, from_status="",
                     note=f"选定{month.year}年{month.month}月题目「{title}」，牵头单位{lead_unit.name}，"
                          f"涉及{len(streets)}个街乡镇，完成时限{deadline:%Y-%m-%d}",
                     data={"streets": [s.pk for s in streets], "catalog_items": [i.pk for i in items]})
    return topic


def start_topic(actor, topic_id, *, now=None):
    """启动: the units involved see the topic and may report."""
    now = now or timezone.now()
    with locked_topic(topic_id, actor) as topic:
        checks.check_can_start(actor, topic)
        before = topic.status
        topic.start(now)
        topic.save()
        record_event(topic, "start", actor=actor, now=now, from_status=before, note="启动，交牵头单位和街乡镇推进")
    return topic


def report_progress(actor, topic_id, *, text, photos=(), now=None):
    """进展报告: the lead unit or a street involved reports what it did, with photos (checked, re-encoded)."""
    now = now or timezone.now()
    text, checked = every_input(lambda: _text(text, "text", "进展情况", TEXT_MAX),
                                lambda: check_uploads(photos, (), photo_field="photos"))
    with discarded_on_failure() as stored, locked_topic(topic_id, actor) as topic:
        checks.check_can_report(actor, topic)
        report = TopicReport.objects.create(topic=topic, unit_id=actor.unit_id, author=actor, text=text,
                                            created_at=now)
        rows = []
        for item in checked:
            key = f"topics/{topic.pk}/{now:%Y%m}/{uuid.uuid4().hex}"
            rows.append(TopicPhoto(
                report=report, file=save_file(f"{key}.{item.extension}", item.content, stored),
                thumbnail=save_file(f"{key}-thumb.jpg", item.thumbnail, stored) if item.thumbnail else "",
                original_name=item.original_name, size=len(item.content), sha256=item.sha256))
        TopicPhoto.objects.bulk_create(rows)
        words = f"（{describe(checked)}）" if checked else ""
        record_event(topic, "report", actor=actor, now=now, note=f"进展报告{words}：{text[:200]}",
                     data={"report": report.pk, "photos": len(rows)})
    return report


def close_topic(actor, topic_id, *, summary, now=None):
    """结题: the leader closes the topic with a summary."""
    now = now or timezone.now()
    summary = _text(summary, "summary", "结题总结", TEXT_MAX)
    with locked_topic(topic_id, actor) as topic:
        checks.check_can_close(actor, topic)
        before = topic.status
        topic.close(summary, now)
        topic.save()
        record_event(topic, "close", actor=actor, now=now, from_status=before, note=f"结题：{summary[:200]}")
    return topic
