"""Report tasks (queue "heavy" by CELERY_TASK_ROUTES "*.tasks.export*"). Thin: load the id, call a service.
Registered under this module's name; the name the export task had before the reports app existed
(pdplatform.tasks.export_report) stays registered as an alias so that messages already queued by a
running deployment are still consumed (see CHANGELOG.md for when it can go)."""

from celery import shared_task

from core.jobs import RETRY

from .services import export_job_run


@shared_task(name="pdplatform.reports.tasks.export_report", **RETRY)
def export_report(job_id: str) -> str | None:
    """A large report export: builds the file of one ExportJob (quiet when the job is gone or finished)."""
    job = export_job_run(job_id=job_id)
    return job.state if job else None


# The name this task was registered under before it moved here: a deployment upgraded while messages
# wait in Redis still consumes them. Remove in the release after next (CHANGELOG.md).
@shared_task(name="pdplatform.tasks.export_report", **RETRY)
def _legacy_export_report(job_id: str) -> str | None:
    return export_report(job_id)
