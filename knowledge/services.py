"""Every write of the knowledge base: write and edit (a new version), submit, send back, publish, withdraw, expire.

Each change locks the article row, checks the actor through core/permissions.py plus the owning unit, runs the
version's FSM transition and writes an ArticleEvent in the same transaction; a change of the published set bumps
IndexGeneration there too, so every process rebuilds its search index (selectors.article_index)."""

import random
import secrets
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from core.errors import InvalidInput, InvalidTransition, NotFoundInScope, NotPermitted
from core.permissions import require_role, role_may
from dispatch.choices import UnitKind
from dispatch.models import Unit

from .choices import ACTION_LABELS, PENDING_STATUSES, SearchSource, VersionStatus
from .content import ArticleContent, check_content
from .models import Article, ArticleEvent, ArticleVersion, IndexGeneration, KnowledgeSearch


def now_or(now):
    return now or timezone.now()


# --- who may change what (pages ask the same functions before offering an action)
def may_write(user, article_or_owner_id):
    """The user's role writes articles and the article (or owner id) is the user's unit's."""
    owner_id = getattr(article_or_owner_id, "owner_id", article_or_owner_id)
    return role_may(user, "kb_write") and user.unit_id is not None and user.unit_id == owner_id


def may_publish(user, version):
    """The center reviews: a publisher's role, and not the author of this version (four eyes)."""
    return role_may(user, "kb_publish") and version.author_id != user.pk


def check_write(user, article_or_owner_id):
    require_role(user, "kb_write", "您的岗位不能编写知识库条目")
    if not may_write(user, article_or_owner_id):
        raise NotPermitted("只能编写、修改本单位维护的知识库条目")


def writable_owner(user):
    """The unit a user writes new articles for: their own unit (the center's staff: the center)."""
    require_role(user, "kb_write", "您的岗位不能编写知识库条目")
    if user.unit is None:
        raise NotPermitted("您的账号未关联单位，不能编写知识库条目")
    return user.unit


# --- the shared steps
def bump_index():
    """The published set changed: a fresh random stamp, so every process rebuilds its search index on its next
    search (random, not a counter: a rolled-back change must never leave a stamp that a later change repeats)."""
    stamp = random.getrandbits(62) or 1  # noqa: S311 - a change marker, not a secret
    if not IndexGeneration.objects.filter(pk=1).update(generation=stamp):
        IndexGeneration.objects.get_or_create(pk=1, defaults={"generation": stamp})


def record_event(article, action, *, actor=None, version=None, from_status="", note="", data=None, now=None):
    return ArticleEvent.objects.create(
        article=article, version=version, actor=actor, actor_unit_id=getattr(actor, "unit_id", None), action=action,
        from_status=from_status, to_status=version.status if version else "", note=note, data=data or {},
        created_at=now_or(now))


@contextmanager
def locked_article(article_id):
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise NotFoundInScope("知识库条目不存在")
        yield article


def transit(article, version, name, action, *, actor, note="", data=None, now=None, **kwargs):
    """Run the version's transition `name`, save its changed fields, write the event."""
    if not can_proceed(getattr(version, name)):
        raise InvalidTransition(f"该版本当前状态为「{version.get_status_display()}」，不能{ACTION_LABELS[action]}")
    before = {f.attname: getattr(version, f.attname) for f in version._meta.concrete_fields}
    from_status = version.status
    getattr(version, name)(now=now, **kwargs)
    version.save(update_fields=[n for n, v in before.items() if getattr(version, n) != v and n != "id"])
    return record_event(article, action, actor=actor, version=version, from_status=from_status, note=note,
                        data=data, now=now)


def checked(content):
    """An ArticleContent from one, or from a dict of fields (check_content); InvalidInputs-like first error."""
    if isinstance(content, ArticleContent):
        return content
    text, errors = check_content(**content)
    if errors:
        raise InvalidInput(errors[0][1], field=errors[0][0])
    return text


def new_key():
    return f"kb-{secrets.token_hex(4)}"


def _write_version(article, content, number, author, now):
    version = ArticleVersion.objects.create(article=article, number=number, author=author, created_at=now,
                                            **content.as_fields())
    version.catalog_items.set(content.catalog_items)
    return version


