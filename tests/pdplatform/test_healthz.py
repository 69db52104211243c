"""/healthz: ok or error per dependency, 503 when a configured one fails, and never a reason in the body
(it is logged instead: a probe's address is reachable by anyone)."""

import logging
import os

import pytest
from django.db import OperationalError, connection

from tests.conftest import free_port

SECRET = "could not connect to server at 10.9.8.7 as user sekret"  # what a driver's message can carry


def assert_no_reason(response):
    text = response.content.decode()
    for leak in ("Error", "Exception", "10.9.8.7", "sekret", "Traceback", "Refused"):
        assert leak not in text, leak


@pytest.mark.django_db
def test_healthz_reports_each_dependency(client, settings):
    # Without a broker (the embedded default); with one: tests/pdplatform/test_beat_health.py.
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response.json() == {
        "status": "ok",
        "role": "web",
        "checks": {"database": "ok", "cache": "local", "broker": "eager", "storage": "ok", "beat": "eager"},
        "beat": {"last_tick": None, "leader": None},
        "queues": {},
    }


@pytest.mark.django_db
def test_healthz_checks_the_real_redis_cache(client, settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs Redis in REDIS_URL (CI runs it)")
    settings.CACHES = {"default": {"BACKEND": "core.redis_cache.FailSafeRedisCache", "LOCATION": url}}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_database_failure_is_503_without_the_reason(client, monkeypatch, caplog):
    def broken_cursor(*args, **kwargs):
        raise OperationalError(SECRET)

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    with caplog.at_level(logging.ERROR, logger="pdplatform.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["checks"]["database"] == "error"
    assert_no_reason(response)
    assert SECRET in caplog.text  # the operator finds the reason in the log


@pytest.mark.django_db
def test_unreachable_broker_is_503_without_the_reason(client, settings, caplog):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    with caplog.at_level(logging.ERROR, logger="pdplatform.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"
    assert_no_reason(response)
    assert "broker check failed" in caplog.text


@pytest.mark.django_db
def test_unreachable_redis_cache_is_503_although_pages_still_render(client, settings, caplog):
    # The fail-safe cache answers a miss when Redis is down; the probe asks Redis itself.
    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/1",
        }
    }
    with caplog.at_level(logging.ERROR, logger="pdplatform.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error"
    assert_no_reason(response)
    assert "cache check failed" in caplog.text


@pytest.mark.django_db
def test_unwritable_storage_is_503_and_leaves_nothing(client, settings, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    with caplog.at_level(logging.ERROR, logger="pdplatform.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error"
    assert_no_reason(response)
    assert "storage check failed" in caplog.text


@pytest.mark.django_db
def test_storage_probe_cleans_up_after_itself(client, settings):
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200
    probes = settings.MEDIA_ROOT / "healthz"
    assert list(probes.iterdir()) == []
