"""Idle timeout: a logged-in session ends after SESSION_IDLE_MINUTES without a request (sliding expiry)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

LAST_SEEN = "last_seen"
REFRESH_SECONDS = 60  # write the session at most once a minute, not on every request


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "_auth_user_id" in request.session:  # a logged-in browser session (API tokens carry none)
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN) or _login_time(request.user, now)
            if now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, f"超过{settings.SESSION_IDLE_MINUTES}分钟未操作，已自动退出，请重新登录")
            elif now - last_seen >= REFRESH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def _login_time(user, now):
    """Until the first refresh the login itself is the last activity (no session write right after login)."""
    last_login = getattr(user, "last_login", None)
    return int(last_login.timestamp()) if last_login else now
