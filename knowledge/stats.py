"""What owners learn: how many calls each article answered (orders citing its versions, counted from the orders),
and what agents looked for and did not open (searches with no article opened), per first-level category."""

import datetime as dt

from django.db.models import Count, Max
from django.utils import timezone

from .models import Article, KnowledgeSearch
from .scope import manages_all

WINDOW_DAYS = 90
TOP_QUERIES = 100


def owned_articles(user):
    """The articles whose figures the user reads: their unit's; every one for the center's reviewers."""
    articles = Article.objects.all() if manages_all(user) else Article.objects.filter(owner_id=user.unit_id)
    return articles


def article_uses(user):
    """The user's articles with `uses` (orders answered directly citing any of their versions), most used first."""
    return (owned_articles(user).annotate(uses=Count("versions__cited_by"))
            .select_related("owner", "latest_version", "live_version").order_by("-uses", "-pk"))


def unfound_searches(*, category=None, days=WINDOW_DAYS, now=None):
    """[{category, query, searches, last}] of the searches in the last `days` after which nothing was opened, the
    most asked first (the partial index on unopened searches by time); `category` narrows to one ("" = unknown)."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    rows = KnowledgeSearch.objects.filter(opened_article__isnull=True, created_at__gte=since)
    if category is not None:
        rows = rows.filter(category=category)
    return list(rows.values("category", "query").annotate(searches=Count("pk"), last=Max("created_at"))
                .order_by("-searches", "-last")[:TOP_QUERIES])


def unfound_by_category(*, days=WINDOW_DAYS, now=None):
    """[{category, searches, queries}]: per first-level category, the unopened searches and distinct words."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    return list(KnowledgeSearch.objects.filter(opened_article__isnull=True, created_at__gte=since)
                .values("category").annotate(searches=Count("pk"), queries=Count("query", distinct=True))
                .order_by("-searches"))
