import socket

from celery import shared_task
from django.utils import timezone

from cohorts.certificates.services import certificate_batches_resume
from cohorts.services import bulk_operations_resume
from core.jobs import RETRY
from pdplatform.reports.services import export_jobs_resume as report_exports_resume
from surveys.services import export_jobs_resume as survey_exports_resume

from .media import media_orphans_remove as remove
from .models import WorkerHeartbeat


@shared_task(name="pdplatform.tasks.heartbeat", **RETRY)
def heartbeat(note: str | None = None) -> str:
    """Idempotent: the same note writes one row however often the task runs."""
    note = note or timezone.now().strftime("beat-%Y%m%d%H%M")
    WorkerHeartbeat.objects.get_or_create(note=note, defaults={"worker": socket.gethostname()})
    return note


@shared_task(name="pdplatform.tasks.unfinished_work_resume", ignore_result=True, **RETRY)
def unfinished_work_resume() -> dict:
    """Periodic: queue again what a lost worker or a Redis restart left unfinished (each app's sweep)."""
    return {
        "certificate_batches": certificate_batches_resume(),
        "bulk_operations": bulk_operations_resume(),
        "report_exports": [str(pk) for pk in report_exports_resume()],
        "survey_exports": [str(pk) for pk in survey_exports_resume()],
    }


@shared_task(name="pdplatform.tasks.media_orphans_remove", ignore_result=True, **RETRY)
def media_orphans_remove() -> int:
    """Hourly: private files no row points to, older than PDP_ORPHAN_FILES_AFTER, are removed."""
    return len(remove())
