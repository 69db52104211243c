"""The API's exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]): DRF's own, plus a write past the
per-person limit (core.ratelimit.RateLimited, raised by a service) answered as 429 with Retry-After in the
API's error shape, {"detail": [message]}, like the 400 of a broken rule."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .ratelimit import RateLimited


def exception_handler(exc, context):
    if isinstance(exc, RateLimited):
        return Response({"detail": exc.messages}, status=429, headers={"Retry-After": str(exc.retry_after)})
    return drf_exception_handler(exc, context)
