"""The one per-user write rate limit: a fixed-window counter in Django's cache (Redis in production,
so it holds across gunicorn workers and machines; the production check refuses a process-local cache).

Limits come from the `RATE_LIMITS` setting (env `PDP_RATE_LIMITS`), e.g. "preview=30/m,post=10/m,topic=5/m":
an action name, how many, per which period (`s`, `m`, `h`, `d`, optionally with a count: `5/10m`).
An action not named there is not limited. Call `rate_limit_hit(action=…, key=user.pk)` where the write is
accepted; over the limit it raises `RateLimited` (a ValidationError with a clear, translated message and
the seconds to wait) and counts nothing more than the attempt. Services call it first thing (topics,
replies, materials with their uploads, questions to curators), so pages, the API, admin and tasks share one
budget per person (submitted files count as "upload"). Pages show the message on the form they re-render and pass the response through
`too_many()` (HTTP 429 + Retry-After); the API answers 429 through core/api_errors.py.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*([\w.-]+)\s*=\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


class RateLimited(ValidationError):
    """Too many writes of one kind in the current window; `retry_after` is in seconds."""

    def __init__(self, *, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            _("Too many attempts in a short time. Please wait %(seconds)d s and try again.")
            % {"seconds": retry_after},
            code="rate_limited",
        )


def parse_rates(text: str) -> dict[str, Rate]:
    """ "preview=30/m,post=10/5m" → {"preview": Rate(30, 60), "post": Rate(10, 300)}; a malformed entry is an error."""
    rates = {}
    for part in filter(None, (piece.strip() for piece in (text or "").split(","))):
        match = _RATE.match(part)
        if not match:
            raise ImproperlyConfigured(f"rate limit {part!r}: expected action=COUNT/PERIOD such as post=10/m")
        action, limit, count, unit = match.groups()
        rates[action] = Rate(limit=int(limit), seconds=int(count or 1) * _UNITS[unit])
    return rates


def rate_of(action: str) -> Rate | None:
    return parse_rates(getattr(settings, "RATE_LIMITS", "")).get(action)


def rate_limit_hit(*, action: str, key) -> None:
    """Count one attempt of `action` by `key` (a user's id); raise RateLimited past the action's limit."""
    rate = rate_of(action)
    if rate is None:
        return
    now = time.time()
    window = int(now // rate.seconds)
    cache_key = f"ratelimit:{action}:{key}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window's counter expired between add and incr: this is its first attempt
        cache.add(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.limit:
        raise RateLimited(retry_after=max(1, int((window + 1) * rate.seconds - now + 0.999)))


def too_many(response, refused: BaseException | None):
    """The page (or fragment) that shows a refusal: when it was RateLimited, HTTP 429 with Retry-After."""
    if isinstance(refused, RateLimited):
        response.status_code = 429
        response["Retry-After"] = str(refused.retry_after)
    return response
