"""The shared cache on Redis, which a Redis outage does not take down (settings.CACHES with REDIS_URL).

Django's RedisCache raises when Redis is unreachable or too slow, and every page reads the cache
(the page cache, scope tokens, the navigation), so an outage of a few seconds answered every request
with a 500. Here an operation that cannot reach Redis is logged and behaves as a miss: nothing is
read, nothing is stored, the page is rendered from the database. What that costs, and why sign-in is
refused instead: docs/decisions/0151-redisfault-redis-outage.md.

After a failure the process stops trying for FAILURE_PAUSE seconds (OPTIONS, default 5): pages
during an outage do not each wait for a connection timeout, and the warning is logged once a pause.
`failures` counts this thread's operations that did not reach Redis (core.caching.cache_failures).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_paused_until: dict[str, float] = {}  # per process, by LOCATION: when to try Redis again


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.failure_pause = float(options.pop("FAILURE_PAUSE", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)
        self.failures = 0  # a cache object belongs to one thread (django.core.cache.caches)

    def _call(self, operation, miss, *args, **kwargs):
        if time.monotonic() < _paused_until.get(self._location, 0.0):
            self.failures += 1
            return miss
        try:
            return operation(*args, **kwargs)
        except UNREACHABLE as exc:
            self.failures += 1
            _paused_until[self._location] = time.monotonic() + self.failure_pause
            logger.warning(
                "The cache (Redis) is unreachable, pages are served without it for %s s: %s",
                self.failure_pause,
                exc,
            )
            return miss

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True, as if stored: a lock taken with add() (allauth's rate limits) must not wait for an absent Redis.
        return self._call(super().add, True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._call(super().incr, missing, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found.")  # what a missing key raises
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
