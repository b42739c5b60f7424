"""The unit's inbox: deadline warnings, breaches and urges (督办) sent to the user's unit, and marking them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessment.clock.notifications import mark_read
from assessment.clock.selectors import unread_notifications
from assessment.models import NotificationKind

LIST_LIMIT = 100


def _kind(request):
    kind = request.GET.get("kind", "")
    return kind if kind in NotificationKind.values else ""


@login_required
def inbox(request):
    kind = _kind(request)
    notes = unread_notifications(request.user)
    if kind:
        notes = notes.filter(kind=kind)
    return render(request, "hotline/notifications.html", {
        "notes": list(notes[:LIST_LIMIT]), "kind": kind, "kinds": NotificationKind.choices,
        "has_unit": request.user.unit_id is not None,
    })


@require_POST
@login_required
def mark_notifications_read(request):
    """The ticked notifications, or (all=1) every unread one up to now; only the user's own unit's change."""
    if request.POST.get("all"):
        changed = mark_read(request.user, unread_notifications(request.user)
                            .filter(created_at__lte=timezone.now()).values("pk"))
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
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
