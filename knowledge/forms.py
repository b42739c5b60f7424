"""知识库 page forms: the search's filters, the article editor, the review and withdraw notes, the import file."""

from django import forms
from django.db.models import Exists, OuterRef

from dispatch.models import Unit

from .choices import ARTICLE_STATUS_CHOICES
from .content import check_content, leaves_named
from .models import Article
from .search import categories

DATE_ATTRS = {"data-picker": "date", "placeholder": "2025-01-31", "autocomplete": "off"}


class SearchForm(forms.Form):
    q = forms.CharField(label="检索", max_length=200, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：供暖 什么时候开始"}))
    category = forms.ChoiceField(label="一级分类", required=False)
    owner = forms.ModelChoiceField(label="维护单位", queryset=Unit.objects.none(), required=False,
                                   empty_label="全部单位")
    status = forms.ChoiceField(label="状态", required=False)

    def __init__(self, *args, may_filter_status=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "全部分类"), *[(name, name) for name in categories()]]
        # the units owning an article: one index probe per unit (a DISTINCT over the articles read them all)
        owning = Article.objects.filter(owner_id=OuterRef("pk"))
        self.fields["owner"].queryset = Unit.objects.filter(Exists(owning)).order_by("kind", "code")
        self.fields["owner"].error_messages["invalid_choice"] = "请选择列表中的维护单位"
        if may_filter_status:
            others = [choice for choice in ARTICLE_STATUS_CHOICES if choice[0] != "published"]
            self.fields["status"].choices = [("", "已发布"), *others]
        else:
            del self.fields["status"]

    def values(self):
        """(q, category, owner, status) of a valid form; a bad filter value reads as no filter."""
        data = self.cleaned_data if self.is_valid() else {}
        return (data.get("q", "") or "", data.get("category", "") or "", data.get("owner"),
                data.get("status", "") or "")


class ArticleForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False)
    body = forms.CharField(label="正文（Markdown：**加粗**、- 列表、[链接](https://…)）", required=False,
                           widget=forms.Textarea(attrs={"rows": 12}))
    keywords = forms.CharField(label="关键词（空格或顿号分隔）", max_length=500, required=False)
    catalog = forms.CharField(label="关联派单目录（三级条目名称，顿号分隔）", max_length=1000, required=False,
                              widget=forms.TextInput(attrs={"placeholder": "如：供暖时间、供暖费"}))
    source_document = forms.CharField(label="依据文件", max_length=200, required=False)
    document_number = forms.CharField(label="文号", max_length=100, required=False,
                                      widget=forms.TextInput(attrs={"placeholder": "如：京政办发〔2023〕12号"}))
    valid_from = forms.CharField(label="生效日期", required=False, widget=forms.TextInput(attrs=DATE_ATTRS))
    valid_to = forms.CharField(label="失效日期（长期有效不填）", required=False,
                               widget=forms.TextInput(attrs=DATE_ATTRS))
    review_due = forms.CharField(label="复审日期", required=False, widget=forms.TextInput(attrs=DATE_ATTRS))

    def clean(self):
        """Every field's problem at once (knowledge/content.py check_content); `content` is the checked text."""
        data = super().clean()
        names = [name for name in _split(data.get("catalog", "")) if name]
        leaves = leaves_named(names)
        unknown = [name for name in names if name not in leaves]
        if unknown:
            self.add_error("catalog", "当前派单目录中没有这些三级条目：" + "、".join(unknown))
        content, errors = check_content(
            title=data.get("title"), body=data.get("body"), keywords=data.get("keywords", ""),
            source_document=data.get("source_document", ""), document_number=data.get("document_number", ""),
            valid_from=data.get("valid_from"), valid_to=data.get("valid_to"), review_due=data.get("review_due"),
            catalog_items=[leaves[name] for name in names if name in leaves])
        for field, message in errors:
            if field in self.fields and not self.has_error(field):
                self.add_error(field, message)
        data["content"] = content
        return data

    @classmethod
    def initial_of(cls, version):
        return {"title": version.title, "body": version.body, "keywords": version.keywords,
                "catalog": "、".join(item.name for item in version.catalog_items.all()),
                "source_document": version.source_document, "document_number": version.document_number,
                "valid_from": version.valid_from.isoformat(),
                "valid_to": version.valid_to.isoformat() if version.valid_to else "",
                "review_due": version.review_due.isoformat() if version.review_due else ""}


def _split(text):
    for separator in (",", "，", ";", "；", "\n", " "):
        text = (text or "").replace(separator, "、")
    return [part.strip() for part in text.split("、")]


class NoteForm(forms.Form):
    note = forms.CharField(label="理由", max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="知识库文件（.xlsx，表头同导出文件）", required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    submit_for_review = forms.BooleanField(label="导入后提交审核", required=False, initial=True)
