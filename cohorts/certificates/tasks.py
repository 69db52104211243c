"""Certificate tasks (queue "heavy", see CELERY_TASK_ROUTES). Thin and idempotent: a task that runs
twice, or on two workers at once, or again after its worker was killed, issues each certificate once
(the service locks the enrollment and the column is unique). Registered under this module's name;
the names they had before (cohorts.tasks.*) stay registered as aliases so that messages already queued
by a running deployment are still consumed (see CHANGELOG.md for when they can go)."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError

from core.jobs import RETRY

from ..models import Certificate, CertificateBatch, Enrollment
from .services import (
    certificate_batch_note_failure,
    certificate_batch_progressed,
    certificate_batch_remaining,
    certificate_issue,
)

logger = logging.getLogger(__name__)
# A chunk takes seconds (a PDF is ~20-60 ms), so a chunk lost with its worker costs little, and the
# sweep can tell a stalled batch (no chunk finished for PDP_STALLED_AFTER) from a slow one.
CHUNK = 20
# A chunk that runs past this is killed and retried (far below the global limit the exports need).
CHUNK_TIME_LIMIT = 300

# Retried on transient errors only (core/jobs.py holds the one policy); rules broken are not retried.


@shared_task(name="cohorts.certificates.tasks.certificate_issue_enrollment", ignore_result=True, **RETRY)
def certificate_issue_enrollment(enrollment_id: int) -> int | None:
    """Issue the certificate of one completed enrollment (queued on commit by enrollment_complete)."""
    try:
        return certificate_issue(enrollment_id=enrollment_id).pk
    except Enrollment.DoesNotExist:
        return None  # the enrollment is gone: nothing to do
    except ValidationError as exc:
        logger.warning("certificate for enrollment %s not issued: %s", enrollment_id, " ".join(exc.messages))
        return None


@shared_task(name="cohorts.certificates.tasks.certificates_issue_for_cohort", ignore_result=True, **RETRY)
def certificates_issue_for_cohort(batch_id: int) -> int:
    """Fan out: chunks of the cohort's completed enrollments that have no certificate yet."""
    batch = CertificateBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return 0
    ids = certificate_batch_remaining(batch)
    certificate_batch_progressed(batch_id=batch_id)  # running now (or done, with nothing left)
    certificates_queue_chunks(ids, batch_id)
    return len(ids)


def certificates_queue_chunks(ids: list[int], batch_id: int) -> None:
    for start in range(0, len(ids), CHUNK):
        certificates_issue_chunk.delay(ids[start : start + CHUNK], batch_id)


@shared_task(
    name="cohorts.certificates.tasks.certificates_issue_chunk",
    ignore_result=True,
    time_limit=CHUNK_TIME_LIMIT,
    soft_time_limit=CHUNK_TIME_LIMIT - 30,
    **RETRY,
)
def certificates_issue_chunk(enrollment_ids: list[int], batch_id: int | None = None) -> int:
    issued = 0
    done = set(
        Certificate.objects.filter(enrollment_id__in=enrollment_ids).values_list("enrollment_id", flat=True)
    )
    for enrollment_id in enrollment_ids:
        if enrollment_id in done:
            continue
        try:
            certificate_issue(enrollment_id=enrollment_id)
            issued += 1
        except Enrollment.DoesNotExist:
            continue
        except (ValidationError, DatabaseError) as exc:
            if isinstance(exc, (OperationalError, InterfaceError)):
                raise  # transient: the whole chunk is retried; what is done stays done
            message = " ".join(getattr(exc, "messages", [str(exc)]))
            logger.warning("certificate for enrollment %s not issued: %s", enrollment_id, message)
            if batch_id:
                certificate_batch_note_failure(
                    batch_id=batch_id, enrollment_id=enrollment_id, message=message
                )
    if batch_id:
        certificate_batch_progressed(batch_id=batch_id)
    return issued


# The names these tasks were registered under before they moved here: a deployment upgraded while
# messages wait in Redis still consumes them. Remove in the release after next (CHANGELOG.md).
@shared_task(name="cohorts.tasks.certificate_issue", ignore_result=True, **RETRY)
def _legacy_certificate_issue(enrollment_id: int) -> int | None:
    return certificate_issue_enrollment(enrollment_id)


@shared_task(name="cohorts.tasks.certificates_issue_for_cohort", ignore_result=True, **RETRY)
def _legacy_certificates_issue_for_cohort(batch_id: int) -> int:
    return certificates_issue_for_cohort(batch_id)


@shared_task(name="cohorts.tasks.certificates_issue_chunk", ignore_result=True, **RETRY)
def _legacy_certificates_issue_chunk(enrollment_ids: list[int], batch_id: int | None = None) -> int:
    return certificates_issue_chunk(enrollment_ids, batch_id)
