"""Every read of the knowledge base: which articles a user may see, one article with its versions, the lists, the
search index of the published versions and the searches built on it, what owners learn (stats.py)."""

from django.db.models import Count, Prefetch, Q

from core.permissions import role_may
from dispatch.models import CatalogItem

from .choices import VersionStatus
from .models import Article, ArticleEvent, ArticleVersion


def manages_all(user):
    """The center's reviewers read every article in every state."""
    return role_may(user, "kb_publish")


def visible_articles(user):
    """Articles the user may open: the published ones (kb_read), their own unit's in any state (kb_write), every
    one for the center's reviewers."""
    if manages_all(user):
        return Article.objects.all()
    scope = Q(pk__in=[])
    if role_may(user, "kb_read"):
        scope |= Q(live_version__isnull=False)
    if role_may(user, "kb_write") and user.unit_id:
        scope |= Q(owner_id=user.unit_id)
    return Article.objects.filter(scope)


def article_for(user, pk):
    """The article with its owner, versions (newest first, with their catalog leaves) and trail, or None."""
    versions = ArticleVersion.objects.select_related("author", "published_by").prefetch_related(
        Prefetch("catalog_items", queryset=CatalogItem.objects.select_related("parent__parent")))
    return (visible_articles(user).filter(pk=pk)
            .select_related("owner", "latest_version", "live_version")
            .prefetch_related(Prefetch("versions", queryset=versions),
                              Prefetch("events", queryset=ArticleEvent.objects.select_related("actor", "version")))
            .first())


def version_for(user, pk):
    """One version the user may read: published versions and those an order cited to everyone who reads the base,
    the rest to who sees the article."""
    version = ArticleVersion.objects.select_related("article__owner").filter(pk=pk).first()
    if version is None:
        return None
    if role_may(user, "kb_read") and (version.status != VersionStatus.DRAFT and version.published_at):
        return version
    return version if visible_articles(user).filter(pk=version.article_id).exists() else None


def use_counts(article_ids):
    """{article id: orders answered directly citing any of its versions}: counted from the orders themselves."""
    from hotline.models import Ticket  # hotline's models point at this app's

    rows = (Ticket.objects.filter(cited_article_version__article_id__in=list(article_ids))
            .values("cited_article_version__article_id").annotate(n=Count("pk")))
    return {row["cited_article_version__article_id"]: row["n"] for row in rows}


def version_use_counts(article):
    from hotline.models import Ticket

    rows = (Ticket.objects.filter(cited_article_version__article_id=article.pk)
            .values("cited_article_version_id").annotate(n=Count("pk")))
    return {row["cited_article_version_id"]: row["n"] for row in rows}
