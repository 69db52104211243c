"""The API's exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]) and its one error shape, documented
for every operation by core/api_schema.py:

- `{"detail": "message"}` — DRF's own refusals (401, 403, 404, 405);
- `{"detail": ["message", ...]}` — a broken rule (a service's ValidationError, 400) or a limit (429 with
  Retry-After: a write past the per-person limit, core.ratelimit.RateLimited, or the request budget of
  core/api_limits.py);
- `{"field": ["message", ...], ...}` — the fields that do not validate (400).

A bare list of messages (`ValidationError(["..."])`) is put under `detail`, so no answer is a JSON array.
"""

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import Throttled
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .ratelimit import RateLimited


def exception_handler(exc, context):
    if isinstance(exc, RateLimited):
        return Response({"detail": exc.messages}, status=429, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, Throttled):  # the request budget of core/api_limits.py: the same message and shape
        return exception_handler(RateLimited(retry_after=max(1, math.ceil(exc.wait or 1))), context)  # type: ignore[attr-defined]  # DRF sets Throttled.wait; the stubs omit it
    if isinstance(exc, DjangoValidationError):  # a service's rule, raised through a view: 400, not 500
        exc = ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response