# --- writes
def create_article(actor, content, *, owner=None, key="", now=None):
    """A new article (version 1, a draft) of the actor's unit; the center's publishers may name another owner."""
    now = now_or(now)
    owner = owner or writable_owner(actor)
    if not (role_may(actor, "kb_publish") and actor.unit and actor.unit.kind == UnitKind.CENTER):
        check_write(actor, owner.pk)
    content = checked(content)
    with transaction.atomic():
        if key and Article.objects.filter(key=key).exists():
            raise InvalidInput(f"编号「{key}」已被其他条目使用", field="key")
        article = Article.objects.create(key=key or new_key(), owner=owner, created_by=actor, created_at=now)
        version = _write_version(article, content, 1, actor, now)
        article.latest_version = version
        article.save(update_fields=["latest_version"])
        record_event(article, "create", actor=actor, version=version, note=content.title, now=now)
    return article


def edit_article(actor, article_id, content, *, now=None):
    """修改: a draft is rewritten in place (nobody has read it); a published, expired or withdrawn article gets a new
    version (a draft) while agents keep the published one; an article under review is sent back first."""
    now = now_or(now)
    content = checked(content)
    with locked_article(article_id) as article:
        check_write(actor, article)
        latest = ArticleVersion.objects.select_for_update().get(pk=article.latest_version_id)
        if latest.status == VersionStatus.REVIEW:
            raise InvalidTransition("该条目正在审核中，审核退回后才能修改")
        if content.same_as(latest):
            return article
        if latest.status == VersionStatus.DRAFT:
            ArticleVersion.objects.filter(pk=latest.pk).update(author=actor, created_at=now, **content.as_fields())
            latest.catalog_items.set(content.catalog_items)
            record_event(article, "edit", actor=actor, version=latest, from_status=latest.status,
                         note=content.title, now=now)
            return article
        version = _write_version(article, content, latest.number + 1, actor, now)
        article.latest_version = version
        article.save(update_fields=["latest_version"])
        record_event(article, "edit", actor=actor, version=version, note=f"第{version.number}版：{content.title}",
                     data={"from_version": latest.number}, now=now)
    return article


def submit(actor, article_id, *, now=None):
    """提交审核: the owner sends the newest draft to the center."""
    now = now_or(now)
    with locked_article(article_id) as article:
        check_write(actor, article)
        version = ArticleVersion.objects.select_for_update().get(pk=article.latest_version_id)
        transit(article, version, "submit", "submit", actor=actor, now=now)
    return article


def send_back(actor, article_id, note, *, now=None):
    """退回修改: the center returns a version under review to its owner, saying why."""
    now = now_or(now)
    note = (note or "").strip()
    require_role(actor, "kb_publish", "只有热线中心的审核人员可以退回")
    if not note:
        raise InvalidInput("请填写退回理由", field="note")
    with locked_article(article_id) as article:
        version = ArticleVersion.objects.select_for_update().get(pk=article.latest_version_id)
        transit(article, version, "send_back", "send_back", actor=actor, note=note, now=now)
    return article


def publish(actor, article_id, *, now=None, check_author=True):
    """发布: the version under review becomes the one agents read; the one it replaces is superseded."""
    now = now_or(now)
    require_role(actor, "kb_publish", "只有热线中心的审核人员可以发布")
    with locked_article(article_id) as article:
        version = ArticleVersion.objects.select_for_update().get(pk=article.latest_version_id)
        if check_author and not may_publish(actor, version):
            raise NotPermitted("不能发布自己编写的版本，请由另一位审核人员发布")
        if version.valid_to and version.valid_to < timezone.localdate(now):
            raise InvalidInput("该版本的失效日期已过，不能发布", field="valid_to")
        _publish_locked(article, version, actor, now)
    return article


def _publish_locked(article, version, actor, now):
    previous = None
    if article.live_version_id:
        previous = ArticleVersion.objects.select_for_update().get(pk=article.live_version_id)
        transit(article, previous, "supersede", "publish", actor=actor, now=now,
                note=f"第{version.number}版发布，替代第{previous.number}版")
    transit(article, version, "publish", "publish", actor=actor, now=now, note=f"第{version.number}版", by=actor)
    article.live_version = version
    article.save(update_fields=["live_version"])
    bump_index()


