"""The one shape of background work (decision 0301): a report or survey export, a bulk operation on a
cohort, a certificate batch. Each is a model inheriting `BackgroundJob` (one set of states, the counts,
the error, the timestamps, percent / is_finished / stalled), shown by one polling partial
(templates/core/_job_progress.html, rendered by `job_progress_response`) and run by tasks that all take `RETRY` — the one retry policy.

Who moves a job along is its app's service; this module knows no app."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError, models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .progress import is_stalled, stalled_minutes


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


UNFINISHED = (JobState.QUEUED, JobState.RUNNING)
FINISHED = (JobState.DONE, JobState.FAILED)


class BackgroundJob(models.Model):
    """Fields and rules every background job shares. `progressed_at` is the "updated" stamp: written each
    time the job moves forward (not on every save), it is what the stalled rule (core/progress.py) reads.
    A model that can go on where a lost run stopped keeps its own resume position (BulkOperation.position)."""

    State = JobState

    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progressed_at = models.DateTimeField(_("last progress at"), default=timezone.now)
    resumed_at = models.DateTimeField(_("last resumed at"), null=True, blank=True)
    resumed_count = models.PositiveSmallIntegerField(_("times resumed"), default=0)

    class Meta:
        abstract = True

    @staticmethod
    def constraints(prefix: str) -> list[models.BaseConstraint]:
        """The invariants of every job, for the model's Meta.constraints (names prefixed per table)."""
        return [
            models.CheckConstraint(condition=Q(state__in=JobState.values), name=f"{prefix}_state_known"),
        ]

    @property
    def handled(self) -> int:
        """Items dealt with so far (a model that also counts failures adds them)."""
        return self.done

    @property
    def failed_count(self) -> int | None:
        """Items that failed, for a job that goes on past them; None for one that does not count them."""
        return None

    @property
    def problems(self) -> list[str]:
        """What went wrong with single items (shown under the bar); the job's own failure is `error`."""
        return []

    @property
    def percent(self) -> int:
        """100 once done; otherwise the share handled, never 100 before the job says it is finished."""
        if self.state == JobState.DONE:
            return 100
        return min(99, int(100 * self.handled / self.total)) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def stalled(self) -> bool:
        """Queued or running with no progress for PDP_STALLED_AFTER: the page says "stalled, resuming"."""
        return self.state in UNFINISHED and is_stalled(self.progressed_at)

    @property
    def stalled_minutes(self) -> int:
        return stalled_minutes(self.progressed_at)


# The shared fields, read-only wherever a job is shown in the admin (after the model's own).
JOB_ADMIN_FIELDS = (
    "state",
    "total",
    "done",
    "error",
    "created_at",
    "started_at",
    "finished_at",
    "progressed_at",
    "resumed_at",
    "resumed_count",
)


def job_running(now=None) -> dict:
    """The values of `queryset.update(**job_running())` that mark a job running: started (the first
    start is kept when a run is resumed) and progressed now."""
    now = now or timezone.now()
    return {
        "state": JobState.RUNNING,
        "started_at": Coalesce(F("started_at"), Value(now)),
        "progressed_at": now,
    }


# The one retry policy of background tasks: transient failures only (the database restarting, a lock
# timeout, storage or network hiccups) are retried, with jittered exponential backoff; a broken rule is
# not. Messages are acknowledged after the task ran and redelivered if its worker died (the settings say
# the same for every task; here it is pinned per task so that no task can run without it). Mail tasks
# extend `autoretry_for` with SMTP errors: {**RETRY, "autoretry_for": (*RETRY["autoretry_for"], SMTPException)}.
RETRY: dict = {
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
    "reject_on_worker_lost": True,
}
TRANSIENT_ERRORS = RETRY["autoretry_for"]


def job_progress_response(
    request, job, *, page: str, poll_url: str, result_url: str, result_label, **context
) -> HttpResponse:
    """A job's progress: the whole `page` (which includes core/_job_progress.html), or only that
    fragment when htmx polls `poll_url`; `result_url` with `result_label` is offered once it is done.
    `context` adds what the page needs besides the job (its own name for it, tabs, a result template)."""
    template = "core/_job_progress.html" if request.htmx else page
    context.update(job=job, poll_url=poll_url, result_url=result_url, result_label=result_label)
    return render(request, template, context)
