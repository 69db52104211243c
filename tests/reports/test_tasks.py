"""The report export task lives in pdplatform/reports/tasks.py; a message queued under the name it had
before (pdplatform.tasks.export_report) by a deployment that is being upgraded is still consumed."""

import pytest

from pdplatform.celery import app
from pdplatform.reports.models import ExportJob, ExportLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _worker_registry():
    app.loader.import_default_modules()  # what a worker does when it starts: autodiscover every app's tasks


@pytest.mark.parametrize("name", ["pdplatform.tasks.export_report", "pdplatform.reports.tasks.export_report"])
def test_a_message_under_the_old_or_the_new_name_builds_the_export(world, name):
    job = ExportJob.objects.create(requested_by=world["admin_a"], report="school", fmt="csv")
    assert app.tasks[name].apply(args=[str(job.pk)]).get() == "done"
    job.refresh_from_db()
    assert (job.state, job.done, ExportLog.objects.filter(via="task").count()) == ("done", job.total, 1)


def test_both_names_go_to_the_heavy_queue():
    router = app.amqp.router
    queues = {name: router.route({}, name)["queue"].name for name in app.tasks if "export_report" in name}
    assert queues == {
        "pdplatform.tasks.export_report": "heavy",
        "pdplatform.reports.tasks.export_report": "heavy",
    }
