"""Thin tasks: load ids, call a service. Each is safe to run twice or concurrently."""

from smtplib import SMTPException

from celery import shared_task

from core.jobs import RETRY

from . import services

# The one retry policy (core/jobs.py), and transient mail failures (server down, connection reset) on
# top; the row lock and stamp in the service make a retry after a partial failure harmless.
MAIL_RETRY = {**RETRY, "autoretry_for": (*RETRY["autoretry_for"], SMTPException)}


@shared_task(ignore_result=True, **MAIL_RETRY)
def send_notification_email(notification_id: int) -> bool:
    return services.notification_email_deliver(notification_id=notification_id)


@shared_task(ignore_result=True, **MAIL_RETRY)
def send_digest(user_id: int) -> int:
    return services.digest_deliver(user_id=user_id)


@shared_task(ignore_result=True, **RETRY)
def send_digests() -> int:
    """Beat, daily: one digest task per person with unread digest notifications."""
    user_ids = services.digest_recipient_ids()
    for user_id in user_ids:
        send_digest.delay(user_id)
    return len(user_ids)


@shared_task(ignore_result=True, **RETRY)
def reminder_sweep(rule: str) -> int:
    """Beat: run one reminder rule (a dotted path to a @reminder_rule), each reminder once."""
    return services.reminder_rule_run(rule=rule)


@shared_task(ignore_result=True, **RETRY)
def recover_pending() -> dict:
    """Beat, every few minutes: deliver reminders and mails a crash left behind."""
    return services.pending_recover()
