"""Every read of the knowledge base: which articles a user may see, one article with its versions, the lists, the
search index of the published versions and the searches built on it, what owners learn (stats.py)."""

from django.db.models import Count, Prefetch

from core.permissions import role_may
from dispatch.models import CatalogItem

from .choices import VersionStatus
from .models import ArticleEvent, ArticleVersion
from .scope import manages_all, visible_articles  # noqa: F401 - part of the selectors' interface
from .search import article_index, search_articles, suggest_for_intake  # noqa: F401 - the contract's home


def article_for(user, pk):
    """The article with its owner, versions (newest first, with their catalog leaves) and trail, or None."""
    versions = ArticleVersion.objects.select_related("author", "published_by").prefetch_related(
        Prefetch("catalog_items", queryset=CatalogItem.objects.select_related("parent__parent")))
    return (visible_articles(user).filter(pk=pk)
            .select_related("owner", "latest_version", "live_version")
            .prefetch_related(Prefetch("versions", queryset=versions),
                              Prefetch("events", queryset=ArticleEvent.objects.select_related("actor", "version")))
            .first())


def version_use_counts(article):
    """{version id: orders answered directly citing it}: counted from the orders themselves."""
    from hotline.models import Ticket  # hotline's models point at this app's

    rows = (Ticket.objects.filter(cited_article_version__article_id=article.pk)
            .values("cited_article_version_id").annotate(n=Count("pk")))
    return {row["cited_article_version_id"]: row["n"] for row in rows}


def may_see_pending(user, article):
    """Drafts, versions under review and the trail: the owner's staff and the center's reviewers."""
    return manages_all(user) or (role_may(user, "kb_write") and user.unit_id == article.owner_id)


def readable_versions(user, article, number=None):
    """(the article's versions the user may read, newest first; the one shown): agents read the published texts
    only and see the live one first, owners and reviewers every version and the newest first; ``number`` (?v=)
    shows that version instead, when the user may read it."""
    versions = list(article.versions.all())  # newest first (the article_for prefetch)
    pending = may_see_pending(user, article)
    if not pending:
        versions = [v for v in versions if v.status not in (VersionStatus.DRAFT, VersionStatus.REVIEW)]
    shown = versions[0] if pending else next(v for v in versions if v.pk == article.live_version_id)
    if number is not None:
        shown = next((v for v in versions if v.number == number), shown)
    return versions, shown


def allowed_actions(user, article):
    """The actions the page offers: the same role and unit checks the services run, and the version's state."""
    from django_fsm import can_proceed

    from .services import may_publish, may_write

    latest = article.latest_version
    allowed = set()
    if may_write(user, article):
        if latest.status != VersionStatus.REVIEW:
            allowed.add("edit")
        if can_proceed(latest.submit):
            allowed.add("submit")
    if role_may(user, "kb_publish") and latest.status == VersionStatus.REVIEW:
        allowed.add("send_back")
        if may_publish(user, latest):
            allowed.add("publish")
    if article.live_version_id and (may_write(user, article) or role_may(user, "kb_publish")):
        allowed.add("withdraw")
    return allowed


def listed_articles(user, *, category="", owner=None, status=""):
    """The articles in the filters, newest first, with what the list shows (owner, the version listed):
    the published ones by default; another status (owners, reviewers) by their newest version."""
    articles = visible_articles(user)
    field = "live_version"
    if status and status != VersionStatus.PUBLISHED and (role_may(user, "kb_write") or manages_all(user)):
        articles, field = articles.filter(latest_version__status=status), "latest_version"
    else:
        articles = articles.filter(live_version__isnull=False)
    if owner is not None:
        articles = articles.filter(owner=owner)
    if category:
        articles = articles.filter(**{f"{field}__catalog_items__parent__parent__name": category}).distinct()
    return articles.select_related("owner", "latest_version", "live_version").order_by("-pk")


def awaiting_review():
    """Versions submitted for review, oldest first, with their article and owner."""
    return (ArticleVersion.objects.filter(status=VersionStatus.REVIEW)
            .select_related("article__owner", "author").order_by("submitted_at", "pk"))
