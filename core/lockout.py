"""Login lockout (django-axes) on every login path: the pages, the admin and POST /api/auth/token/.

A user name is locked after AXES_FAILURE_LIMIT failures, an address (one office's NAT serves many users) after the
higher LOGIN_ADDRESS_FAILURE_LIMIT, each for AXES_COOLOFF_TIME after the last failure; an attempt while locked
counts as a failure. The admin unlocks under 访问尝试 (delete the rows) or `manage.py axes_reset_username NAME`.
"""

import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from config.api_errors import is_api_request, json_error


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per user name and a higher one per address."""

    def get_failures(self, request, credentials=None):
        """The user name's recent failures, or the user limit when the address passed its own limit."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_user = _failures(recent.filter(username=username)) if username else 0
        if _failures(recent.filter(ip_address=request.axes_ip_address)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_user, settings.AXES_FAILURE_LIMIT)
        return by_user

    def reset_user_attempts(self, request, credentials=None):
        """A successful login clears that user's failures, not those of the others behind the same address."""
        username = get_client_username(request, credentials)
        deleted, _rows = AccessAttempt.objects.filter(username=username).delete() if username else (0, None)
        return deleted


def lockout_message():
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    return (f"登录失败次数过多，已暂时锁定：请于{until:%H:%M}（{minutes}分钟）后重试；"
            "如需提前解锁，请联系系统管理员。")


def lockout_response(request, original_response=None, credentials=None):
    """429 with when to retry: the JSON error body for the API, else the page in the site's layout."""
    message, seconds = lockout_message(), str(math.ceil(settings.AXES_COOLOFF_TIME.total_seconds()))
    if is_api_request(request):
        response = json_error(message, "locked_out", 429)
    else:
        response = render(request, "lockout.html", {"message": message}, status=429)
    response["Retry-After"] = seconds
    return response
