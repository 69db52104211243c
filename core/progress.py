"""The one rule for "stalled": background work (a certificate batch, a bulk operation, an export) whose
record has not progressed for PDP_STALLED_AFTER seconds. Its page says "stalled, resuming" and the sweep
(pdplatform.tasks.unfinished_work_resume) queues what is left; see docs/decisions/0201-batch-resume-sweep.md."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def stalled_cutoff(now: datetime | None = None) -> datetime:
    """Records that last progressed before this instant are stalled."""
    return (now or timezone.now()) - timedelta(seconds=settings.PDP_STALLED_AFTER)


def is_stalled(progressed_at: datetime | None, now: datetime | None = None) -> bool:
    return progressed_at is not None and progressed_at < stalled_cutoff(now)


def stalled_minutes(progressed_at: datetime, now: datetime | None = None) -> int:
    """Whole minutes without progress (at least 1), for the page."""
    return max(1, int(((now or timezone.now()) - progressed_at).total_seconds() // 60))
