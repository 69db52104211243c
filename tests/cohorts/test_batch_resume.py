"""Issue #16 item 5: no certificate batch left half-done. The chunks of a batch are lost (a killed worker,
a Redis restart): after PDP_STALLED_AFTER without progress the page says "stalled, resuming" and the sweep
queues what is left; every certificate is issued exactly once however often the sweep runs."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cohorts.certificates.services import (
    certificate_batch_note_failure,
    certificate_batch_start,
    certificate_batches_resume,
    certificate_issue,
)
from cohorts.models import Certificate, CertificateBatch, Enrollment
from pdplatform.celery import app as celery_app
from pdplatform.tasks import unfinished_work_resume
from tests.factories import MethodologistFactory

from .factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
COMPLETED = Enrollment.State.COMPLETED


def _lost_batch(n: int, *, issued: int = 0, actor=None) -> CertificateBatch:
    """A batch whose queued work never ran: started, its on-commit queueing dropped (as if Redis lost it)."""
    cohort = CohortFactory()
    enrollments = [EnrollmentFactory(cohort=cohort, state=COMPLETED) for _ in range(n)]
    for enrollment in enrollments[:issued]:
        certificate_issue(enrollment_id=enrollment.pk)
    return certificate_batch_start(
        cohort=cohort, actor=actor
    )  # on_commit never runs in this test's transaction


def _later(seconds: int | None = None):
    return timezone.now() + timedelta(
        seconds=(settings.PDP_STALLED_AFTER + 1) if seconds is None else seconds
    )


def _per_enrollment(batch) -> set[int]:
    return set(
        Enrollment.objects.filter(cohort=batch.cohort, state=COMPLETED)
        .annotate(n=Count("certificate"))
        .values_list("n", flat=True)
    )


def test_a_batch_whose_chunks_were_lost_is_completed_by_the_sweep_exactly_once(
    django_capture_on_commit_callbacks,
):
    batch = _lost_batch(24, issued=3)
    before = dict(
        Certificate.objects.filter(enrollment__cohort=batch.cohort).values_list("enrollment_id", "number")
    )
    assert Certificate.objects.filter(enrollment__cohort=batch.cohort).count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_batches_resume(now=_later()) == [batch.pk]

    assert Certificate.objects.filter(enrollment__cohort=batch.cohort).count() == 24
    assert _per_enrollment(batch) == {1}
    # What was issued before the loss is left as it was (same numbers, not issued again).
    after = dict(Certificate.objects.filter(enrollment_id__in=before).values_list("enrollment_id", "number"))
    assert after == before
    batch.refresh_from_db()
    assert batch.resumed_count == 1
    assert batch.finished_at is not None
    assert (batch.state, batch.done, batch.percent) == ("done", 24, 100)
    assert batch.created_at <= batch.started_at <= batch.finished_at


def test_a_batch_with_recent_progress_is_not_resumed(django_capture_on_commit_callbacks):
    batch = _lost_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_batches_resume(now=_later(settings.PDP_STALLED_AFTER - 5)) == []
    assert Certificate.objects.filter(enrollment__cohort=batch.cohort).count() == 0


def test_sweeps_running_again_and_again_issue_each_certificate_once(django_capture_on_commit_callbacks):
    batch = _lost_batch(22)
    # The sweep's chunks are lost too the first time (nothing runs them): it resumes again later.
    assert certificate_batches_resume(now=_later()) == [batch.pk]
    assert certificate_batches_resume(now=_later()) == []  # just resumed: not again within the interval
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_batches_resume(now=_later(2 * settings.PDP_STALLED_AFTER + 5)) == [batch.pk]
    assert certificate_batches_resume(now=_later(4 * settings.PDP_STALLED_AFTER)) == []  # finished
    # A chunk the broker redelivers late (the killed worker's) changes nothing.
    from cohorts.certificates.tasks import certificates_issue_chunk

    ids = list(Enrollment.objects.filter(cohort=batch.cohort).values_list("pk", flat=True))
    assert certificates_issue_chunk(ids[:20], batch.pk) == 0
    assert Certificate.objects.filter(enrollment__cohort=batch.cohort).count() == 22
    assert (
        Certificate.objects.filter(enrollment__cohort=batch.cohort).values("number").distinct().count() == 22
    )
    assert _per_enrollment(batch) == {1}


def test_a_finished_batch_is_closed_and_never_resumed(django_capture_on_commit_callbacks):
    batch = _lost_batch(2, issued=2)
    assert certificate_batches_resume(now=_later()) == []  # nothing left: closed, nothing queued
    batch.refresh_from_db()
    assert batch.finished_at is not None
    assert batch.resumed_count == 0


def test_an_enrollment_that_failed_with_a_reason_is_not_queued_again(
    django_capture_on_commit_callbacks, monkeypatch
):
    batch = _lost_batch(3)
    failed = Enrollment.objects.filter(cohort=batch.cohort).order_by("pk").first()
    certificate_batch_note_failure(
        batch_id=batch.pk, enrollment_id=failed.pk, message="The background is missing."
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate_batches_resume(now=_later())
    issued = set(
        Certificate.objects.filter(enrollment__cohort=batch.cohort).values_list("enrollment_id", flat=True)
    )
    assert len(issued) == 2
    assert failed.pk not in issued


def test_the_page_says_stalled_resuming_instead_of_running_forever(client):
    methodologist = MethodologistFactory()
    batch = _lost_batch(3, actor=methodologist)
    client.force_login(methodologist)
    url = reverse("cohorts:certificate_batch", args=[batch.pk])
    page = client.get(url).content.decode()
    assert 'data-state="queued"' in page  # its fan-out never ran
    assert "Queued" in page

    CertificateBatch.objects.filter(pk=batch.pk).update(
        progressed_at=timezone.now() - timedelta(seconds=settings.PDP_STALLED_AFTER + 60)
    )
    page = client.get(url).content.decode()
    assert 'data-state="stalled"' in page
    assert "Stalled, resuming" in page
    assert "No progress for 6 min" in page
    assert "Queued" not in page
    assert 'hx-trigger="every 1s"' in page  # still polled: it turns to running, then done, by itself


def test_the_sweep_is_on_the_beat_schedule_and_registered(django_capture_on_commit_callbacks):
    entry = settings.CELERY_BEAT_SCHEDULE["pdplatform-unfinished-work-resume"]
    assert entry["task"] == "pdplatform.tasks.unfinished_work_resume"
    assert entry["task"] in celery_app.tasks
    batch = _lost_batch(2)
    CertificateBatch.objects.filter(pk=batch.pk).update(progressed_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = unfinished_work_resume.apply().get()
    assert result["certificate_batches"] == [batch.pk]
    assert Certificate.objects.filter(enrollment__cohort=batch.cohort).count() == 2
