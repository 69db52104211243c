"""Issue #16 item 5 for survey result exports: a lost export is queued again by the sweep and finished;
two runs of one job leave one file; the page says "stalled, resuming" while it waits."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from surveys import exports, services
from surveys.models import ExportJob
from tests.factories import TeacherFactory

from .test_views import _filled_feedback

pytestmark = pytest.mark.django_db


def _stored() -> list[str]:
    root = settings.MEDIA_ROOT / "surveys" / "exports"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def _job():
    curator = TeacherFactory(roles=["curator"])
    survey, *_ = _filled_feedback(curators=[curator])
    return ExportJob.objects.create(survey=survey, requested_by=curator, total=18, fmt="csv"), curator


def test_a_lost_survey_export_is_finished_by_the_sweep(django_capture_on_commit_callbacks):
    job, _curator = _job()
    later = timezone.now() + timedelta(seconds=settings.PDP_STALLED_AFTER + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_jobs_resume(now=later) == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.done, job.resumed_count) == ("done", 18, 1)
    assert services.export_jobs_resume(now=later) == []


def test_two_runs_of_one_survey_export_leave_one_file(monkeypatch):
    job, _curator = _job()
    original = exports.write_file
    nested = {"ran": False}

    def write_while_another_run_finishes(rows, handle, **kwargs):
        if not nested["ran"]:
            nested["ran"] = True
            services.export_job_run(job_id=job.pk)
        return original(rows, handle, **kwargs)

    monkeypatch.setattr(exports, "write_file", write_while_another_run_finishes)
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "done"
    assert _stored() == [job.file.name.rsplit("/", 1)[-1]]


def test_the_survey_export_page_says_stalled_resuming(client):
    job, curator = _job()
    ExportJob.objects.filter(pk=job.pk).update(progressed_at=timezone.now() - timedelta(minutes=30))
    client.force_login(curator)
    page = client.get(reverse("surveys:export_job", args=[job.pk])).content.decode()
    assert 'data-state="stalled"' in page
    assert "Stalled, resuming" in page
