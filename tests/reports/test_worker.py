"""A large export is built by a real worker from Redis ("heavy" queue); the owner downloads it."""

import csv
import io

import pytest

from notifications.models import Notification
from pdplatform.reports.models import ExportJob
from tests.conftest import requires_broker, requires_postgres, wait_for
from tests.reports.factories import learning_world

pytestmark = [requires_postgres(), requires_broker, pytest.mark.celery_worker]


def test_large_export_runs_on_a_real_worker(real_worker, client, settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))  # the worker writes where the test reads
    settings.REPORTS_EXPORT_ASYNC_ROWS = 1
    world = learning_world()
    real_worker("reports")
    client.force_login(world["admin_a"])
    response = client.get("/reports/export.csv", {"sort": "teacher"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    wait_for(lambda: ExportJob.objects.filter(pk=job.pk, state="done").exists(), timeout=90)
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    # The worker writes in the requester's language, the site's default (ru) here: `;`-separated.
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["boris@example.org", "anna@example.org"]
    assert Notification.objects.filter(recipient=world["admin_a"], kind="export_ready").count() == 1
    client.force_login(world["admin_b"])
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
