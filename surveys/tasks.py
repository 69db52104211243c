"""Thin tasks: load an id, call a service."""

from celery import shared_task

from core.jobs import RETRY

from . import services


@shared_task(**RETRY)
def export_run(job_id: str) -> None:
    services.export_job_run(job_id=job_id)


@shared_task(**RETRY)
def remind_now(survey_id: int, step_key: str) -> int:
    return services.survey_remind_now_run(survey_id=survey_id, step_key=step_key)
