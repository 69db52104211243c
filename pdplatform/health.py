"""What /healthz checks: each dependency answers "ok" or "error", nothing more.

A probe is read by load balancers, container engines and anyone who can reach the address, so it names
no exception class and repeats no message (a driver's text can carry a host, a user or a path): the
reason is logged here, where the operator reads it. Every dependency that is configured is required;
one that is not configured is reported as such ("eager" broker, "local" cache) and does not count.

Two roles ask (docs/decisions/0362-one-beat.md): the web role (`/healthz`, the load balancer) needs the
checks above; the worker role (`/healthz?role=worker`, the worker and beat containers) needs a live beat
too: "stuck" when the leader's last tick (pdplatform/beat.py) is older than PDP_BEAT_STUCK_AFTER or there
is none. Both see the last tick, the leader and how many messages wait in each worker queue.
"""

import json
import logging
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from .beat import TICK_KEY

logger = logging.getLogger(__name__)

OK, ERROR, STUCK = "ok", "error", "stuck"
ROLES = ("web", "worker")
# kombu's Redis transport keeps a queue's prioritised messages in lists next to the queue's own.
PRIORITY_SEPARATOR, PRIORITY_STEPS = "\x06\x16", (3, 6, 9)


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


def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def _last_tick() -> dict | None:
    """The leader's last tick as {"at": unix time, "leader": "host:pid"}, None before the first one."""
    raw = _redis(settings.CELERY_REDBEAT_REDIS_URL).get(TICK_KEY)
    return json.loads(raw) if raw else None


def _queue_depths() -> dict[str, int]:
    """Messages waiting in each queue the workers consume (LLEN of the broker's lists)."""
    names = [name.strip() for name in settings.CELERY_WORKER_QUEUES.split(",") if name.strip()]
    with _redis(settings.CELERY_BROKER_URL).pipeline(transaction=False) as pipe:
        for name in names:
            for key in (name, *(f"{name}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS)):
                pipe.llen(key)
        lengths = pipe.execute()
    per_queue = 1 + len(PRIORITY_STEPS)
    return {name: sum(lengths[i * per_queue : (i + 1) * per_queue]) for i, name in enumerate(names)}


def _beat() -> tuple[str, dict, dict]:
    """(state, {"last_tick", "leader"}, queue depths); state is eager, ok, stuck or error."""
    if not settings.CELERY_BROKER_URL:
        return "eager", {"last_tick": None, "leader": None}, {}
    try:
        tick, queues = _last_tick(), _queue_depths()
    except Exception:  # noqa: BLE001 - an unreachable or broken Redis means the beat cannot be seen
        logger.exception("healthz: beat check failed")
        return ERROR, {"last_tick": None, "leader": None}, {}
    if tick is None:
        return STUCK, {"last_tick": None, "leader": None}, queues
    last = datetime.fromtimestamp(tick["at"], tz=UTC)
    state = STUCK if time.time() - tick["at"] > settings.PDP_BEAT_STUCK_AFTER else OK
    return state, {"last_tick": last.isoformat(), "leader": tick["leader"]}, queues


def health_report(role: str = "web") -> tuple[bool, dict]:
    """(healthy, body): body = {"status": "ok"|"error", "role", "checks": {dependency: "ok"|"error"|state},
    "beat": {"last_tick", "leader"}, "queues": {queue: waiting messages}}. Only the worker role counts the
    beat: a stuck beat does not take the web containers out of the load balancer."""
    checks = {name: _probe(name, check) for name, check in CHECKS.items()}
    checks["beat"], beat, queues = _beat()
    counted = [state for name, state in checks.items() if name != "beat" or role == "worker"]
    healthy = ERROR not in counted and STUCK not in counted
    body = {
        "status": OK if healthy else ERROR,
        "role": role,
        "checks": checks,
        "beat": beat,
        "queues": queues,
    }
    return healthy, body
