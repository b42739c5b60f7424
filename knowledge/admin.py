from django.contrib import admin

from core.read_only_admin import ReadOnlyAdmin

from .models import ArticleEvent, KnowledgeSearch


@admin.register(ArticleEvent)
class ArticleEventAdmin(ReadOnlyAdmin):
    """知识库操作记录: the audit trail of the knowledge base; nobody edits it."""

    list_display = ("created_at", "article", "action", "from_status", "to_status", "actor")
    list_filter = ("action",)
    list_select_related = ("article__latest_version", "actor")
    date_hierarchy = "created_at"


@admin.register(KnowledgeSearch)
class KnowledgeSearchAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "source", "query", "category", "result_count", "opened_article")
    list_filter = ("source",)
    list_select_related = ("user", "opened_article__latest_version")
    date_hierarchy = "created_at"
