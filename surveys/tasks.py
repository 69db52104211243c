"""Thin tasks: load an id, call a service."""

from celery import shared_task

from core.jobs import RETRY

from . import services


@shared_task(**RETRY)
def export_run(job_id: str) -> None:
    services.export_job_run(job_id=job_id)
