"""Certificate tasks (queue "heavy", see CELERY_TASK_ROUTES). Thin and idempotent: a task that runs
twice, or on two workers at once, or again after its worker was killed, issues each certificate once
(the service locks the enrollment and the column is unique). Named under cohorts.tasks.* so the
routes and the worker see them as the app's tasks."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError

from .models import Certificate, CertificateBatch, Enrollment
from .services.certificates import certificate_batch_note_failure
from .services.certificates import certificate_issue as issue

logger = logging.getLogger(__name__)
CHUNK = 20

# Transient: the database restarting or a lock timeout, storage hiccups. Rules broken are not retried.
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="cohorts.tasks.certificate_issue", ignore_result=True, **RETRY)
def certificate_issue(enrollment_id: int) -> int | None:
    """Issue the certificate of one completed enrollment (queued on commit by enrollment_complete)."""
    try:
        return issue(enrollment_id=enrollment_id).pk
    except Enrollment.DoesNotExist:
        return None  # the enrollment is gone: nothing to do
    except ValidationError as exc:
        logger.warning("certificate for enrollment %s not issued: %s", enrollment_id, " ".join(exc.messages))
        return None


@shared_task(name="cohorts.tasks.certificates_issue_for_cohort", ignore_result=True, **RETRY)
def certificates_issue_for_cohort(batch_id: int) -> int:
    """Fan out: chunks of the cohort's completed enrollments that have no certificate yet."""
    batch = CertificateBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return 0
    ids = list(
        Enrollment.objects.filter(cohort_id=batch.cohort_id, state=Enrollment.State.COMPLETED, certificate__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        certificates_issue_chunk.delay(ids[start : start + CHUNK], batch_id)
    return len(ids)


@shared_task(name="cohorts.tasks.certificates_issue_chunk", ignore_result=True, **RETRY)
def certificates_issue_chunk(enrollment_ids: list[int], batch_id: int | None = None) -> int:
    issued = 0
    done = set(Certificate.objects.filter(enrollment_id__in=enrollment_ids).values_list("enrollment_id", flat=True))
    for enrollment_id in enrollment_ids:
        if enrollment_id in done:
            continue
        try:
            issue(enrollment_id=enrollment_id)
            issued += 1
        except Enrollment.DoesNotExist:
            continue
        except (ValidationError, DatabaseError) as exc:
            if isinstance(exc, (OperationalError, InterfaceError)):
                raise  # transient: the whole chunk is retried; what is done stays done
            message = " ".join(getattr(exc, "messages", [str(exc)]))
            logger.warning("certificate for enrollment %s not issued: %s", enrollment_id, message)
            if batch_id:
                certificate_batch_note_failure(batch_id=batch_id, enrollment_id=enrollment_id, message=message)
    return issued
