"""/healthz shows the beat and the queues (docs/decisions/0362-one-beat.md): the leader's last tick, who it
is, and how many messages wait in each worker queue; a beat with no tick for PDP_BEAT_STUCK_AFTER seconds
(or none at all) turns the worker role's answer to 503 while the web role stays 200.

The broker is a private redis-server on a free port, so the numbers are exact."""

import json
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from kombu import Connection

from pdplatform.beat import TICK_KEY
from pdplatform.celery import app as celery_app
from tests.conftest import REDIS_SERVER, RedisServer, free_port

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),  # send_task: to the broker
]


@pytest.fixture
def broker(settings):
    """A private Redis as the broker and RedBeat's store, as docker-compose.yml configures them."""
    if not os.path.exists(REDIS_SERVER):
        pytest.fail(f"{REDIS_SERVER} is needed for this test")
    folder = Path(tempfile.mkdtemp(prefix="pdp-beat-health-"))
    server = RedisServer(free_port(), folder).start()
    url = f"redis://127.0.0.1:{server.port}/0"
    settings.CELERY_BROKER_URL = url
    settings.CELERY_REDBEAT_REDIS_URL = url
    try:
        yield redis.Redis.from_url(url)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def tick(client, seconds_ago: float, leader: str = "beat-1:7") -> float:
    at = time.time() - seconds_ago
    client.set(TICK_KEY, json.dumps({"at": at, "leader": leader}))
    return at


def send(url: str, queue: str, count: int) -> None:
    with Connection(url) as conn:
        for _ in range(count):
            celery_app.send_task("pdplatform.tasks.heartbeat", args=["probe"], queue=queue, connection=conn)


def test_a_live_beat_and_the_queue_depths_are_shown(client, broker, settings):
    at = tick(broker, seconds_ago=12)
    send(settings.CELERY_BROKER_URL, "default", 3)
    send(settings.CELERY_BROKER_URL, "heavy", 2)
    for role in ("web", "worker"):
        response = client.get("/healthz", {"role": role})
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["role"] == role
        assert body["checks"] == {
            "database": "ok",
            "cache": "local",
            "broker": "ok",
            "storage": "ok",
            "beat": "ok",
        }
        assert body["beat"] == {
            "last_tick": datetime.fromtimestamp(at, tz=UTC).isoformat(),
            "leader": "beat-1:7",
        }
        assert body["queues"] == {"default": 3, "heavy": 2, "bulk": 0}


def test_prioritised_messages_count_in_their_queue(client, broker, settings):
    tick(broker, seconds_ago=1)
    with Connection(settings.CELERY_BROKER_URL) as conn:
        celery_app.send_task("pdplatform.tasks.heartbeat", queue="bulk", priority=6, connection=conn)
    send(settings.CELERY_BROKER_URL, "bulk", 1)
    assert client.get("/healthz").json()["queues"] == {"default": 0, "heavy": 0, "bulk": 2}


def test_a_stuck_beat_is_503_for_the_worker_role_only(client, broker, settings):
    settings.PDP_BEAT_STUCK_AFTER = 300
    tick(broker, seconds_ago=301)
    worker = client.get("/healthz", {"role": "worker"})
    assert worker.status_code == 503
    assert worker.json()["status"] == "error"
    assert worker.json()["checks"]["beat"] == "stuck"
    assert worker.json()["beat"]["leader"] == "beat-1:7"
    web = client.get("/healthz")
    assert web.status_code == 200
    assert web.json()["role"] == "web"
    assert web.json()["checks"]["beat"] == "stuck"


def test_a_beat_that_never_ticked_is_503_for_the_worker_role(client, broker):
    worker = client.get("/healthz", {"role": "worker"})
    assert worker.status_code == 503
    assert worker.json()["checks"]["beat"] == "stuck"
    assert worker.json()["beat"] == {"last_tick": None, "leader": None}
    assert worker.json()["queues"] == {"default": 0, "heavy": 0, "bulk": 0}
    assert client.get("/healthz", {"role": "web"}).status_code == 200


def test_the_stuck_limit_is_a_setting(client, broker, settings):
    settings.PDP_BEAT_STUCK_AFTER = 60
    tick(broker, seconds_ago=90)
    assert client.get("/healthz", {"role": "worker"}).status_code == 503
    settings.PDP_BEAT_STUCK_AFTER = 120
    assert client.get("/healthz", {"role": "worker"}).status_code == 200


def test_an_unknown_role_is_400_in_the_error_shape(client, broker):
    response = client.get("/healthz", {"role": "<script>"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown role: use web or worker."}


def test_an_unreachable_beat_store_is_503_for_the_worker_role(client, broker, settings):
    settings.CELERY_REDBEAT_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    tick(broker, seconds_ago=1)
    worker = client.get("/healthz", {"role": "worker"})
    assert worker.status_code == 503
    assert worker.json()["checks"]["beat"] == "error"
    assert worker.json()["beat"] == {"last_tick": None, "leader": None}
    assert "Error" not in worker.content.decode()
    assert client.get("/healthz").status_code == 200


def test_the_unknown_role_message_is_in_the_visitors_language(client, broker, settings):
    settings.LANGUAGE_CODE = "ru"
    response = client.get("/healthz", {"role": "db"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Неизвестная роль: укажите web или worker."}
    response = client.get("/healthz", {"role": "db"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.json() == {"detail": "Невідома роль: вкажіть web або worker."}
