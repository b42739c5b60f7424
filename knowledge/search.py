"""The knowledge base's searches: the in-memory index of the published versions (one per process and database),
the search page and API with their filters and the at-intake suggestions (the search log is written by services.py).

The index (knowledge/ranking.py ArticleIndex) is built from the published versions and kept per process beside the
IndexGeneration stamp it was built from. Every search reads the stamp (one primary-key select); publish, withdraw
and expiry write a new stamp in their transaction (services.bump_index), so the next search in any process, web or
worker, rebuilds the index from the database."""

import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils.html import strip_tags

from core.permissions import role_may
from dispatch.models import CatalogItem

from .choices import VersionStatus
from .models import Article, ArticleVersion, IndexGeneration
from .ranking import ArticleIndex, Document, highlight, query_terms
from .render import markdown_html
from .scope import visible_articles

QUERY_MAX = 200
SNIPPET_CHARS = 120
_indexes = {}  # database alias -> (stamp, ArticleIndex)


def index_stamp():
    return IndexGeneration.objects.filter(pk=1).values_list("generation", flat=True).first() or 0


def published_documents():
    """One ranking Document per published version (title, keywords, body, the names of its leaves and their
    parents): two queries however many articles there are."""
    through = ArticleVersion.catalog_items.through
    words = {}
    for version_id, *names in (through.objects.filter(articleversion__status=VersionStatus.PUBLISHED)
                               .values_list("articleversion_id", "catalogitem__name", "catalogitem__parent__name",
                                            "catalogitem__parent__parent__name").iterator(chunk_size=5000)):
        bucket = words.setdefault(version_id, [])
        bucket += [name for name in names if name and name not in bucket]
    rows = (ArticleVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .values_list("pk", "article_id", "title", "keywords", "body").iterator(chunk_size=5000))
    return [Document(article_id=article_id, title=title, keywords=keywords, body=body,
                     catalog_words=" ".join(words.get(pk, ())))
            for pk, article_id, title, keywords, body in rows]


def article_index():
    """The ArticleIndex of the published versions, rebuilt when the published set changed (see the module)."""
    stamp = index_stamp()
    cached = _indexes.get(connection.alias)
    if cached is None or cached[0] != stamp:
        cached = _indexes[connection.alias] = (stamp, ArticleIndex(published_documents()))
    return cached[1]


@dataclass
class Result:
    article: Article
    version: ArticleVersion
    score: float
    title_html: str
    snippet_html: str

    @property
    def categories(self):
        return sorted({item.parent.parent.name for item in self.version.catalog_items.all()
                       if item.parent and item.parent.parent})


@functools.lru_cache(maxsize=1024)
def plain_text(markdown):
    """The body as the words an agent reads out (Markdown marks gone); cached by text, as rendering Markdown costs
    about a millisecond an article and a search shows up to 20 (bench/knowledge.py)."""
    import html

    return html.unescape(strip_tags(markdown_html(markdown))).strip()


def _versions_of(article_ids, live=True):
    """The articles (ids in this order) with the version shown and its leaves, in three queries."""
    field = "live_version" if live else "latest_version"
    leaves = CatalogItem.objects.select_related("parent__parent")
    articles = (Article.objects.filter(pk__in=article_ids).select_related("owner", field)
                .prefetch_related(Prefetch(f"{field}__catalog_items", queryset=leaves)))
    by_id = {a.pk: a for a in articles}
    return [by_id[i] for i in article_ids if i in by_id and getattr(by_id[i], field) is not None]


def _result(article, version, score, terms):
    return Result(article, version, score, highlight(version.title, terms),
                  highlight(plain_text(version.body), terms, max_chars=SNIPPET_CHARS))


def filtered_ids(user, *, category="", owner=None, status=""):
    """Ids of the articles the user may see that pass the filters (None: no filter narrows the published set)."""
    if not (category or owner or status):
        return None
    field = "live_version" if status in ("", VersionStatus.PUBLISHED) else "latest_version"
    articles = visible_articles(user)
    if status and status != VersionStatus.PUBLISHED:
        articles = articles.filter(latest_version__status=status)
    else:
        articles = articles.filter(live_version__isnull=False)
    if owner is not None:
        articles = articles.filter(owner=owner)
    if category:
        articles = articles.filter(**{f"{field}__catalog_items__parent__parent__name": category})
    return set(articles.values_list("pk", flat=True))


def search_articles(user, q, *, category="", owner=None, status="", limit=20):
    """(results, terms): the articles best matching `q` within the filters. The published set through the index;
    another status (owners and reviewers: drafts, under review, expired, withdrawn) by the text of the newest
    version, newest first."""
    q = (q or "")[:QUERY_MAX].strip()
    if status and status != VersionStatus.PUBLISHED:
        if not (role_may(user, "kb_write") or role_may(user, "kb_publish")):
            return [], []
        ids = filtered_ids(user, category=category, owner=owner, status=status)
        terms = query_terms(q) if q else []
        found = Article.objects.filter(pk__in=ids)
        if q:
            found = found.filter(Q(latest_version__title__icontains=q) | Q(latest_version__keywords__icontains=q)
                                 | Q(latest_version__body__icontains=q))
        order = list(found.order_by("-pk").values_list("pk", flat=True)[:limit])
        return [_result(a, a.latest_version, 0.0, terms) for a in _versions_of(order, live=False)], terms
    allowed = filtered_ids(user, category=category, owner=owner, status=status)
    if not q:
        if allowed is None:
            return [], []
        order = sorted(allowed, reverse=True)[:limit]
        return [_result(a, a.live_version, 0.0, []) for a in _versions_of(order)], []
    hits = article_index().search(q, limit=limit, allowed_ids=allowed)
    terms = sorted({t for hit in hits for t in hit.terms}, key=len, reverse=True)
    by_id = {hit.article_id: hit for hit in hits}
    articles = _versions_of([hit.article_id for hit in hits])
    return [_result(a, a.live_version, by_id[a.pk].score, by_id[a.pk].terms) for a in articles], terms


def suggest_for_intake(text, limit=3):
    """The best published articles for what the agent has typed: [{article, version, title, snippet, answer,
    citation}] for the intake panel."""
    hits = article_index().search((text or "")[:2000], limit=limit)
    by_id = {hit.article_id: hit for hit in hits}
    out = []
    for article in _versions_of([hit.article_id for hit in hits]):
        version, terms = article.live_version, by_id[article.pk].terms
        body = plain_text(version.body)
        out.append({
            "article_id": article.pk, "version_id": version.pk, "number": version.number,
            "title_html": highlight(version.title, terms), "snippet_html": highlight(body, terms, max_chars=80),
            "answer": body, "citation": version.citation, "owner": article.owner.name,
            "document_number": version.document_number,
        })
    return out


def categories():
    """The first-level names of the current catalog (the category filter's choices)."""
    return list(CatalogItem.objects.filter(level=1, version__is_current=True).order_by("code")
                .values_list("name", flat=True))


def category_of(text, article_id=None):
    """The first-level category a search is about: the first found article's leaf, else the catalog suggester's
    guess for the words (hotline/suggest), else ""."""
    if article_id:
        name = (CatalogItem.objects.filter(knowledge_versions__live_of__pk=article_id, level=3)
                .values_list("parent__parent__name", flat=True).first())
        if name:
            return name
    from hotline.suggest import suggest_leaves  # loads the suggester's model on first use

    ranked = suggest_leaves(text, k=1, fallback=False)  # words it knows nothing of: no category, not a prior
    leaf = ranked[0][0] if ranked else None
    return leaf.parent.parent.name if leaf and leaf.parent and leaf.parent.parent else ""
