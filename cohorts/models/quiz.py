"""Quiz attempts of a teacher in a cohort and their answers (the quiz itself is authored in courses)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .enrollment import Enrollment


class QuizAttempt(models.Model):
    """One attempt at a quiz. The questions and their order are fixed when it starts (its answers rows);
    with a time limit the deadline is stored, and nothing is saved or submitted after it: an attempt
    past its deadline is graded as it stands (services.quiz_attempt_close_expired)."""

    class State(models.TextChoices):
        RUNNING = "running", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        TIMED_OUT = "timed_out", _("Closed at the time limit")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("enrollment")
    )
    quiz = models.ForeignKey(
        "courses.Quiz", on_delete=models.PROTECT, related_name="+", verbose_name=_("quiz")
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    score = models.DecimalField(_("points"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.PositiveIntegerField(_("maximum points"))
    percent = models.DecimalField(_("score, %"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        ordering = ["enrollment", "quiz", "number"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        indexes = [models.Index(fields=["state", "deadline"], name="quizattempt_state_deadline")]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "quiz", "number"], name="quizattempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["enrollment", "quiz"], condition=Q(state="running"), name="quizattempt_one_running"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="quizattempt_number_positive"),
            models.CheckConstraint(
                condition=Q(state__in=["running", "submitted", "timed_out"]), name="quizattempt_state_known"
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gt=F("started_at")),
                name="quizattempt_deadline_after_start",
            ),
            # Running: nothing graded yet; finished: graded, with its time.
            models.CheckConstraint(
                condition=Q(
                    state="running", finished_at__isnull=True, score__isnull=True, passed__isnull=True
                )
                | (
                    ~Q(state="running")
                    & Q(
                        finished_at__isnull=False,
                        score__isnull=False,
                        percent__isnull=False,
                        passed__isnull=False,
                    )
                ),
                name="quizattempt_graded_when_finished",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="quizattempt_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=F("max_score")),
                name="quizattempt_score_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id} #{self.number} ({self.enrollment_id})"

    @property
    def is_running(self) -> bool:
        return self.state == self.State.RUNNING


class QuizAnswer(models.Model):
    """A question of an attempt, in the attempt's order, with the order its choices are shown in (and, for
    matching, the order of the matches), the teacher's response (saved on each change) and, once the
    attempt is finished, the fraction of the question's points it earned."""

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="answers", verbose_name=_("attempt")
    )
    question = models.ForeignKey(
        "courses.QuizQuestion", on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    choice_order = models.JSONField(_("choices as shown"), default=list, blank=True)
    match_order = models.JSONField(_("matches as shown"), default=list, blank=True)
    response = models.JSONField(_("response"), null=True, blank=True)
    saved_at = models.DateTimeField(_("last saved at"), null=True, blank=True)
    fraction = models.FloatField(_("share of the points earned"), null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="quizanswer_question_once"),
            models.UniqueConstraint(fields=["attempt", "position"], name="quizanswer_unique_position"),
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | Q(fraction__gte=0, fraction__lte=1),
                name="quizanswer_fraction_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0), name="quizanswer_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.question_id}"
