"""One background-job model (core/jobs.py): report and survey exports, certificate batches and bulk
operations share its states, fields and rules; every task of ours runs with the one retry policy."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation

from cohorts.models import BulkOperation, CertificateBatch
from core.jobs import JOB_ADMIN_FIELDS, RETRY, BackgroundJob
from pdplatform.celery import app
from pdplatform.reports.models import ExportJob as ReportExportJob
from surveys.models import ExportJob as SurveyExportJob
from tests.conftest import our_packages

ROOT = Path(__file__).resolve().parents[2]
JOBS = [ReportExportJob, SurveyExportJob, CertificateBatch, BulkOperation]


@pytest.mark.parametrize("model", JOBS)
def test_every_background_job_has_the_one_shape(model):
    assert issubclass(model, BackgroundJob)
    assert set(JOB_ADMIN_FIELDS) <= {field.name for field in model._meta.get_fields()}
    state = model._meta.get_field("state")
    with translation.override("en"):
        assert [(value, str(label)) for value, label in state.choices] == [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ]
    assert state.default == "queued"
    assert model.State.QUEUED == "queued"
    known = [c for c in model._meta.constraints if c.name.endswith("_state_known")]
    assert [str(c.condition) for c in known] == [
        "(AND: ('state__in', ['queued', 'running', 'done', 'failed']))"
    ]


def test_percent_is_the_share_handled_and_100_only_once_done():
    assert ReportExportJob(total=200, done=50, state="running").percent == 25
    assert SurveyExportJob(total=10, done=10, state="running").percent == 99  # the file is not saved yet
    assert SurveyExportJob(total=10, done=10, state="done").percent == 100
    assert SurveyExportJob(total=0, state="queued").percent == 0
    assert (
        BulkOperation(total=10, done=6, failed=3, state="running").percent == 90
    )  # failures are handled too
    batch = CertificateBatch(total=4, done=2, messages=[{"enrollment": 1, "message": "Нет шаблона"}])
    assert (batch.percent, batch.failed_count, batch.problems) == (75, 1, ["Нет шаблона"])
    assert (ReportExportJob().failed_count, ReportExportJob().problems) == (None, [])


@pytest.mark.parametrize(
    ("state", "is_finished", "stalled"),
    [("queued", False, True), ("running", False, True), ("done", True, False), ("failed", True, False)],
)
def test_finished_and_the_one_stalled_rule(state, is_finished, stalled):
    long_ago = timezone.now() - timedelta(seconds=settings.PDP_STALLED_AFTER + 60)
    for model in JOBS:
        job = model(state=state, progressed_at=long_ago)
        assert (job.is_finished, job.stalled, job.stalled_minutes) == (
            is_finished,
            stalled,
            (settings.PDP_STALLED_AFTER + 60) // 60,
        )
        assert model(state=state, progressed_at=timezone.now()).stalled is False


def test_every_task_of_ours_runs_with_the_one_retry_policy():
    app.loader.import_default_modules()  # as a worker does when it starts
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "pdplatform.reports.tasks.export_report" in ours
    assert "cohorts.tasks.bulk_operation_run" in ours
    policy = {
        name: (
            task.acks_late,
            task.reject_on_worker_lost,
            task.max_retries,
            task.retry_backoff,
            task.retry_backoff_max,
            task.retry_jitter,
            {OperationalError, InterfaceError, OSError} <= set(task.autoretry_for),
        )
        for name, task in ours.items()
    }
    assert policy == {name: (True, True, 8, 5, 300, True, True) for name in ours}


def test_mail_tasks_extend_the_policy_with_smtp_errors():
    from smtplib import SMTPException

    from notifications.tasks import MAIL_RETRY

    assert MAIL_RETRY == {
        **RETRY,
        "autoretry_for": (OperationalError, InterfaceError, OSError, SMTPException),
    }


def test_no_copy_of_the_retry_numbers_outside_core_jobs():
    copies = sorted(
        str(path.relative_to(ROOT))
        for app_dir in our_packages()
        for path in (ROOT / app_dir).rglob("*.py")
        if "retry_backoff" in path.read_text(encoding="utf-8") and path != ROOT / "core" / "jobs.py"
    )
    assert copies == []


@pytest.mark.parametrize(
    "old",
    [
        "reports/_job_progress.html",
        "surveys/_export_job.html",
        "cohorts/_certificate_batch_progress.html",
        "cohorts/_bulk_progress.html",
    ],
)
def test_the_four_progress_partials_are_one(old):
    with pytest.raises(TemplateDoesNotExist):
        get_template(old)
    assert get_template("core/_job_progress.html").origin.name == str(
        ROOT / "templates" / "core" / "_job_progress.html"
    )
