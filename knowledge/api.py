"""/api/knowledge/: articles (DRF). Agents read the published ones, owners write their own unit's, the center reviews
and publishes; the rules are the services' (knowledge/services.py) and the role table's (core/permissions.py), the
reads the selectors'. Errors take the project's shape (config/api_errors.py)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from config.openapi import EMPTY_BODY
from core.permissions import require_role
from dispatch.models import Unit

from . import search, selectors, services
from .choices import ARTICLE_STATUS_CHOICES, SearchSource
from .content import check_content, leaves_named
from .models import Article
from .render import markdown_html


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    title = serializers.CharField()
    keywords = serializers.CharField()
    source_document = serializers.CharField()
    document_number = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    review_due = serializers.DateField(allow_null=True)
    citation = serializers.CharField(help_text="依据知识库的引用格式：标题（第N版，文号）")
    published_at = serializers.DateTimeField(allow_null=True)


class ArticleListSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article.pk")
    key = serializers.CharField(source="article.key")
    owner = serializers.CharField(source="article.owner.code")
    owner_name = serializers.CharField(source="article.owner.name")
    version = VersionSerializer()
    score = serializers.FloatField(help_text="检索得分（无检索词时为 0）")
    title_html = serializers.CharField(help_text="标题，检索词以 <mark> 标出（已转义）")
    snippet_html = serializers.CharField(help_text="正文摘要，检索词以 <mark> 标出（已转义）")


class ArticleSearchResultSerializer(serializers.Serializer):
    search_id = serializers.IntegerField(allow_null=True, help_text="本次检索的记录编号（有检索词时）")
    results = ArticleListSerializer(many=True)


class ArticleDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    owner = serializers.CharField(source="owner.code")
    owner_name = serializers.CharField(source="owner.name")
    live_version = VersionSerializer(allow_null=True, help_text="已发布、话务员引用的版本")
    latest_version = VersionSerializer(help_text="最新版本（维护单位编辑的版本）")
    body = serializers.CharField(help_text="所示版本的正文（Markdown）")
    body_html = serializers.CharField(help_text="正文（安全的 HTML）")
    catalog = serializers.ListField(child=serializers.CharField(), help_text="关联的派单目录三级条目名称")
    uses = serializers.IntegerField(help_text="依据本条目直接答复的工单数")


class ArticleWriteSerializer(serializers.Serializer):
    title = serializers.CharField(label="标题", max_length=200)
    body = serializers.CharField(label="正文（Markdown）", max_length=20000)
    keywords = serializers.CharField(label="关键词（空格或顿号分隔）", max_length=500, required=False,
                                     allow_blank=True, default="")
    catalog = serializers.ListField(child=serializers.CharField(max_length=100), label="关联派单目录（三级条目名称）",
                                    required=False, default=list, max_length=20)
    source_document = serializers.CharField(label="依据文件", max_length=200, required=False, allow_blank=True,
                                            default="")
    document_number = serializers.CharField(label="文号", max_length=100, required=False, allow_blank=True,
                                            default="")
    valid_from = serializers.DateField(label="生效日期")
    valid_to = serializers.DateField(label="失效日期", required=False, allow_null=True, default=None)
    review_due = serializers.DateField(label="复审日期", required=False, allow_null=True, default=None)

    def validate(self, data):
        leaves = leaves_named(data["catalog"])
        unknown = [name for name in data["catalog"] if name not in leaves]
        if unknown:
            raise ValidationError({"catalog": ["当前派单目录中没有这些三级条目：" + "、".join(unknown)]})
        fields = {k: v for k, v in data.items() if k != "catalog"}
        content, errors = check_content(catalog_items=[leaves[n] for n in data["catalog"]], **fields)
        if errors:
            found = {}
            for field, message in errors:
                found.setdefault(field, []).append(message)
            raise ValidationError(found)
        return {"content": content}


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label="理由", max_length=500)


def query(name, description):
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, description=description, required=False)


def detail(user, pk):
    article = selectors.article_for(user, pk)
    if article is None:
        raise NotFound("知识库条目不存在或不在您的权限范围内")
    shown = article.live_version if article.live_version_id and not selectors.may_see_pending(user, article) \
        else article.latest_version
    shown = next(v for v in article.versions.all() if v.pk == shown.pk)  # with its prefetched leaves
    article.body, article.body_html = shown.body, str(markdown_html(shown.body))
    article.catalog = [item.name for item in shown.catalog_items.all()]
    article.uses = sum(selectors.version_use_counts(article).values())
    if not selectors.may_see_pending(user, article):
        article.latest_version = article.live_version
    return ArticleDetailSerializer(article).data


class ArticleSchema(AutoSchema):
    """The list answers one object (the search's id and its results), not an array of articles."""

    def _is_list_view(self, serializer=None):
        return False if getattr(self.view, "action", None) == "list" else super()._is_list_view(serializer)


ACTION = {"request": EMPTY_BODY, "responses": {200: ArticleDetailSerializer}}


@extend_schema_view(
    list=extend_schema(
        summary="检索知识库条目", operation_id="knowledge_articles_list",
        responses={200: ArticleSearchResultSerializer},
        description="有 q 时按相关度返回已发布条目（最多 limit 条，检索会被记录）；无 q 时按筛选条件返回最新的条目。"
                    "status（维护单位和中心可用）：draft、review、expired、withdrawn 按最新版本的状态。",
        parameters=[query("q", "检索词"), query("category", "一级分类名称"), query("owner", "维护单位代码"),
                    query("status", "状态，默认已发布"), OpenApiParameter("limit", int, required=False,
                                                                  description="条数，1–50，默认20")]),
    retrieve=extend_schema(summary="知识库条目详情", responses={200: ArticleDetailSerializer}),
    create=extend_schema(summary="新建条目（本单位，草稿）", request=ArticleWriteSerializer,
                         responses={201: ArticleDetailSerializer}),
)
class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """知识库：话务员检索已发布条目；维护单位编写、修改本单位条目并提交审核；热线中心审核、发布、撤回。"""

    queryset = Article.objects.none()
    schema = ArticleSchema()
    pagination_class = None
    filter_backends = []
    lookup_value_regex = r"\d{1,18}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require_role(request.user, "kb_read", "您的岗位无权使用知识库")

    def list(self, request):
        params = request.query_params
        owner = None
        if params.get("owner"):
            owner = Unit.objects.filter(code=params["owner"][:20]).first()
            if owner is None:
                raise ValidationError({"owner": [f"没有代码为「{params['owner'][:20]}」的单位"]})
        status = params.get("status", "")
        if status and status not in dict(ARTICLE_STATUS_CHOICES):
            raise ValidationError({"status": ["状态应为 " + "、".join(dict(ARTICLE_STATUS_CHOICES))]})
        limit = params.get("limit", "20")
        if not limit.isdigit() or not 1 <= int(limit) <= 50:
            raise ValidationError({"limit": ["limit 应为 1–50 的整数"]})
        q, category = params.get("q", "")[:200].strip(), params.get("category", "")[:100]
        search_id = None
        if q:
            results, _ = search.search_articles(request.user, q, category=category, owner=owner, status=status,
                                                limit=int(limit))
            search_id = services.log_search(request.user, q, category=category, source=SearchSource.API,
                                            found=[r.article.pk for r in results])
        else:
            articles = selectors.listed_articles(request.user, category=category, owner=owner, status=status)
            field = "latest_version" if status and status != "published" else "live_version"
            results = [search.Result(a, getattr(a, field), 0.0, getattr(a, field).title,
                                     search.highlight(search.plain_text(getattr(a, field).body), [], max_chars=120))
                       for a in articles[: int(limit)]]
        return Response(ArticleSearchResultSerializer({"search_id": search_id, "results": results}).data)

    def retrieve(self, request, pk):
        return Response(detail(request.user, pk))

    def create(self, request):
        data = self._valid(ArticleWriteSerializer)
        article = services.create_article(request.user, data["content"])
        return Response(detail(request.user, article.pk), status=201)

    def _valid(self, serializer_class):
        serializer = serializer_class(data=request_data(self.request))
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(summary="修改条目（已发布的生成新版本草稿）", request=ArticleWriteSerializer,
                   responses={200: ArticleDetailSerializer})
    @action(detail=True, methods=["post"], url_path="edit")
    def edit(self, request, pk):
        data = self._valid(ArticleWriteSerializer)
        services.edit_article(request.user, self._visible(pk), data["content"])
        return Response(detail(request.user, pk))

    @extend_schema(summary="提交审核", **ACTION)
    @action(detail=True, methods=["post"], url_path="submit")
    def submit(self, request, pk):
        services.submit(request.user, self._visible(pk))
        return Response(detail(request.user, pk))

    @extend_schema(summary="发布（热线中心，非本版本编写人）", **ACTION)
    @action(detail=True, methods=["post"], url_path="publish")
    def publish(self, request, pk):
        services.publish(request.user, self._visible(pk))
        return Response(detail(request.user, pk))

    @extend_schema(summary="退回修改（热线中心）", request=ReasonSerializer, responses={200: ArticleDetailSerializer})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk):
        services.send_back(request.user, self._visible(pk), self._valid(ReasonSerializer)["reason"])
        return Response(detail(request.user, pk))

    @extend_schema(summary="撤回已发布版本（维护单位或热线中心）", request=ReasonSerializer,
                   responses={200: ArticleDetailSerializer})
    @action(detail=True, methods=["post"], url_path="withdraw")
    def withdraw(self, request, pk):
        services.withdraw(request.user, self._visible(pk), self._valid(ReasonSerializer)["reason"])
        return Response(detail(request.user, pk))

    def _visible(self, pk):
        if not selectors.visible_articles(self.request.user).filter(pk=pk).exists():
            raise NotFound("知识库条目不存在或不在您的权限范围内")
        return int(pk)


def request_data(request):
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"detail": ["请求体应为 JSON 对象"]})
    return data
