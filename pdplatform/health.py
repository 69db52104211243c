"""What /healthz checks: each dependency answers "ok" or "error", nothing more.

A probe is read by load balancers, container engines and anyone who can reach the address, so it names
no exception class and repeats no message (a driver's text can carry a host, a user or a path): the
reason is logged here, where the operator reads it. Every dependency that is configured is required;
one that is not configured is reported as such ("eager" broker, "local" cache) and does not count.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)

OK, ERROR = "ok", "error"


def _probe(name: str, check) -> str:
    try:
        result = check()
    except Exception:  # noqa: BLE001 - any failure of a dependency means it is not usable
        logger.exception("healthz: %s check failed", name)
        return ERROR
    return result or OK


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> str | None:
    client = getattr(cache, "_cache", None)
    if client is None or not hasattr(client, "get_client"):
        return "local"  # LocMemCache: one process, nothing to reach (production refuses it, settings.py)
    # The Redis client itself, not cache.get(): the fail-safe cache turns an outage into a miss.
    if not client.get_client(write=True).ping():
        raise ConnectionError("no PONG from the cache")
    return None


def _broker() -> str | None:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from kombu import Connection

    # A fresh connection, not the pool: the check must see the broker as it is now.
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


def _storage() -> None:
    """Media storage (local volume or object store) takes a write and gives it back."""
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != b"ok":
                raise OSError("the stored probe reads back different bytes")
    finally:
        default_storage.delete(name)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "storage": _storage}


def health_report() -> tuple[bool, dict]:
    """(healthy, body): body = {"status": "ok"|"error", "checks": {dependency: "ok"|"error"|state}}."""
    checks = {name: _probe(name, check) for name, check in CHECKS.items()}
    healthy = ERROR not in checks.values()
    return healthy, {"status": OK if healthy else ERROR, "checks": checks}
