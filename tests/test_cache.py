"""The Redis cache's counter (core/cache.py), on the real Redis: the throttles count every request with it."""

import time

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL=redis://… (the real cache)")


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_counter_starts_at_one_counts_up_and_keeps_its_first_expiry():
    assert [cache.count("throttle:test", 60) for _ in range(3)] == [1, 2, 3]
    assert cache.count("throttle:test", 3600) == 4  # a later timeout does not move the window's end
    assert cache.get("throttle:test") == 4  # readable through the ordinary cache API
    client = cache._cache.get_client(write=True)
    remaining = client.ttl(cache.make_key("throttle:test"))
    assert 0 < remaining <= 60


def test_an_expired_counter_starts_again_at_one():
    assert cache.count("throttle:short", 1) == 1
    assert cache.count("throttle:short", 1) == 2
    time.sleep(1.2)
    assert cache.count("throttle:short", 1) == 1


def test_counters_under_different_keys_are_apart():
    cache.count("throttle:a", 60)
    cache.count("throttle:a", 60)
    assert cache.count("throttle:b", 60) == 1
