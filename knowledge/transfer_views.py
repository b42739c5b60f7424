"""导入导出: the knowledge base as an xlsx file (knowledge/transfer.py)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.errors import DomainError
from core.pages import role_required, show_error
from dispatch.models import CatalogItem

from . import selectors, transfer
from .forms import ImportForm, SearchForm
from .stats_views import _guard
from .views import tabs

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required("kb_read")
@_guard
def transfer_page(request):
    """导入: all rows or none, every problem listed with its row; 导出: the link below."""
    form = ImportForm(request.POST or None, request.FILES or None)
    status, problems = 200, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload is None:
            form.add_error("file", "请选择要导入的 .xlsx 文件")
            status = 400
        else:
            try:
                created, updated = transfer.import_articles(request.user, upload.read(),
                                                            submit=form.cleaned_data["submit_for_review"])
            except DomainError as error:
                problems = getattr(error, "shown", [])
                status = show_error(request, error, form)
            else:
                messages.success(request, f"已导入：新建{created}条，修改{updated}条"
                                          + ("，已提交审核" if form.cleaned_data["submit_for_review"] else ""))
                return redirect("knowledge:transfer")
    return render(request, "knowledge/transfer.html", {
        "form": form, "problems": problems, "search_form": SearchForm(may_filter_status=True),
        "tabs": tabs(request.user)}, status=status)


@role_required("kb_read")
@_guard
def export_xlsx(request):
    """导出: the articles of the list's filters (the user's scope), their newest versions."""
    form = SearchForm(request.GET or None, may_filter_status=True)
    _, category, owner, status = form.values()
    leaves = CatalogItem.objects.only("name")
    articles = (selectors.listed_articles(request.user, category=category, owner=owner, status=status)
                .prefetch_related(Prefetch("latest_version__catalog_items", queryset=leaves)))
    if not selectors.manages_all(request.user):
        articles = articles.filter(owner_id=request.user.unit_id)
    response = HttpResponse(transfer.export_xlsx(articles.iterator(chunk_size=500)), content_type=XLSX_TYPE)
    name = f"knowledge-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
