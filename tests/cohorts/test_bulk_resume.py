"""Issue #16 item 5 for bulk operations: an operation whose task was lost (a killed worker, a Redis restart)
is queued again by the sweep after PDP_STALLED_AFTER and goes on where it stopped — no teacher handled
twice, no refusal of an already-handled teacher counted as a failure; the page says "stalled, resuming"."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cohorts.models import BulkOperation, Enrollment, Nomination
from cohorts.services import bulk_operation_start, bulk_operations_resume
from cohorts.tasks import _run_chunk, bulk_operation_run
from tests.factories import SchoolAdminFactory, TeacherFactory

from .factories import CohortFactory

pytestmark = pytest.mark.django_db
S = Enrollment.State


def _later(extra: int = 1):
    return timezone.now() + timedelta(seconds=settings.PDP_STALLED_AFTER + extra)


def _nomination(n: int):
    admin = SchoolAdminFactory()
    teachers = TeacherFactory.create_batch(n, school=admin.school)
    cohort = CohortFactory(capacity=n + 5)
    op = bulk_operation_start(kind="nominate", cohort=cohort, actor=admin, ids=[t.pk for t in teachers])
    return op, cohort  # its queueing is on commit, which never comes in this test: the task is "lost"


def test_a_lost_bulk_operation_is_completed_by_the_sweep(django_capture_on_commit_callbacks):
    op, cohort = _nomination(7)
    assert bulk_operations_resume(now=_later(-10)) == []  # not stalled yet
    with django_capture_on_commit_callbacks(execute=True):
        assert bulk_operations_resume(now=_later()) == [op.pk]
    op.refresh_from_db()
    assert (op.state, op.position, op.done, op.failed, op.resumed_count) == ("done", 7, 7, 0, 1)
    assert Enrollment.objects.filter(cohort=cohort, state=S.NOMINATED).count() == 7
    assert bulk_operations_resume(now=_later(10 * settings.PDP_STALLED_AFTER)) == []  # done: never again


def test_an_operation_killed_midway_resumes_where_it_stopped_and_counts_nothing_twice(
    django_capture_on_commit_callbacks,
):
    op, cohort = _nomination(9)
    assert _run_chunk(op, 4) is True  # four teachers handled, then the worker died
    with django_capture_on_commit_callbacks(execute=True):
        assert bulk_operations_resume(now=_later()) == [op.pk]
    op.refresh_from_db()
    # Before the sweep re-ran from the start, the four already nominated were refused and counted failed.
    assert (op.state, op.position, op.done, op.failed, op.messages) == ("done", 9, 9, 0, [])
    assert Nomination.objects.filter(enrollment__cohort=cohort).count() == 9


def test_a_run_redelivered_while_another_finished_handles_nobody_twice(django_capture_on_commit_callbacks):
    op, cohort = _nomination(5)
    bulk_operation_run(op.pk)
    BulkOperation.objects.filter(pk=op.pk).update(state=BulkOperation.State.RUNNING)  # as if redelivered
    bulk_operation_run(op.pk)
    op.refresh_from_db()
    assert (op.state, op.done, op.failed) == ("done", 5, 0)
    assert Nomination.objects.filter(enrollment__cohort=cohort).count() == 5


def test_a_long_operation_runs_as_a_chain_of_short_chunks(monkeypatch, django_capture_on_commit_callbacks):
    import cohorts.tasks

    monkeypatch.setattr(cohorts.tasks, "CHUNK", 2)
    calls = []
    original = bulk_operation_run.run

    def counted(operation_id):
        calls.append(operation_id)
        return original(operation_id)

    monkeypatch.setattr(bulk_operation_run, "run", counted)
    op, _cohort = _nomination(5)
    bulk_operation_run.delay(op.pk)
    op.refresh_from_db()
    assert calls == [op.pk] * 3  # 2 + 2 + 1
    assert (op.state, op.done) == ("done", 5)


def test_two_sweeps_resume_an_operation_once(django_capture_on_commit_callbacks):
    op, _cohort = _nomination(2)
    assert bulk_operations_resume(now=_later()) == [op.pk]
    assert bulk_operations_resume(now=_later()) == []


def test_the_bulk_page_says_stalled_resuming(client):
    op, _cohort = _nomination(2)
    client.force_login(op.created_by)
    url = reverse("cohorts:bulk", args=[op.pk])
    page = client.get(url).content.decode()
    assert 'data-state="queued"' in page
    BulkOperation.objects.filter(pk=op.pk).update(progressed_at=timezone.now() - timedelta(hours=1))
    page = client.get(url).content.decode()
    assert 'data-state="stalled"' in page
    assert "Stalled, resuming" in page
    assert 'hx-trigger="every 1s"' in page


def test_an_operation_that_breaks_a_rule_fails_with_its_reason_shown_on_the_page(client, monkeypatch):
    from django.core.exceptions import ValidationError

    import cohorts.tasks

    op, cohort = _nomination(2)

    def refuse(op, size):
        raise ValidationError("Поток уже завершён.")

    monkeypatch.setattr(cohorts.tasks, "_run_chunk", refuse)
    bulk_operation_run(op.pk)
    op.refresh_from_db()
    assert (op.state, op.error, op.messages, op.is_finished, op.stalled) == (
        "failed",
        "Поток уже завершён.",
        [],
        True,
        False,
    )
    assert op.started_at <= op.finished_at
    client.force_login(op.created_by)
    page = client.get(reverse("cohorts:bulk", args=[op.pk]), headers={"HX-Request": "true"}).content.decode()
    assert '<span class="badge text-bg-danger" data-state="failed">Failed</span>' in page
    assert "It failed: Поток уже завершён." in page
    assert "every 1s" not in page and "<html" not in page  # the partial alone, no longer polled
