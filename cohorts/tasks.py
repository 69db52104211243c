"""Thin, idempotent tasks: load ids, call a service. Bulk operations run in chunks and report progress."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.jobs import RETRY, UNFINISHED, job_running

from .models import BulkOperation, Cohort, Enrollment
from .services import (
    cohort_split,
    enrollment_enrol,
    enrollment_expire_offers,
    enrollment_move,
    nomination_create,
)
from .services.copies import submission_check_copy
from .services.learning import announcement_notify_all

logger = logging.getLogger(__name__)
CHUNK = 50


@shared_task(**RETRY)
def expire_offers() -> int:
    """Periodic: expired seat offers pass to the next waitlisted teacher."""
    return enrollment_expire_offers()


@shared_task(**RETRY)
def quiz_close_expired() -> int:
    """Periodic: running quiz attempts past their deadline are graded as they stand (pages and the API
    also do it lazily on the next request that touches the attempt)."""
    from .services import quiz_attempts_close_expired

    return quiz_attempts_close_expired()


@shared_task(**RETRY)
def announcement_notify(announcement_id: int) -> int:
    return announcement_notify_all(announcement_id=announcement_id)


@shared_task(ignore_result=True, **RETRY)
def submission_check_copy_run(submission_id: int) -> int | None:
    """The copy check of a submitted version (queued on commit by submission_submit); the id of the
    matched answer, or None. Quiet when the work is gone; a re-run records the same match."""
    submission = submission_check_copy(submission_id=submission_id)
    return submission.similar_to_id if submission is not None else None


def _progress(operation_id: int, *, done: int = 0, failed: int = 0, message: str | None = None) -> None:
    BulkOperation.objects.filter(pk=operation_id).update(
        done=F("done") + done, failed=F("failed") + failed, progressed_at=timezone.now()
    )
    if message:
        op = BulkOperation.objects.get(pk=operation_id)
        op.messages = (op.messages + [message])[-100:]
        op.save(update_fields=["messages"])


@shared_task(ignore_result=True, **RETRY)
def bulk_operation_run(operation_id: int) -> None:
    """Runs one chunk of a bulk operation, then queues itself for the next: each task takes seconds, so
    one lost with its worker costs little and the sweep (cohorts.services.bulk_operations_resume) can tell
    a stalled operation from a slow one. Each item is handled in one transaction with the operation's
    position, so a re-run, a redelivery or two runs at once handle every item exactly once."""
    op = BulkOperation.objects.select_related("cohort", "created_by").filter(pk=operation_id).first()
    if op is None or op.state not in UNFINISHED:
        return
    BulkOperation.objects.filter(pk=op.pk, state__in=UNFINISHED).update(**job_running())
    try:
        if op.kind == BulkOperation.Kind.SPLIT:
            # A re-run with the same plan moves only who is still in the parent and counts every chunk
            # again: the count starts from zero each run so that it ends exact.
            BulkOperation.objects.filter(pk=op.pk).update(done=0)
            cohort_split(
                cohort=op.cohort,
                groups=int(op.payload["groups"]),
                max_size=int(op.payload["max_size"]),
                unscored=op.payload.get("unscored", "spread"),
                plan=op.payload.get("plan"),
                actor=op.created_by,
                chunk_done=lambda n: _progress(op.pk, done=n),
            )
        elif _run_chunk(op, CHUNK):
            bulk_operation_run.delay(op.pk)  # more to do: the next chunk is its own short task
            return
    except ValidationError as exc:
        BulkOperation.objects.filter(pk=op.pk).update(
            state=BulkOperation.State.FAILED, error=" ".join(exc.messages)[:500], finished_at=timezone.now()
        )
        return
    BulkOperation.objects.filter(pk=op.pk, state__in=UNFINISHED).update(
        state=BulkOperation.State.DONE, finished_at=timezone.now()
    )


def _run_item(op: BulkOperation, item_id: int) -> None:
    if op.kind == BulkOperation.Kind.NOMINATE:
        nomination_create(cohort=op.cohort, teacher=User.objects.get(pk=item_id), nominated_by=op.created_by)
    elif op.kind == BulkOperation.Kind.ENROL:
        enrollment_enrol(cohort=op.cohort, teacher=User.objects.get(pk=item_id), actor=op.created_by)
    elif op.kind == BulkOperation.Kind.MOVE:
        enrollment_move(
            enrollment=Enrollment.objects.get(pk=item_id, cohort=op.cohort),
            to_cohort=Cohort.objects.get(pk=op.payload["to_cohort"]),
            actor=op.created_by,
        )


def _run_chunk(op: BulkOperation, size: int) -> bool:
    """Handle up to `size` items from the operation's position; True while items are left."""
    ids = list(op.payload.get("ids", []))
    for _step in range(size):
        with transaction.atomic():
            locked = BulkOperation.objects.select_for_update().get(pk=op.pk)
            if locked.state not in UNFINISHED or locked.position >= len(ids):
                return False
            item_id = ids[locked.position]
            locked.position += 1
            try:
                with transaction.atomic():
                    _run_item(op, item_id)
                locked.done += 1
            except (ValidationError, User.DoesNotExist, Enrollment.DoesNotExist) as exc:
                locked.failed += 1
                message = " ".join(getattr(exc, "messages", [str(exc)]))
                locked.messages = (locked.messages + [f"{item_id}: {message}"])[-100:]
            locked.progressed_at = timezone.now()
            locked.save(update_fields=["position", "done", "failed", "messages", "progressed_at"])
    return BulkOperation.objects.filter(pk=op.pk, position__lt=len(ids)).exists()


from .certificates import tasks as certificate_tasks  # noqa: E402,F401,I001  (registers the certificate tasks)
