"""A teacher's place in a cohort, its audit trail, nominations and bulk-operation progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.jobs import BackgroundJob

from .cohort import Cohort


class Enrollment(models.Model):
    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    progress_percent: int  # cohorts.selectors: lessons done, in percent
    missing: "list[str]"  # cohorts.selectors: overdue assignments not handed in

    class State(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        APPLIED = "applied", _("Applied")
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waitlisted")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        NOT_COMPLETED = "not_completed", _("Not completed")

    # States that occupy a seat (an outstanding offer occupies one too, see `offer_expires_at`).
    SEAT_STATES = (State.ENROLLED, State.COMPLETED, State.NOT_COMPLETED)

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("teacher"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("cohort")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.APPLIED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(
        _("seat offered until"),
        null=True,
        blank=True,
        help_text=_("A freed seat held for this waitlisted teacher."),
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("feedback survey filled at"), null=True, blank=True)
    placement_score = models.DecimalField(
        _("placement score"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["cohort", "created_at", "id"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["teacher", "cohort"], name="enrollment_one_per_teacher_cohort"),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "nominated",
                        "applied",
                        "enrolled",
                        "waitlisted",
                        "completed",
                        "withdrawn",
                        "not_completed",
                    ]
                ),
                name="enrollment_state_known",
            ),
            models.CheckConstraint(
                condition=Q(offer_expires_at__isnull=True) | Q(state="waitlisted"),
                name="enrollment_offer_only_when_waitlisted",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(state="completed"),
                name="enrollment_completed_at_only_when_completed",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "state", "waitlisted_at"], name="enrollment_waitlist_idx"),
            models.Index(fields=["state", "offer_expires_at"], name="enrollment_offer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} — {self.cohort}"


class EnrollmentEvent(models.Model):
    """Audit trail: every change of an enrollment's state (who, when, from → to, why)."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="events", verbose_name=_("enrollment")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    from_state = models.CharField(
        pgettext_lazy("enrollment state change", "was"),
        max_length=20,
        blank=True,
        choices=Enrollment.State.choices,
    )
    to_state = models.CharField(
        pgettext_lazy("enrollment state change", "became"), max_length=20, choices=Enrollment.State.choices
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("enrollment event")
        verbose_name_plural = _("enrollment events")

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


class Nomination(models.Model):
    """A school administrator proposed this enrollment; the teacher accepts or declines (with a reason)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for the teacher")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="nomination", verbose_name=_("enrollment")
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="nominations_made",
        verbose_name=_("nominated by"),
    )
    created_at = models.DateTimeField(_("nominated at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason for declining"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="declined") | ~Q(reason=""), name="nomination_decline_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} ({self.get_decision_display()})"


class BulkOperation(BackgroundJob):
    """Progress of a chunked background job (nominate/enrol/move/split many); the page polls it."""

    class Kind(models.TextChoices):
        NOMINATE = "nominate", _("Nominate teachers")
        ENROL = "enrol", _("Enrol teachers")
        MOVE = "move", _("Move teachers")
        SPLIT = "split", _("Split a cohort")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="bulk_operations", verbose_name=_("cohort")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    payload = models.JSONField(_("parameters"), default=dict, blank=True)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    messages = models.JSONField(_("messages"), default=list, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    # How many of payload["ids"] are handled: advanced with each item in the item's own transaction, so
    # a re-run (redelivered, or queued again by the sweep) goes on where the last one stopped.
    position = models.PositiveIntegerField(_("items handled"), default=0)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("bulk operation")
        verbose_name_plural = _("bulk operations")
        constraints = [
            *BackgroundJob.constraints("bulkoperation"),
            models.CheckConstraint(
                condition=Q(position__lte=models.F("total")), name="bulkoperation_position_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done}/{self.total}"

    @property
    def handled(self) -> int:
        return self.done + self.failed

    @property
    def failed_count(self) -> int:
        return self.failed

    @property
    def problems(self) -> list[str]:
        return [str(message) for message in self.messages]
