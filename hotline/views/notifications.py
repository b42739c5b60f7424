"""The user's inbox: new work (派单、协办、吹哨…), deadline warnings, breaches and urges addressed to the user's unit
(and role); filtering it, marking read, following a notice to its order, and the header badge's polling endpoint."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assessment.clock.notifications import mark_read
from assessment.clock.selectors import ALL, READ, UNREAD, inbox_notifications, unread_notifications, unread_summary
from assessment.models import NotificationKind
from core.paging import CappedPaginator

PAGE_SIZE = 50


class InboxFilter(forms.Form):
    """The inbox's GET filter (like the lists' filter bar: the URL of a filtered inbox can be shared)."""

    state = forms.ChoiceField(label="状态", required=False, initial=UNREAD,
                              choices=[(UNREAD, "未读"), (READ, "已读"), (ALL, "全部")])
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *NotificationKind.choices])

    def values(self):
        """(state, kind); a value the form does not know falls back to the default (unread, every kind)."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("state") or UNREAD, data.get("kind") or ""


@login_required
def inbox(request):
    filters = InboxFilter(request.GET)
    state, kind = filters.values()
    page = CappedPaginator(inbox_notifications(request.user, state, kind), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hotline/notifications.html", {
        "filters": filters, "page": page, "notes": page.object_list, "state": state, "kind": kind,
        "has_unit": request.user.unit_id is not None,
    })


@require_GET
@never_cache
def unread_json(request):
    """GET /notifications/unread.json → {"unread": n, "latest": [...]}: what the header badge polls (one query)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "请先登录"}, status=401)
    count, latest = unread_summary(request.user)
    return JsonResponse({"unread": count, "latest": [{
        "id": n.pk, "kind": n.kind, "kind_label": n.get_kind_display(), "text": n.text,
        "created_at": n.created_at.isoformat(), "url": n.url,
    } for n in latest]})


@require_POST
@login_required
def open_notification(request, pk):
    """查看: mark the notice read and go to its order or article (one not addressed to the user: back to the inbox)."""
    note = inbox_notifications(request.user, ALL).filter(pk=pk).select_related(None).only("ticket", "article").first()
    if note is None:
        messages.error(request, "通知不存在或不是发给您的")
        return redirect("hotline:notifications")
    mark_read(request.user, [pk])
    return redirect(note.url)


@require_POST
@login_required
def mark_notifications_read(request):
    """The ticked notifications, or (all=1) every unread one up to now; only those addressed to the user change."""
    if request.POST.get("all"):
        changed = mark_read(request.user, unread_notifications(request.user)
                            .filter(created_at__lte=timezone.now()).values("pk"))
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) <= 18]  # a bigint, no overflow
        if not ids:
            messages.error(request, "请先勾选要标为已读的通知")
            return redirect(_back(request))
        changed = mark_read(request.user, ids)
    messages.success(request, f"已将{changed}条通知标为已读")
    return redirect(_back(request))


def _back(request):
    kind = request.POST.get("kind", "")
    url = reverse("hotline:notifications")
    return f"{url}?kind={kind}" if kind in NotificationKind.values else url
