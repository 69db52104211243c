"""Issue 4, item 11, on the real thing: a bulk issuance of a few hundred certificates on a real
worker (Redis + PostgreSQL), the worker's whole process tree SIGKILLed in the middle, a new worker
started: in the end every completed enrollment has exactly one certificate, and every PDF exists."""

import os
import signal
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from cohorts.certificates.services import certificate_batch_start
from cohorts.models import Certificate, Enrollment
from tests.conftest import requires_broker, requires_postgres, wait_for

from .factories import CohortFactory

pytestmark = [requires_postgres(), requires_broker]
N = 300


def _completed_enrollments(cohort, n: int) -> list[int]:
    users = User.objects.bulk_create(
        [
            User(email=f"kill{i}@example.org", full_name=f"Учитель Номер {i}", preferred_language="ru")
            for i in range(n)
        ]
    )
    now = timezone.now()
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                cohort=cohort, teacher=u, state=Enrollment.State.COMPLETED, enrolled_at=now, completed_at=now
            )
            for u in users
        ]
    )
    return list(Enrollment.objects.filter(cohort=cohort).values_list("pk", flat=True))


def _process_tree(pid: int) -> list[int]:
    """The worker's main process and all its descendants (prefork children), read from /proc."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            todo.extend(int(child) for child in children)
    return found


def test_sigkill_mid_bulk_issuance_then_a_new_worker_every_completed_enrollment_has_exactly_one(
    real_worker, monkeypatch, settings
):
    # The worker writes PDFs where this test reads them; a killed worker's unacknowledged messages
    # come back after the visibility timeout, shortened here so the test does not wait an hour.
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "8")
    cohort = CohortFactory(capacity=N + 10)
    ids = _completed_enrollments(cohort, N)
    first = real_worker("certs-killed", concurrency=2)
    certificate_batch_start(cohort=cohort, actor=None)  # autocommit here: queued at once

    issued = Certificate.objects.filter(enrollment__cohort=cohort)
    wait_for(lambda: issued.count() >= 30, timeout=180, interval=0.05)
    tree = _process_tree(first.proc.pid)
    assert len(tree) >= 3  # the main process and its two pool processes
    for pid in reversed(tree):  # children first, then the main process: nothing gets to clean up
        os.kill(pid, signal.SIGKILL)
    first.proc.wait(timeout=30)
    at_kill = issued.count()
    assert at_kill < N, "the worker finished before it was killed: make the batch bigger"

    real_worker("certs-again", concurrency=2)
    wait_for(lambda: issued.count() == N, timeout=300, interval=0.5)

    per_enrollment = dict(
        Enrollment.objects.filter(cohort=cohort).annotate(n=Count("certificate")).values_list("pk", "n")
    )
    assert set(per_enrollment) == set(ids)
    assert set(per_enrollment.values()) == {1}
    assert Certificate.objects.filter(enrollment__cohort=cohort).values("number").distinct().count() == N
    for certificate in issued.iterator():
        assert certificate.pdf.storage.exists(certificate.pdf.name)
