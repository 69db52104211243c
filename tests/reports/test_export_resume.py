"""Issue #16 item 5 for report exports: an export whose task was lost is queued again by the sweep after
PDP_STALLED_AFTER and finished; two runs of one job (a redelivery while the sweep's run goes) leave one
file, one log row and one notice; one lost more than a day ago is marked failed with a clear message."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.models import Notification
from pdplatform.reports import services
from pdplatform.reports.models import ExportJob, ExportLog

pytestmark = pytest.mark.django_db


def _later(extra: int = 1):
    return timezone.now() + timedelta(seconds=settings.PDP_STALLED_AFTER + extra)


def _stored(folder="reports/exports") -> list[str]:
    root = settings.MEDIA_ROOT / folder
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_a_lost_export_is_finished_by_the_sweep(world, django_capture_on_commit_callbacks):
    job = services.export_job_start(
        user=world["admin_a"], report="school", fmt="csv", params={}
    )  # queue lost
    assert services.export_jobs_resume(now=_later(-10)) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_jobs_resume(now=_later()) == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.resumed_count) == ("done", 1)
    assert _stored() == [job.file.name.rsplit("/", 1)[-1]]
    assert services.export_jobs_resume(now=_later(10 * settings.PDP_STALLED_AFTER)) == []


def test_two_runs_of_one_export_leave_one_file_one_log_and_one_notice(world, monkeypatch):
    job = ExportJob.objects.create(requested_by=world["admin_a"], report="school", fmt="csv")
    original = services.write_csv
    nested = {"ran": False}

    def write_while_another_run_finishes(handle, columns, rows, delimiter=None):
        if not nested["ran"]:
            nested["ran"] = True
            services.export_job_run(job_id=job.pk)  # the other run, start to finish, meanwhile
        return original(handle, columns, rows, delimiter)

    monkeypatch.setattr(services, "write_csv", write_while_another_run_finishes)
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "done"
    assert _stored() == [job.file.name.rsplit("/", 1)[-1]]  # the loser's file is gone
    assert ExportLog.objects.filter(via="task").count() == 1
    assert Notification.objects.filter(kind="export_ready").count() == 1


def test_an_export_lost_more_than_a_day_ago_is_marked_failed_not_rebuilt(world, client):
    job = ExportJob.objects.create(requested_by=world["admin_a"], report="school", fmt="csv")
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(days=2), progressed_at=timezone.now() - timedelta(days=2)
    )
    assert services.export_jobs_resume() == []
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == "The export stopped and was not finished; please ask for it again."
    client.force_login(world["admin_a"])
    assert "please ask for it again" in client.get(f"/reports/jobs/{job.pk}/").content.decode()


def test_the_export_page_says_stalled_resuming(world, client):
    job = ExportJob.objects.create(requested_by=world["admin_a"], report="school", fmt="csv")
    client.force_login(world["admin_a"])
    assert 'data-state="queued"' in client.get(f"/reports/jobs/{job.pk}/").content.decode()
    ExportJob.objects.filter(pk=job.pk).update(progressed_at=timezone.now() - timedelta(minutes=30))
    page = client.get(f"/reports/jobs/{job.pk}/").content.decode()
    assert 'data-state="stalled"' in page
    assert "Stalled, resuming" in page
    assert 'hx-trigger="every 1s"' in page
