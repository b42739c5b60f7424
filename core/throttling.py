"""Request rates per user (per address when anonymous) and per scope: intake, read, actions, token, search.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (settings: THROTTLE_<SCOPE> in the environment). Each
window of the rate's period is one counter in the cache, raised atomically (DRF's own throttles rewrite a list of
every request's time on each request: too costly at the intake rate). With REDIS_URL the counters are shared by
every process; without it each process counts alone. A view names its scope (``throttle_scope``, or per action
``throttle_scopes``); otherwise reading is "read" and writing "actions".
"""

import math
import time

from django.core.cache import cache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def _hit(key, period):
    """Count one request under `key` (expiring after the window) and return the count."""
    if hasattr(cache, "count"):  # core.cache.RedisCache: one round trip
        return cache.count(key, period + 1)
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, timeout=period + 1):
            return 1
        return cache.incr(key)


class ScopedThrottle(BaseThrottle):
    scope = None  # a subclass may fix it; else the view's

    def scope_for(self, request, view):
        if self.scope:
            return self.scope
        by_action = getattr(view, "throttle_scopes", {})
        if getattr(view, "action", None) in by_action:
            return by_action[view.action]
        return getattr(view, "throttle_scope", None) or ("read" if request.method in SAFE_METHODS else "actions")

    def allow_request(self, request, view):
        scope = self.scope_for(request, view)
        rate = (api_settings.DEFAULT_THROTTLE_RATES or {}).get(scope)
        if not rate:
            return True
        limit, period = SimpleRateThrottle.parse_rate(self, rate)
        user = getattr(request, "user", None)
        who = f"u{user.pk}" if user is not None and user.is_authenticated else f"a{self.get_ident(request)}"
        now = time.time()
        window = int(now // period)
        self.retry_after = max(1, math.ceil((window + 1) * period - now))
        return _hit(f"throttle:{scope}:{who}:{period}:{window}", period) <= limit

    def wait(self):
        return self.retry_after


class SearchThrottle(ScopedThrottle):
    """The page search (/tickets/?q=), per user."""

    scope = "search"


class NumberLookupThrottle(ScopedThrottle):
    """Looking a caller's earlier requests up by a whole number (intake: earlier requests, repeat suggestions), per
    user: an agent takes a call every few minutes, so a burst of numbers is someone confirming masked ones."""

    scope = "lookup"


def retry_message(seconds):
    return f"请求过于频繁，请{seconds}秒后再试"
