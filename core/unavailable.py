"""A dependency that is down answers 503 with Retry-After, never an empty 500.

When the database (or Redis, or the Celery broker) cannot be reached, a request fails with an
OperationalError or a redis/kombu connection error. Django would answer with the 500 page, whose
rendering ran the context processors (they read the user and their roles: the database again), so the
visitor got an empty 500. Here such an error answers 503 with `Retry-After: 30` and the static 503 page
(templates/503.html: no context processors, no database, no cache, only static files and translations).
ServiceUnavailableMiddleware catches it from a view; the 500 handler (pdplatform.views.error_500) from
a middleware (a session read when the database is down).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from kombu.exceptions import OperationalError as BrokerUnreachable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, BrokerUnreachable)


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGES)


def service_unavailable() -> HttpResponse:
    """The 503 page in the active language, rendered without the request (its context processors need the
    database), never stored by a cache on the way."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.warning(
            "%s %s: a dependency is unavailable, answered 503",
            request.method,
            request.path,
            exc_info=exception,
        )
        return service_unavailable()
