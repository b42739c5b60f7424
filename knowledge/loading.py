"""Bulk loading of published articles (the demo set, the benchmark's generated 20 000): entries of the
knowledge/demo/articles.json shape, owners by Unit.code (or "center"), catalog leaves by their exact name in the
current catalog. All or nothing: unknown owners or leaves, or bad fields, are one error listing every one."""

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput
from dispatch.choices import UnitKind
from dispatch.models import Unit

from .choices import VersionStatus
from .content import check_content, leaves_named
from .models import Article, ArticleEvent, ArticleVersion
from .services import bump_index

BATCH = 2000


class LoadError(InvalidInput):
    """Every problem of a set of entries, one per line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("；".join(self.problems[:20]) + ("……" if len(self.problems) > 20 else ""))


def resolve(entries):
    """[(entry, owner, ArticleContent)] for the entries, or LoadError naming every unknown owner and leaf and every
    bad field (with the entry's key)."""
    entries = list(entries)
    codes = {entry.get("owner", "") for entry in entries}
    owners = {unit.code: unit for unit in Unit.objects.filter(code__in=codes - {"center"})}
    if "center" in codes:
        center = Unit.objects.filter(kind=UnitKind.CENTER).order_by("pk").first()
        if center is not None:
            owners["center"] = center
    leaves = leaves_named({name for entry in entries for name in entry.get("catalog", [])})
    problems, resolved, seen = [], [], set()
    unknown_owners = sorted(codes - set(owners))
    if unknown_owners:
        problems.append("未知的维护单位代码：" + "、".join(unknown_owners))
    unknown_leaves = sorted({name for entry in entries for name in entry.get("catalog", [])} - set(leaves))
    if unknown_leaves:
        problems.append("当前派单目录中没有这些三级条目：" + "、".join(unknown_leaves))
    for entry in entries:
        key = entry.get("key", "")
        if key in seen:
            problems.append(f"{key}：编号重复")
        seen.add(key)
        content, errors = check_content(
            title=entry.get("title"), body=entry.get("body"), keywords=entry.get("keywords", ""),
            source_document=entry.get("source_document", ""), document_number=entry.get("document_number", ""),
            valid_from=entry.get("valid_from"), valid_to=entry.get("valid_to"), review_due=entry.get("review_due"),
            catalog_items=[leaves[name] for name in entry.get("catalog", []) if name in leaves])
        problems += [f"{key}：{message}" for _, message in errors]
        if content is not None and entry.get("owner") in owners:
            resolved.append((entry, owners[entry["owner"]], content))
    if problems:
        raise LoadError(problems)
    return resolved


def load_published(entries, *, now=None):
    """Create the entries whose key is not in the base yet as published articles (version 1), in bulk.
    Returns (created, skipped). Idempotent: a key already loaded is left as it is (its owner may have edited it)."""
    now = now or timezone.now()
    resolved = resolve(entries)
    existing = set(Article.objects.filter(key__in=[entry["key"] for entry, _, _ in resolved])
                   .values_list("key", flat=True))
    fresh = [row for row in resolved if row[0]["key"] not in existing]
    with transaction.atomic():
        for start in range(0, len(fresh), BATCH):
            _load_batch(fresh[start:start + BATCH], now)
        if fresh:
            bump_index()
    return len(fresh), len(resolved) - len(fresh)


def _load_batch(rows, now):
    articles = Article.objects.bulk_create(
        [Article(key=entry["key"], owner=owner, created_at=now) for entry, owner, _ in rows])
    versions = ArticleVersion.objects.bulk_create([
        ArticleVersion(article=article, number=1, status=VersionStatus.PUBLISHED, created_at=now, submitted_at=now,
                       published_at=now, **content.as_fields())
        for article, (_, _, content) in zip(articles, rows, strict=True)])
    if versions[0].pk is None:  # backends that return no ids from bulk_create (none used here)
        raise RuntimeError("bulk_create returned no ids")
    for article, version in zip(articles, versions, strict=True):
        article.latest_version = article.live_version = version
    Article.objects.bulk_update(articles, ["latest_version", "live_version"])
    through = ArticleVersion.catalog_items.through
    through.objects.bulk_create([
        through(articleversion_id=version.pk, catalogitem_id=item.pk)
        for version, (_, _, content) in zip(versions, rows, strict=True) for item in content.catalog_items])
    ArticleEvent.objects.bulk_create([
        ArticleEvent(article=article, version=version, action="import", to_status=version.status,
                     note=f"批量载入并发布：{version.title}", created_at=now)
        for article, version in zip(articles, versions, strict=True)])
