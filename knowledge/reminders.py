"""The daily reminders (knowledge/tasks.py, beat at 05:00): expire the published versions whose 失效日期 passed, then
tell each owning unit, in its inbox, which of its published articles are due for review (复审日期 reached) or lapse
within EXPIRY_NOTICE_DAYS. A notice is not repeated while the unit has the same one unread; each is in the trail."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessment.models import Notification
from assessment.models import NotificationKind as Kind

from .choices import VersionStatus
from .models import ArticleEvent, ArticleVersion
from .services import expire_lapsed, now_or

EXPIRY_NOTICE_DAYS = 14


def due_versions(today):
    """Published versions whose review is due or that lapse within EXPIRY_NOTICE_DAYS (the two partial indexes)."""
    soon = today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)
    return (ArticleVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .filter(Q(review_due__lte=today) | Q(valid_to__lte=soon))
            .select_related("article__owner").order_by("pk"))


def notice_for(version, today):
    """(kind, text) of the reminder a version needs: lapsing soon weighs more than a review date."""
    soon = today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)
    if version.valid_to and version.valid_to <= soon:
        days = (version.valid_to - today).days
        when = "今天" if days == 0 else f"{days}天后"
        return Kind.KB_EXPIRING, f"知识库条目「{version.title}」将于{when}（{version.valid_to}）失效，请更新或确认停用"
    return Kind.KB_REVIEW_DUE, f"知识库条目「{version.title}」复审日期{version.review_due}已到，请复核内容后更新"


def send_reminders(now=None):
    """Expire, then remind. Returns (expired, notices written)."""
    now = now_or(now)
    expired = expire_lapsed(now)
    today = timezone.localdate(now)
    versions = list(due_versions(today))
    unread = set(Notification.objects.filter(
        article_id__in=[v.article_id for v in versions], read_at__isnull=True,
        kind__in=[Kind.KB_EXPIRING, Kind.KB_REVIEW_DUE]).values_list("article_id", "kind"))
    written = 0
    with transaction.atomic():
        for version in versions:
            kind, text = notice_for(version, today)
            if (version.article_id, kind) in unread:
                continue
            Notification.objects.create(recipient_id=version.article.owner_id, article_id=version.article_id,
                                        kind=kind, text=text[:300], created_at=now)
            ArticleEvent.objects.create(article_id=version.article_id, version=version, action="flag",
                                        from_status=version.status, to_status=version.status, note=text,
                                        created_at=now)
            written += 1
    return expired, written
