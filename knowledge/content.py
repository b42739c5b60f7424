"""What an article's text must be (one home for the page, the API, the import and the demo loader): every problem
of the fields at once, as [(field, message)]."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q

from dispatch.models import CatalogItem

LIMITS = {"title": 200, "keywords": 500, "source_document": 200, "document_number": 100}
LABELS = {"title": "标题", "body": "正文", "keywords": "关键词", "source_document": "依据文件",
          "document_number": "文号", "valid_from": "生效日期", "valid_to": "失效日期", "review_due": "复审日期",
          "catalog": "关联派单目录", "owner": "维护单位", "key": "编号"}
BODY_MAX = 20000
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


@dataclass
class ArticleContent:
    """One version's fields, checked."""

    title: str
    body: str
    valid_from: dt.date
    keywords: str = ""
    source_document: str = ""
    document_number: str = ""
    valid_to: dt.date | None = None
    review_due: dt.date | None = None
    catalog_items: list = field(default_factory=list)  # leaves of the current catalog

    def as_fields(self):
        return {name: getattr(self, name) for name in ("title", "body", "keywords", "source_document",
                                                        "document_number", "valid_from", "valid_to", "review_due")}

    def same_as(self, version):
        """True when `version` holds this text (an edit that changes nothing makes no version)."""
        return (all(getattr(version, name) == value for name, value in self.as_fields().items())
                and {item.pk for item in self.catalog_items} == {item.pk for item in version.catalog_items.all()})


def parse_date(value, name, errors, required=False):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            errors.append((name, f"{LABELS[name]}不能为空"))
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        errors.append((name, f"{LABELS[name]}格式应为 2025-01-31"))
        return None


def keywords_text(value):
    """Keywords as one space-joined string, from a list or text separated by spaces, commas or 、."""
    if isinstance(value, (list, tuple)):
        words = [str(word).strip() for word in value]
    else:
        words = re.split(r"[\s,，、;；]+", str(value or ""))
    return " ".join(dict.fromkeys(word for word in words if word))


def leaves_named(names, version_id=None):
    """{name: leaf} of the current catalog's third-level items among `names` (the first of equal names)."""
    query = CatalogItem.objects.filter(level=3, name__in=set(names))
    query = query.filter(version_id=version_id) if version_id else query.filter(version__is_current=True)
    found = {}
    for item in query.select_related("parent__parent").order_by("code"):
        found.setdefault(item.name, item)
    return found


def check_content(*, title, body, valid_from, keywords="", source_document="", document_number="", valid_to=None,
                  review_due=None, catalog_items=()):
    """(ArticleContent or None, [(field, message)]): every problem at once."""
    errors = []
    texts = {"title": str(title or "").strip(), "body": str(body or "").strip(),
             "keywords": keywords_text(keywords), "source_document": str(source_document or "").strip(),
             "document_number": str(document_number or "").strip()}
    for name in ("title", "body"):
        if not texts[name]:
            errors.append((name, f"{LABELS[name]}不能为空"))
    for name, limit in LIMITS.items():
        if len(texts[name]) > limit:
            errors.append((name, f"{LABELS[name]}不能超过{limit}字（现有{len(texts[name])}字）"))
    if len(texts["body"]) > BODY_MAX:
        errors.append(("body", f"正文不能超过{BODY_MAX}字"))
    start = parse_date(valid_from, "valid_from", errors, required=True)
    end = parse_date(valid_to, "valid_to", errors)
    review = parse_date(review_due, "review_due", errors)
    if start and end and end < start:
        errors.append(("valid_to", "失效日期不能早于生效日期"))
    items = list(dict.fromkeys(catalog_items or ()))
    bad = [item for item in items if not isinstance(item, CatalogItem) or item.level != 3]
    if bad:
        errors.append(("catalog", "关联派单目录只能选择三级条目"))
    if errors:
        return None, errors
    return ArticleContent(valid_from=start, valid_to=end, review_due=review, catalog_items=items, **texts), []


def current_leaves(ids):
    """The current catalog's leaves among `ids` (ints or digit strings); unknown ids are left out."""
    ids = {int(i) for i in ids if str(i).isdigit() and len(str(i)) <= 18}
    return list(CatalogItem.objects.filter(Q(pk__in=ids), level=3, version__is_current=True)) if ids else []
