"""Reads of the dispatch catalog: the current version, a leaf by code, type-ahead search, export rows."""

import copy
import time

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

from core.errors import NotFoundInScope
from dispatch.models import CatalogItem, CatalogVersion

from .fileformat import write_table

SEARCH_LIMIT, SEARCH_LIMIT_MAX, SEARCH_TERMS_MAX = 20, 50, 5
ITEM_CACHE_SECONDS = 60
_CURRENT_SQL = f"SELECT id, created_at FROM {CatalogVersion._meta.db_table} WHERE is_current = %s"
_items = {}  # database alias -> (row of _CURRENT_SQL, {pk: (read at, item of that version)})


def current_version():
    return CatalogVersion.objects.filter(is_current=True).first()


def item_for_intake(pk):
    """Catalog item ``pk`` with its version and parents (for the checks and the audit note), or None.

    Intake runs this on every request, so each process keeps the items of the current version it has read,
    checked by one indexed one-row select of the current version: a new current version (set_current) empties
    the cache at once, even within the caller's transaction. An item is re-read after ITEM_CACHE_SECONDS, so an
    administrator's edit of a leaf reaches intake within a minute.
    """
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_SQL, [True])
        current = cursor.fetchone()
    cached = _items.get(connection.alias)
    if cached is None or cached[0] != current:
        cached = _items[connection.alias] = (current, {})
    now = time.monotonic()
    hit = cached[1].get(pk)
    if hit is not None and now - hit[0] < ITEM_CACHE_SECONDS:
        return copy.copy(hit[1])  # callers may change their instance
    item = CatalogItem.objects.select_related("version", "parent__parent").filter(pk=pk).first()
    if item is not None and current is not None and item.version_id == current[0]:
        cached[1][pk] = (now, copy.copy(item))
    return item


def leaves(version):
    return (CatalogItem.objects.filter(version=version, level=3)
            .select_related("parent__parent", "responsible_unit").order_by("code"))


def get_leaf(code, version=None):
    """The leaf with `code` in `version` (default: the current one); NotFoundInScope if there is none."""
    version = version or current_version()
    leaf = leaves(version).filter(code=code).first() if version else None
    if leaf is None:
        where = f"派单目录 {version}" if version else "当前派单目录"
        raise NotFoundInScope(f"{where}中没有编码为 {code} 的三级条目", field="catalog_item")
    return leaf


def search_leaves(text, version=None, limit=SEARCH_LIMIT):
    """Leaves whose name, keywords, parent names or code match every word of `text`, best matches first."""
    terms = (text or "").split()[:SEARCH_TERMS_MAX]
    version = version or current_version()
    if not terms or version is None:
        return []
    query = leaves(version)
    for term in terms:
        query = query.filter(
            Q(name__icontains=term) | Q(keywords__icontains=term) | Q(parent__name__icontains=term)
            | Q(parent__parent__name__icontains=term) | Q(code__startswith=term)
        )
    first = terms[0]
    rank = Case(
        When(name=first, then=Value(0)),
        When(name__icontains=first, then=Value(1)),
        When(keywords__icontains=first, then=Value(2)),
        When(parent__name__icontains=first, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    return list(query.annotate(rank=rank).order_by("rank", "code")[: max(1, min(limit, SEARCH_LIMIT_MAX))])


def version_rows(version):
    """The version's leaves as file rows (dicts keyed by the file columns), ordered by code."""
    return [
        {
            "code": leaf.code, "level1": leaf.parent.parent.name, "level2": leaf.parent.name, "level3": leaf.name,
            "keywords": leaf.keywords, "responsible": leaf.responsible,
            "responsible_unit": leaf.responsible_unit.code if leaf.responsible_unit else "",
            "tier": leaf.default_tier, "request_type": leaf.default_request_type,
            "dispatch_class": leaf.dispatch_class,
            "photo_required": "是" if leaf.photo_required_to_complete else "",
        }
        for leaf in leaves(version)
    ]


def export_catalog(version, fmt="csv"):
    """The version as CSV or xlsx bytes, in the format import_catalog reads."""
    return write_table(version_rows(version), fmt)