def withdraw(actor, article_id, reason, *, now=None):
    """撤回: the published version leaves the base (agents no longer find it); the owner or the center, with a
    reason. Orders that cited it keep their citation."""
    now = now_or(now)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写撤回理由", field="reason")
    with locked_article(article_id) as article:
        if not (may_write(actor, article) or role_may(actor, "kb_publish")):
            raise NotPermitted("只有维护单位或热线中心可以撤回条目")
        if not article.live_version_id:
            raise InvalidTransition("该条目没有已发布的版本，无需撤回")
        version = ArticleVersion.objects.select_for_update().get(pk=article.live_version_id)
        transit(article, version, "withdraw", "withdraw", actor=actor, note=reason, now=now)
        article.live_version = None
        article.save(update_fields=["live_version"])
        bump_index()
    return article


def expire_lapsed(now=None):
    """到期失效 (the daily task): published versions whose 失效日期 has passed leave the base. Returns how many."""
    now = now_or(now)
    today = timezone.localdate(now)
    ids = list(ArticleVersion.objects.filter(status=VersionStatus.PUBLISHED, valid_to__lt=today)
               .values_list("article_id", flat=True))
    done = 0
    for article_id in ids:
        with locked_article(article_id) as article:
            version = ArticleVersion.objects.select_for_update().filter(
                pk=article.live_version_id, status=VersionStatus.PUBLISHED, valid_to__lt=today).first()
            if version is None:  # published again or withdrawn meanwhile
                continue
            transit(article, version, "expire", "expire", actor=None, note=f"失效日期{version.valid_to}已过", now=now)
            article.live_version = None
            article.save(update_fields=["live_version"])
            bump_index()
            done += 1
    return done


def pending_version(article):
    return article.versions.filter(status__in=PENDING_STATUSES).first()


def owner_for_code(code):
    """The owning unit named by a Unit.code, or "center"; None when there is none."""
    if code == "center":
        return Unit.objects.filter(kind=UnitKind.CENTER).order_by("pk").first()
    return Unit.objects.filter(code=code).first()


# --- the search log (what owners learn: stats.py)
QUERY_MAX = 200  # the longest search kept





def log_search(user, q, *, category="", found=(), source=SearchSource.SEARCH, now=None):
    """Keep one search (its words with any phone number masked; its category: the filter, else the first found
    article's, else the catalog suggester's guess; how many were found, `found`: their article ids); returns its id,
    which the results' links carry so that opening one marks the search as answered."""
    q = (q or "").strip()[:QUERY_MAX]
    if not q:
        return None
    from hotline.privacy import mask_numbers  # a caller's number typed into the box is not kept

    from .search import category_of

    found = list(found)
    category = category or category_of(q, found[0] if found else None)
    result_count = len(found)
    return KnowledgeSearch.objects.create(
        user=user, unit_id=user.unit_id, source=source, query=mask_numbers(q)[:QUERY_MAX], category=category[:100],
        result_count=result_count, created_at=now_or(now)).pk


def mark_opened(user, search_id, article_id, now=None):
    """The user opened (or answered from) `article_id` out of their search `search_id`; another user's search, or
    one already marked, is left alone."""
    if not str(search_id or "").isdigit() or len(str(search_id)) > 18:
        return 0
    return KnowledgeSearch.objects.filter(pk=int(search_id), user=user, opened_article__isnull=True).update(
        opened_article_id=article_id, opened_at=now_or(now))


def citable_version(version_id):
    """The published version an agent answers from (直接答复 cites it), or InvalidInput naming cited_version: only
    the live version of an article may be cited, so an order never rests on a draft or a withdrawn text."""
    if version_id in (None, ""):
        return None
    if not str(version_id).isdigit() or len(str(version_id)) > 18:
        raise InvalidInput("引用的知识库版本无效", field="cited_version")
    version = (ArticleVersion.objects.select_related("article").filter(
        pk=int(version_id), status=VersionStatus.PUBLISHED).first())
    if version is None or version.article.live_version_id != version.pk:
        raise InvalidInput("引用的知识库条目已更新或已停用，请重新选择", field="cited_version")
    return version
