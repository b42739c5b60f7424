"""知识库: articles the agents answer consultations from (直接答复), their versions, audit trail and search log.

Why the status machine sits on the version, not the article: an owner edits a published article while agents keep
answering from the published text, so one article can hold a published version and a newer draft under review at
the same time. Each version runs draft → review → published → superseded / expired / withdrawn; the article points
at its newest version (what its owner edits and the lists show) and at its live one (what agents read and cite).
A version is never edited after it leaves draft: an edit of a submitted or published text makes a new version, and
a directly answered order keeps the version it cited (hotline.Ticket.cited_article_version)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from .choices import ACTION_LABELS, PENDING_STATUSES, SearchSource, VersionStatus


class Article(models.Model):
    """One topic of the knowledge base, owned by a unit (a department, a district, or the center)."""

    key = models.SlugField("编号", max_length=60, unique=True,
                           help_text="导入导出时识别条目的编号（字母、数字、连字符）")
    owner = models.ForeignKey("dispatch.Unit", verbose_name="维护单位", on_delete=models.PROTECT,
                              related_name="knowledge_articles")
    latest_version = models.ForeignKey("ArticleVersion", verbose_name="最新版本", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    live_version = models.ForeignKey("ArticleVersion", verbose_name="已发布版本", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="live_of",
                                     help_text="话务员检索与引用的版本；未发布、已过期或已撤回时为空")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "知识库条目"
        ordering = ["-id"]

    def __str__(self):
        version = self.latest_version
        return version.title if version else self.key


class ArticleVersion(FSMModelMixin, models.Model):
    """One text of an article. Transitions only change fields; knowledge/services.py locks, checks and audits."""

    article = models.ForeignKey(Article, verbose_name="条目", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = FSMField("状态", default=VersionStatus.DRAFT, choices=VersionStatus.choices, protected=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文（Markdown）")
    keywords = models.CharField("关键词", max_length=500, blank=True, default="")
    catalog_items = models.ManyToManyField("dispatch.CatalogItem", verbose_name="关联派单目录", blank=True,
                                           related_name="knowledge_versions")
    source_document = models.CharField("依据文件", max_length=200, blank=True, default="")
    document_number = models.CharField("文号", max_length=100, blank=True, default="")
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    review_due = models.DateField("复审日期", null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="编写人", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("编写时间")
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "知识库条目版本"
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_number"),
            models.UniqueConstraint(fields=["article"], condition=Q(status__in=PENDING_STATUSES),
                                    name="one_pending_version_per_article"),
            models.UniqueConstraint(fields=["article"], condition=Q(status=VersionStatus.PUBLISHED),
                                    name="one_published_version_per_article"),
        ]
        indexes = [
            # the daily task's review-due and expiring scan over the live versions only
            models.Index(fields=["review_due"], name="kb_live_review_due", condition=Q(status=VersionStatus.PUBLISHED)),
            models.Index(fields=["valid_to"], name="kb_live_valid_to", condition=Q(status=VersionStatus.PUBLISHED)),
        ]

    def __str__(self):
        return f"{self.title}（第{self.number}版）"

    @property
    def citation(self):
        """依据知识库 label: 标题（第 N 版，文号）."""
        number = f"，{self.document_number}" if self.document_number else ""
        return f"{self.title}（第{self.number}版{number}）"

    def keyword_list(self):
        return [word for word in self.keywords.replace("，", " ").replace(",", " ").split() if word]

    # --- lifecycle
    @transition(field=status, source=VersionStatus.DRAFT, target=VersionStatus.REVIEW)
    def submit(self, now):
        self.submitted_at = now

    @transition(field=status, source=VersionStatus.REVIEW, target=VersionStatus.DRAFT)
    def send_back(self, now):
        self.submitted_at = None

    @transition(field=status, source=VersionStatus.REVIEW, target=VersionStatus.PUBLISHED)
    def publish(self, by, now):
        self.published_by = by
        self.published_at = now

    @transition(field=status, source=VersionStatus.PUBLISHED, target=VersionStatus.SUPERSEDED)
    def supersede(self, now):
        self.ended_at = now

    @transition(field=status, source=VersionStatus.PUBLISHED, target=VersionStatus.EXPIRED)
    def expire(self, now):
        self.ended_at = now

    @transition(field=status, source=[VersionStatus.PUBLISHED, *PENDING_STATUSES], target=VersionStatus.WITHDRAWN)
    def withdraw(self, now):
        self.ended_at = now


class ArticleEvent(models.Model):
    """The knowledge base's audit trail (like hotline.TicketEvent): who did what to which article, when and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(ArticleVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", db_index=False)
    actor_unit = models.ForeignKey("dispatch.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)
    action = models.CharField("动作", max_length=40)
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20, blank=True, default="")
    note = models.TextField("说明", blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "知识库操作记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def label(self):
        return ACTION_LABELS.get(self.action, self.action)


class KnowledgeSearch(models.Model):
    """One search an agent ran (the search page, the intake panel's box, the API), and whether an article of its
    results was opened: the queries nobody opened anything for tell owners what is missing (knowledge/stats.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    unit = models.ForeignKey("dispatch.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    source = models.CharField("来源", max_length=10, choices=SearchSource.choices, default=SearchSource.SEARCH)
    query = models.CharField("检索词", max_length=200)
    category = models.CharField("一级分类", max_length=100, blank=True, default="")
    result_count = models.PositiveIntegerField("结果数", default=0)
    opened_article = models.ForeignKey(Article, verbose_name="打开的条目", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+", db_index=False)
    opened_at = models.DateTimeField("打开时间", null=True, blank=True)
    created_at = models.DateTimeField("检索时间")

    class Meta:
        verbose_name = verbose_name_plural = "知识库检索记录"
        indexes = [
            models.Index(fields=["created_at"], name="kb_search_unopened", condition=Q(opened_article__isnull=True)),
        ]

    def __str__(self):
        return self.query


class IndexGeneration(models.Model):
    """One row stamping the published set: every publish, withdraw and expiry writes a new random stamp in its own
    transaction, and each process rebuilds its in-memory search index when the stamp differs from the one it built
    from (knowledge/selectors.py article_index): one primary-key read per search, across web and worker processes."""

    generation = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "知识库索引版本"

    def __str__(self):
        return str(self.generation)
