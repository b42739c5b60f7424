from django.db import models


class VersionStatus(models.TextChoices):
    """The life of one version of an article (the FSM lives on ArticleVersion, see models.py)."""

    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审核"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被新版本替代"
    EXPIRED = "expired", "已过期"
    WITHDRAWN = "withdrawn", "已撤回"


# A version that can still change into a published one; at most one per article (constraint in models.py).
PENDING_STATUSES = [VersionStatus.DRAFT, VersionStatus.REVIEW]
# The statuses a list of articles filters by (the article's newest version's status).
ARTICLE_STATUS_CHOICES = [(s.value, s.label) for s in VersionStatus if s != VersionStatus.SUPERSEDED]


class SearchSource(models.TextChoices):
    SEARCH = "search", "知识库检索"
    INTAKE = "intake", "受理页检索"
    API = "api", "接口检索"


ACTION_LABELS = {"create": "新建", "edit": "修改", "submit": "提交审核", "send_back": "退回修改",
                 "publish": "发布", "withdraw": "撤回", "expire": "到期失效", "flag": "提醒复审", "import": "批量载入"}
