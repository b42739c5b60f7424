"""The Redis cache: Django's own backend with one client per process and a counter that costs one round trip.

Django's client builds a new redis.Redis (with its table of ~170 response callbacks) on every cache call, and its
incr asks EXISTS before INCR. The throttles count every API request, so both show in intake's CPU per ticket.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# INCR, and give a new counter its expiry, atomically in Redis (no window where a counter lives forever).
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class ReusedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id of a connection pool -> its redis.Redis (thread-safe; the pool checks forks)
        self._count_script = None

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count(self, key, timeout):
        client = self.get_client(key, write=True)
        if self._count_script is None:
            self._count_script = client.register_script(_COUNT_SCRIPT)
        return int(self._count_script(keys=[key], args=[int(timeout)], client=client))


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient

    def count(self, key, timeout):
        """Raise the counter `key` by one, starting it at 1 with an expiry of `timeout` seconds; its new value."""
        return self._cache.count(self.make_and_validate_key(key), timeout)
