"""The site's URLs plus views that reach an unavailable dependency directly, as code outside the cache does
(tests/pdplatform/test_service_unavailable.py)."""

import redis
from celery import Celery
from django.http import HttpResponse
from django.urls import path

from pdplatform.urls import handler403, handler404, handler500
from pdplatform.urls import urlpatterns as site_urlpatterns
from tests.conftest import free_port

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def redis_down(request):
    redis.Redis(port=free_port(), socket_connect_timeout=1).ping()  # nobody listens there
    return HttpResponse("unreachable")


def broker_down(request):
    # A broker nobody listens on, named explicitly: Celery prefers CELERY_BROKER_URL from the environment
    # over an app's own broker setting, and CI sets it. set_as_current=False: this app must not become the
    # current one, or every shared_task queued later in this test process would go to the dead broker.
    app = Celery(set_as_current=False)
    app.conf.broker_connection_timeout = 1
    with app.connection_for_write(f"redis://127.0.0.1:{free_port()}/0") as connection:
        app.send_task(
            "pdplatform.tasks.heartbeat", connection=connection, retry=False
        )  # the real path retries
    return HttpResponse("queued")


def bug(request):
    raise ZeroDivisionError("a plain bug, not an outage")


urlpatterns = [
    path("outage/redis/", redis_down),
    path("outage/broker/", broker_down),
    path("outage/bug/", bug),
    *site_urlpatterns,
]
