"""The learning flow inside a cohort: lesson marks, submissions and reviews, questions,
announcements with read confirmation, and attendance of live sessions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from core.uploads import CheckedFileField

from .cohort import Cohort, LiveSession
from .enrollment import Enrollment


class LessonProgress(models.Model):
    """A teacher marked a lesson as done."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="lesson_marks", verbose_name=_("enrollment")
    )
    lesson = models.ForeignKey(
        "courses.Lesson", on_delete=models.CASCADE, related_name="+", verbose_name=_("lesson")
    )
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson mark")
        verbose_name_plural = _("lesson marks")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="lessonprogress_once")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.lesson_id}"


VIDEO_POSITION_MAX_SECONDS = 24 * 3600


class VideoPosition(models.Model):
    """Where a teacher stopped a lesson's video: the lesson page resumes there."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="video_positions", verbose_name=_("enrollment")
    )
    lesson = models.ForeignKey(
        "courses.Lesson", on_delete=models.CASCADE, related_name="+", verbose_name=_("lesson")
    )
    seconds = models.PositiveIntegerField(_("position, seconds"))
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("video position")
        verbose_name_plural = _("video positions")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="videoposition_once"),
            models.CheckConstraint(
                condition=Q(seconds__gte=0, seconds__lte=VIDEO_POSITION_MAX_SECONDS),
                name="videoposition_in_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.lesson_id} @ {self.seconds}s"


def submission_upload_to(instance, filename: str) -> str:
    # `filename` is the <random>.<extension read from the content> that CheckedFileField made.
    return f"cohorts/submissions/{filename}"


class Submission(models.Model):
    """One teacher's work on one assignment in a cohort; its versions keep the history."""

    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    waiting_hours: int  # cohorts.selectors: hours since it was submitted

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        REVISE = "revise", _("Needs revision")
        ACCEPTED = "accepted", _("Accepted")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("enrollment")
    )
    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.CASCADE, related_name="+", verbose_name=_("assignment")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(_("last submitted at"), db_index=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("last reviewed at"), null=True, blank=True)
    review_seen_at = models.DateTimeField(_("review seen by the teacher at"), null=True, blank=True)
    version_count = models.PositiveSmallIntegerField(_("versions"), default=0)
    # The copy check (cohorts/services/copies.py, run by a worker after each version is submitted):
    # the answer it most resembles and the share of this answer's phrases found there (0 to 1).
    similar_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("near-identical to"),
    )
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    # The latest version's shingle hashes (core/fingerprint.py); empty until the check has run on it.
    fingerprint = models.BinaryField(_("fingerprint"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "assignment"], name="submission_one_per_assignment"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "revise", "accepted"]), name="submission_state_known"
            ),
            models.CheckConstraint(
                condition=Q(similarity__isnull=True) | Q(similarity__gte=0, similarity__lte=1),
                name="submission_similarity_0_to_1",
            ),
            models.CheckConstraint(condition=~Q(similar_to=F("id")), name="submission_not_similar_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} — {self.enrollment.teacher_id}"


class SubmissionVersion(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="versions", verbose_name=_("submission")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("answer"), blank=True)
    file = CheckedFileField(_("file"), upload_to=submission_upload_to, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "number"]
        verbose_name = _("submission version")
        verbose_name_plural = _("submission versions")
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="submissionversion_unique_number"),
            models.CheckConstraint(condition=~Q(text="") | ~Q(file=""), name="submissionversion_not_empty"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


REVIEW_COMMENT_MAX_CHARS = 5000


class Review(models.Model):
    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REVISE = "revise", _("Revise")

    class Flag(models.TextChoices):
        NONE = "", _("Not flagged")
        CONFIRMED = "confirmed", _("Copy confirmed")
        DISMISSED = "dismissed", _("Flag dismissed")

    version = models.OneToOneField(
        SubmissionVersion, on_delete=models.CASCADE, related_name="review", verbose_name=_("version")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True, max_length=REVIEW_COMMENT_MAX_CHARS)
    flag = models.CharField(
        _("copy flag"),
        max_length=20,
        choices=Flag.choices,
        blank=True,
        default=Flag.NONE,
        help_text=_("How the reviewer addressed a copy-suspected answer."),
    )
    flag_reason = models.TextField(
        _("why the flag was dismissed"), blank=True, max_length=REVIEW_COMMENT_MAX_CHARS
    )
    created_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["accepted", "revise"]), name="review_decision_known"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), REVIEW_COMMENT_MAX_CHARS),
                name="review_comment_at_most_max",
            ),
            models.CheckConstraint(
                condition=Q(flag__in=["", "confirmed", "dismissed"]), name="review_flag_known"
            ),
            # A confirmed copy is never accepted; a dismissed flag carries its reason.
            models.CheckConstraint(
                condition=~Q(flag="confirmed") | Q(decision="revise"), name="review_copy_means_revise"
            ),
            models.CheckConstraint(
                condition=~Q(flag="dismissed") | ~Q(flag_reason=""), name="review_dismissal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.get_decision_display()


RUBRIC_COMMENT_MAX_CHARS = 2000


class RubricScore(models.Model):
    """The level a reviewer chose for one criterion of the assignment's rubric, with an optional comment.
    The review's score is the sum of its scores' points. On PostgreSQL a composite foreign key (level,
    criterion, points) → the level's (id, criterion, points) holds that the level belongs to the criterion
    and that the points are the level's (migration 0009)."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="rubric_scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        "courses.RubricCriterion", on_delete=models.RESTRICT, related_name="+", verbose_name=_("criterion")
    )
    level = models.ForeignKey(
        "courses.RubricLevel", on_delete=models.RESTRICT, related_name="+", verbose_name=_("level")
    )
    points = models.PositiveSmallIntegerField(_("points"))
    comment = models.TextField(_("comment on the criterion"), blank=True, max_length=RUBRIC_COMMENT_MAX_CHARS)

    class Meta:
        ordering = ["review", "criterion__position", "criterion_id"]
        verbose_name = _("rubric score")
        verbose_name_plural = _("rubric scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="rubricscore_one_per_criterion"),
            models.CheckConstraint(condition=Q(points__gte=0), name="rubricscore_points_not_negative"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), RUBRIC_COMMENT_MAX_CHARS),
                name="rubricscore_comment_at_most_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.criterion_id} = {self.points}"


class Question(models.Model):
    """A teacher's question to the cohort's curators; the first answer's delay is recorded."""

    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    age_hours: int  # cohorts.selectors: hours since it was asked
    late: bool  # cohorts.selectors: past the cohort's response target

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="questions", verbose_name=_("enrollment")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="questions", verbose_name=_("cohort")
    )
    lesson = models.ForeignKey(
        "courses.Lesson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lesson"),
    )
    text = models.TextField(_("question"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(_("first response, seconds"), null=True, blank=True)
    answer_seen_at = models.DateTimeField(_("answer seen at"), null=True, blank=True)
    # Published into the course's FAQ (shown to every cohort of the course); unpublishing deletes the entry.
    faq_entry = models.OneToOneField(
        "courses.FaqEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_question",
        verbose_name=_("course FAQ entry"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(faq_entry__isnull=True) | ~Q(answer=""), name="question_faq_is_answered"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_faq(self) -> bool:
        return self.faq_entry_id is not None


class Announcement(models.Model):
    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    enrollment: "Enrollment | None"  # cohorts.selectors: the reader's enrollment in its cohort

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="announcements", verbose_name=_("cohort")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("published at"), auto_now_add=True, db_index=True)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="copies",
        editable=False,
        verbose_name=_("copied from"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(models.Model):
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="reads", verbose_name=_("announcement")
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="announcement_reads", verbose_name=_("enrollment")
    )
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        constraints = [
            models.UniqueConstraint(fields=["announcement", "enrollment"], name="announcementread_once")
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id}: {self.enrollment_id}"


class Attendance(models.Model):
    class Method(models.TextChoices):
        CURATOR = "curator", _("Marked by a curator")
        CHECKIN = "checkin", _("Self check-in")

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("enrollment")
    )
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrollment"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.enrollment_id}"
