"""Thin, idempotent tasks: the once-only record in the notifications module makes each reminder go out once."""

from celery import shared_task

from core.jobs import RETRY

from . import services


@shared_task(name="mentoring.tasks.feedback_reminders", **RETRY)
def feedback_reminders() -> int:
    """Beat: remind mentees whose periodic feedback on the mentoring is due (safe to run twice)."""
    return services.feedback_remind_due()
