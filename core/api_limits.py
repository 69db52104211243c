"""The API's request throttle (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]): the one rate-limit counter of
core/ratelimit.py, so pages, services and the API count in the same place (Redis in production).

Two budgets from `RATE_LIMITS` (env `PDP_RATE_LIMITS`): `api_anon` per client address (allauth's client IP,
which honours DJANGO_TRUSTED_PROXY_COUNT) and `api_user` per signed-in person (session or token). Past
it DRF answers 429 with Retry-After in the API's error shape; an action not named in the setting is not
limited.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from rest_framework.throttling import BaseThrottle

from .ratelimit import RateLimited, rate_limit_hit


class ApiRateLimit(BaseThrottle):
    def __init__(self):
        self.retry_after: int | None = None

    def allow_request(self, request, view) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            action, key = "api_user", user.pk
        else:
            action, key = "api_anon", get_adapter().get_client_ip(request._request)
        try:
            rate_limit_hit(action=action, key=key)
        except RateLimited as refused:
            self.retry_after = refused.retry_after
            return False
        return True

    def wait(self) -> float | None:
        return self.retry_after
