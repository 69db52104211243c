"""Issue #16 item 5 on the real thing (PostgreSQL, Redis, real Celery workers): a certificate batch is
never left half-done. (M2) the worker's whole process tree SIGKILLed mid-batch, the visibility timeout
left at its hour: the sweep queues what is left and a new worker completes the batch, every certificate
exactly once. (M1) Redis restarted mid-batch: the worker reconnects, the sweep (sent as beat sends it)
resumes what the outage cut off, and the batch completes by itself."""

import os
import shutil
import signal
import socket
import tempfile
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.db.models import Count

from cohorts.certificates.services import certificate_batch_start, certificate_batches_resume
from cohorts.models import Certificate, CertificateBatch, Enrollment
from pdplatform.celery import app as celery_app
from pdplatform.tasks import unfinished_work_resume
from tests.conftest import REDIS_SERVER, RedisServer, free_port, requires_broker, requires_postgres, wait_for

from .factories import CohortFactory
from .test_certificates_worker import _completed_enrollments, _process_tree

pytestmark = [requires_postgres(), requires_broker, pytest.mark.celery_worker]
N = 160  # 8 chunks of 20


def _reset_broker_pools() -> None:
    """The test process's broker connections follow CELERY_BROKER_URL again (after a change or a restart)."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _exactly_once(cohort, ids: list[int]) -> None:
    per_enrollment = dict(
        Enrollment.objects.filter(cohort=cohort).annotate(n=Count("certificate")).values_list("pk", "n")
    )
    assert set(per_enrollment) == set(ids)
    assert set(per_enrollment.values()) == {1}
    issued = Certificate.objects.filter(enrollment__cohort=cohort)
    assert issued.values("number").distinct().count() == N
    for certificate in issued.iterator():
        assert certificate.pdf.storage.exists(certificate.pdf.name)


@pytest.fixture
def worker_env(monkeypatch, settings):
    # Workers write PDFs where this test reads them; the visibility timeout keeps its production hour,
    # so nothing but the sweep can bring a lost chunk back within this test.
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "3600")
    monkeypatch.setenv("PDP_STALLED_AFTER", "1")  # the sweep a worker runs (beat's message) in the Redis test
    settings.PDP_STALLED_AFTER = 1  # the sweep this test process calls


def test_sigkill_mid_batch_the_sweep_requeues_and_every_certificate_is_issued_exactly_once(
    real_worker, worker_env
):
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    broker.delete("heavy", "unacked", "unacked_index")
    cohort = CohortFactory(capacity=N + 10)
    ids = _completed_enrollments(cohort, N)
    first = real_worker("resume-killed", queues="heavy", concurrency=2)
    batch = certificate_batch_start(cohort=cohort, actor=None)  # autocommit here: queued at once

    issued = Certificate.objects.filter(enrollment__cohort=cohort)
    wait_for(lambda: issued.count() >= 30, timeout=180, interval=0.05)
    tree = _process_tree(first.proc.pid)
    for pid in reversed(tree):  # children first, then the main process: nothing gets to clean up
        os.kill(pid, signal.SIGKILL)
    first.proc.wait(timeout=30)
    assert issued.count() < N, "the worker finished before it was killed: make the batch bigger"
    # What the killed worker held is unacknowledged: Redis would give it back only in an hour.
    assert broker.hlen("unacked") >= 1

    # The batch makes no progress now; the sweep (beat's job, called here) finds it stalled and queues
    # what is left — including what is still queued, which must not be issued twice.
    resumed = wait_for(lambda: certificate_batches_resume(), timeout=30)
    assert resumed == [batch.pk]

    real_worker("resume-again", queues="heavy", concurrency=2)
    wait_for(lambda: issued.count() == N, timeout=300, interval=0.5)
    wait_for(
        lambda: CertificateBatch.objects.filter(pk=batch.pk, finished_at__isnull=False).exists(), timeout=120
    )
    _exactly_once(cohort, ids)
    batch.refresh_from_db()
    assert batch.resumed_count == 1


@pytest.fixture
def private_redis(monkeypatch):
    if not os.path.exists(REDIS_SERVER):
        pytest.fail(f"{REDIS_SERVER} is needed for this test")
    folder = Path(tempfile.mkdtemp(prefix="pdp-redis-"))
    server = RedisServer(free_port(), folder).start()
    url = f"redis://127.0.0.1:{server.port}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setenv("CELERY_RESULT_BACKEND", url)
    _reset_broker_pools()
    try:
        yield server
    finally:
        server.stop()
        monkeypatch.undo()
        _reset_broker_pools()
        shutil.rmtree(folder, ignore_errors=True)


def test_redis_restart_mid_batch_the_batch_completes_by_itself(worker_env, private_redis, real_worker):
    cohort = CohortFactory(capacity=N + 10)
    ids = _completed_enrollments(cohort, N)
    worker = real_worker("resume-redis", concurrency=2)
    name = f"resume-redis@{socket.gethostname()}"
    batch = certificate_batch_start(cohort=cohort, actor=None)

    issued = Certificate.objects.filter(enrollment__cohort=cohort)
    wait_for(lambda: issued.count() >= 20, timeout=180, interval=0.05)
    private_redis.stop()  # mid-batch: chunks in flight are cut off from the broker
    assert worker.proc.poll() is None  # the worker keeps running, retrying the connection
    private_redis.start()
    _reset_broker_pools()

    wait_for(lambda: celery_app.control.ping(destination=[name], timeout=0.5), timeout=90)
    # Beat sends the sweep every PDP_RESUME_SWEEP_MINUTES; here its message is sent the same way every 2 s
    # (the worker's PDP_STALLED_AFTER is 1 s), and nothing else is done to the batch.

    def beat_tick_then_complete() -> bool:
        unfinished_work_resume.apply_async(ignore_result=True)
        return issued.count() == N

    wait_for(beat_tick_then_complete, timeout=300, interval=2)
    wait_for(
        lambda: CertificateBatch.objects.filter(pk=batch.pk, finished_at__isnull=False).exists(), timeout=120
    )
    _exactly_once(cohort, ids)
    assert worker.proc.poll() is None
