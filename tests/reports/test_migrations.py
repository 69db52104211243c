"""ExportJob and ExportLog move from the pdplatform app to reports without a row copied or lost: a database
seeded at the old layout (pdplatform 0003, no reports app) is migrated forward and read with the new models."""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

OLD_LAYOUT = ("pdplatform", "0003_export_job_progress_and_resume")
BEFORE = [OLD_LAYOUT, ("reports", None)]


def _latest(executor: MigrationExecutor) -> list:
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_export_rows_survive_the_move_to_the_reports_app():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    others = [node for node in _latest(executor) if node[0] not in ("pdplatform", "reports")]
    old = executor.loader.project_state([OLD_LAYOUT, *others]).apps
    User = old.get_model("accounts", "User")
    OldJob, OldLog = old.get_model("pdplatform", "ExportJob"), old.get_model("pdplatform", "ExportLog")
    owner = User.objects.create(email="zavuch@school.example", full_name="Ольга Петренко")
    stamp = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    waiting = OldJob.objects.create(
        id=uuid.UUID("11111111-1111-1111-1111-111111111111"),
        requested_by=owner,
        report="school",
        fmt="xlsx",
        params={"year": "2025"},
        state="pending",
        total=70000,
        done=1200,
        progressed_at=stamp,
    )
    ready = OldJob.objects.create(
        id=uuid.UUID("22222222-2222-2222-2222-222222222222"),
        requested_by=owner,
        report="cohort",
        fmt="csv",
        state="done",
        total=5,
        done=5,
        file="reports/exports/22222222-2222-2222-2222-222222222222.csv",
        finished_at=stamp,
        progressed_at=stamp,
    )
    failed = OldJob.objects.create(
        requested_by=owner, report="teachers", fmt="csv", state="failed", error="Неизвестное значение"
    )
    log = OldLog.objects.create(
        user=owner, report="school", fmt="csv", filters={"state": "completed"}, rows=42
    )

    executor = MigrationExecutor(connection)
    executor.migrate(_latest(executor))

    from django.contrib.contenttypes.models import ContentType

    from pdplatform.reports.models import ExportJob, ExportLog

    jobs = {
        str(job.pk): (job.requested_by_id, job.report, job.fmt, job.state, job.total, job.done, job.error)
        for job in ExportJob.objects.all()
    }
    assert jobs == {
        str(waiting.pk): (owner.pk, "school", "xlsx", "queued", 70000, 1200, ""),
        str(ready.pk): (owner.pk, "cohort", "csv", "done", 5, 5, ""),
        str(failed.pk): (owner.pk, "teachers", "csv", "failed", 0, 0, "Неизвестное значение"),
    }
    moved = ExportJob.objects.get(pk=waiting.pk)
    assert (moved.params, moved.progressed_at) == ({"year": "2025"}, stamp)
    assert ExportJob.objects.get(pk=ready.pk).file.name == ready.file.name
    assert list(
        ExportLog.objects.values_list("pk", "user_id", "report", "fmt", "filters", "rows", "via")
    ) == [(log.pk, owner.pk, "school", "csv", {"state": "completed"}, 42, "web")]
    assert ExportJob._meta.db_table == "pdplatform_exportjob"
    assert ContentType.objects.get_for_model(ExportJob).app_label == "reports"
