"""The API's exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]): DRF's own, plus a write past the
per-person limit (core.ratelimit.RateLimited, raised by a service, or the request throttle of
core/api_limits.py) answered as 429 with Retry-After in the
API's error shape, {"detail": [message]}, like the 400 of a broken rule."""

import math

from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .ratelimit import RateLimited


def exception_handler(exc, context):
    if isinstance(exc, RateLimited):
        return Response({"detail": exc.messages}, status=429, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, Throttled):  # the request budget of core/api_limits.py: the same message and shape
        return exception_handler(RateLimited(retry_after=max(1, math.ceil(exc.wait or 1))), context)  # type: ignore[attr-defined]  # DRF sets Throttled.wait; the stubs omit it
    return drf_exception_handler(exc, context)
