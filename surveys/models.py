"""Surveys: the builder (survey → sections → questions → choices), who responded, what was answered.

Anonymity is structural: `Participation` (who responded: user, survey, cohort) and `Response` (what was
answered) are separate tables with nothing to join them on. Responses of anonymous surveys carry no
respondent, no date, and a random UUID key (no sequence that would follow the order of participations).

One file: anonymity is structural, and it shows only when `Participation` and `Response` are read side by
side with nothing joining them; the builder tables are their parents.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.jobs import BackgroundJob
from courses.models import Competency, Course

DEFAULT_LIKERT_LABELS = [
    _("Strongly disagree"),
    _("Disagree"),
    _("Neutral"),
    _("Agree"),
    _("Strongly agree"),
]


class Survey(models.Model):
    class Kind(models.TextChoices):
        DIAGNOSTIC = "diagnostic", _("Professional-deficit diagnostic")
        FEEDBACK = "feedback", _("Course feedback")
        PLACEMENT = "placement", _("Placement")
        GENERAL = "general", _("General questionnaire")

    class Audience(models.TextChoices):
        ALL_TEACHERS = "all", _("All teachers")
        SCHOOL = "school", _("Teachers of one school")
        MUNICIPALITY = "municipality", _("Teachers of one municipality")
        COHORT = "cohort", _("Listeners of cohorts")

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("introduction"), blank=True)
    what_next = models.TextField(
        _("what happens next"), blank=True, help_text=_("Shown on the thank-you page after submitting.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Answers are never linked to the person who gave them.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL_TEACHERS
    )
    school = models.ForeignKey(
        "accounts.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("school"),
    )
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("municipality"),
        help_text=_("For a survey of one municipality's teachers."),
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("course"),
        help_text=_("For course feedback: the course whose cohorts are asked."),
    )
    cohorts = models.ManyToManyField(
        "cohorts.Cohort",
        blank=True,
        related_name="surveys",
        verbose_name=_("cohorts"),
        help_text=_("Course feedback and placement: the cohorts whose listeners are asked."),
    )
    deficit_threshold = models.PositiveSmallIntegerField(
        _("deficit threshold"),
        default=60,
        help_text=_("A competency scoring below this (0–100) is a deficit."),
    )
    vulnerable_threshold = models.PositiveSmallIntegerField(
        _("vulnerable aspect threshold, %"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "In the results, an aspect whose share of negative answers (1–2, or 1–3 if the reader picks it) "
            "is over this percent is flagged as vulnerable."
        ),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("previous version"),
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="authored_surveys", verbose_name=_("authors")
    )
    remind_automatically = models.BooleanField(
        _("remind non-respondents automatically"),
        default=True,
        help_text=_(
            "At each reminder step (below), people who have not answered yet get one reminder. "
            "Course feedback surveys remind 1 and 4 days after each teacher finishes."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["diagnostic", "feedback", "placement", "general"]),
                name="survey_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["diagnostic", "placement"], is_anonymous=True),
                name="survey_profile_kinds_not_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
            ),
            models.CheckConstraint(condition=Q(deficit_threshold__lte=100), name="survey_threshold_percent"),
            models.CheckConstraint(
                condition=Q(vulnerable_threshold__lte=100), name="survey_vulnerable_threshold_percent"
            ),
            models.CheckConstraint(
                condition=~Q(audience="school") | Q(school__isnull=False),
                name="survey_school_audience_has_school",
            ),
            models.CheckConstraint(
                condition=~Q(audience="municipality") | Q(municipality__isnull=False),
                name="survey_municipality_audience_has_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})" if self.version > 1 else self.title

    @property
    def questions(self) -> models.QuerySet:
        """The survey's questions: those of its sections (a question has no survey of its own)."""
        return Question.objects.filter(section__survey=self)


class Section(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="sections", verbose_name=_("survey")
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Scale 1–5")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Free text")

    # No survey of its own: a question belongs to its survey through its section, so there is nothing that could
    # disagree (docs/decisions/0221-svbuild-question-survey-through-section.md).
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LIKERT)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    is_required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label_1 = models.CharField(_("label of 1"), max_length=80, blank=True)
    label_2 = models.CharField(_("label of 2"), max_length=80, blank=True)
    label_3 = models.CharField(_("label of 3"), max_length=80, blank=True)
    label_4 = models.CharField(_("label of 4"), max_length=80, blank=True)
    label_5 = models.CharField(_("label of 5"), max_length=80, blank=True)
    min_value = models.IntegerField(_("minimum"), null=True, blank=True)
    max_value = models.IntegerField(_("maximum"), null=True, blank=True)
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_questions",
        verbose_name=_("competency"),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("How much this question counts toward its competency's score.")
    )

    class Meta:
        ordering = ["section__position", "section_id", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["likert", "single", "multiple", "number", "text"]),
                name="question_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="question_range_ordered",
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="question_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def survey(self) -> Survey:
        return self.section.survey

    @property
    def survey_id(self) -> int:
        return self.section.survey_id

    def likert_labels(self) -> list[tuple[int, str]]:
        own = [self.label_1, self.label_2, self.label_3, self.label_4, self.label_5]
        return [(i + 1, own[i] or str(DEFAULT_LIKERT_LABELS[i])) for i in range(5)]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    text = models.CharField(_("text"), max_length=255)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    points = models.PositiveSmallIntegerField(
        _("points"), default=0, help_text=_("0–100: how well this answer shows the competency (for scoring).")
    )

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [models.CheckConstraint(condition=Q(points__lte=100), name="choice_points_percent")]

    def __str__(self) -> str:
        return self.text


class ReminderStep(models.Model):
    """One reminder step of a survey: N days after it opens, or N days before it closes.

    Without steps a survey uses DEFAULT_REMINDER_STEPS (surveys/followup.py). Each step reaches each
    non-respondent at most once (notifications' SentRecord), and none after the close date.
    """

    class Anchor(models.TextChoices):
        AFTER_OPENING = "after_opening", _("days after opening")
        BEFORE_CLOSING = "before_closing", _("days before closing")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="reminder_steps", verbose_name=_("survey")
    )
    days = models.PositiveSmallIntegerField(
        _("days"),
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("From 1 to 90. Steps before closing apply when the survey has a close date."),
    )
    anchor = models.CharField(_("counted"), max_length=20, choices=Anchor.choices)

    class Meta:
        ordering = ["survey", "anchor", "days", "id"]
        verbose_name = _("reminder step")
        verbose_name_plural = _("reminder steps")
        constraints = [
            models.UniqueConstraint(fields=["survey", "anchor", "days"], name="reminder_step_once"),
            models.CheckConstraint(
                condition=Q(anchor__in=["after_opening", "before_closing"]), name="reminder_step_anchor_known"
            ),
            models.CheckConstraint(condition=Q(days__gte=1, days__lte=90), name="reminder_step_days_range"),
        ]

    def __str__(self) -> str:
        if self.anchor == self.Anchor.BEFORE_CLOSING:
            return ngettext("%(n)d day before closing", "%(n)d days before closing", self.days) % {
                "n": self.days
            }
        return ngettext("%(n)d day after opening", "%(n)d days after opening", self.days) % {"n": self.days}


class Participation(models.Model):
    """Who has responded (for reminders and "one response per person"), never what they answered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="participations", verbose_name=_("survey")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="survey_participations",
        verbose_name=_("user"),
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_participations",
        verbose_name=_("cohort"),
    )
    submitted_on = models.DateField(_("submitted on"))
    level = models.CharField(_("placement level"), max_length=20, blank=True)

    class Meta:
        ordering = ["survey", "submitted_on"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(cohort__isnull=True),
                name="participation_once_per_survey",
            ),
            models.UniqueConstraint(
                fields=["survey", "user", "cohort"],
                condition=Q(cohort__isnull=False),
                name="participation_once_per_survey_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.survey}"

    @property
    def level_label(self) -> str:
        return str(Course.Level(self.level).label) if self.level in Course.Level.values else self.level


class Response(models.Model):
    """What was answered. Anonymous: no respondent, no date, a random key — nothing to join on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("respondent"),
        help_text=_("Empty for anonymous surveys."),
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("cohort"),
    )
    # The cell of a survey without cohorts: the respondent's school when they submitted (none for responses
    # given before cells by school existed, or by someone with no school): surveys/README.md, "Anonymity".
    school = models.ForeignKey(
        "accounts.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("school"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=Q(respondent__isnull=False, cohort__isnull=True),
                name="response_once_per_named_respondent",
            ),
            models.UniqueConstraint(
                fields=["survey", "respondent", "cohort"],
                condition=Q(respondent__isnull=False, cohort__isnull=False),
                name="response_once_per_named_respondent_cohort",
            ),
            models.CheckConstraint(
                condition=Q(respondent__isnull=True, submitted_at__isnull=True) | Q(respondent__isnull=False),
                name="response_anonymous_has_no_date",
            ),
            models.CheckConstraint(
                condition=Q(cohort__isnull=True) | Q(school__isnull=True),
                name="response_cell_is_cohort_or_school",
            ),
        ]
        indexes = [models.Index(fields=["survey", "cohort", "school"], name="response_cell")]

    def __str__(self) -> str:
        return str(_("Response to %(survey)s")) % {"survey": self.survey_id}


class Answer(models.Model):
    """One answer; a multiple-choice question gets one row per chosen option (counts GROUP BY choice)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    # RESTRICT: a question or choice that has answers cannot be deleted on its own (copy to a new version);
    # deleting the whole survey still removes its answers through the responses.
    question = models.ForeignKey(
        Question, on_delete=models.RESTRICT, related_name="answers", verbose_name=_("question")
    )
    value = models.IntegerField(_("value"), null=True, blank=True)
    choice = models.ForeignKey(
        Choice,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("choice"),
    )
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "value"], name="answer_question_value")]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="answer_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="answer_choice_once",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(choice__isnull=False) | ~Q(text=""),
                name="answer_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return str(self.value if self.value is not None else self.choice_id or self.text[:40])


class PendingAnswers(models.Model):
    """Anonymous answers waiting for the K-th response of their cell (survey, cohort) or (survey, school).

    One row per group, rewritten on every submission with its items in a fresh random order, so neither
    row order, keys nor transaction ids tell which item came from which participation. When K items are
    held they become `Response` rows together, in random order, and the row is emptied.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="pending", verbose_name=_("survey")
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cohort"),
    )
    school = models.ForeignKey(
        "accounts.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    items = models.JSONField(_("answers waiting"), default=list)

    class Meta:
        verbose_name = _("answers waiting for release")
        verbose_name_plural = _("answers waiting for release")
        constraints = [
            models.UniqueConstraint(
                fields=["survey"],
                condition=Q(cohort__isnull=True, school__isnull=True),
                name="pending_once_per_survey",
            ),
            models.UniqueConstraint(
                fields=["survey", "cohort"],
                condition=Q(cohort__isnull=False),
                name="pending_once_per_survey_cohort",
            ),
            models.UniqueConstraint(
                fields=["survey", "school"],
                condition=Q(school__isnull=False),
                name="pending_once_per_survey_school",
            ),
            models.CheckConstraint(
                condition=Q(cohort__isnull=True) | Q(school__isnull=True),
                name="pending_cell_is_cohort_or_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.cohort_id or ''}/{self.school_id or ''}: {len(self.items)}"


class Draft(models.Model):
    """Autosaved unfinished answers, keyed to the person; deleted when the response is submitted."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("survey")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="survey_drafts",
        verbose_name=_("user"),
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cohort"),
    )
    data = models.JSONField(_("answers so far"), default=dict)
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"], condition=Q(cohort__isnull=True), name="draft_once_per_survey"
            ),
            models.UniqueConstraint(
                fields=["survey", "user", "cohort"],
                condition=Q(cohort__isnull=False),
                name="draft_once_per_survey_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.survey}"


class CompetencyScore(models.Model):
    """A diagnostic's per-competency result for one (named) response: 0–100 and whether it is a deficit."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="competency_scores", verbose_name=_("response")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="competency_scores",
        verbose_name=_("user"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="scores", verbose_name=_("competency")
    )
    score = models.PositiveSmallIntegerField(_("score"))
    is_deficit = models.BooleanField(_("deficit"))
    measured_at = models.DateTimeField(_("measured at"))

    class Meta:
        ordering = ["competency__code"]
        verbose_name = _("competency score")
        verbose_name_plural = _("competency scores")
        constraints = [
            models.UniqueConstraint(fields=["response", "competency"], name="score_once_per_competency"),
            models.CheckConstraint(condition=Q(score__lte=100), name="score_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}: {self.score}"


class CourseRecommendationRule(models.Model):
    """A methodologist pins a course to a competency's recommendations, or excludes it."""

    class Mode(models.TextChoices):
        PIN = "pin", _("Pin (always recommend first)")
        EXCLUDE = "exclude", _("Exclude (never recommend)")

    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="recommendation_rules",
        verbose_name=_("competency"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="recommendation_rules", verbose_name=_("course")
    )
    mode = models.CharField(_("rule"), max_length=10, choices=Mode.choices)

    class Meta:
        ordering = ["competency__code", "mode"]
        verbose_name = _("course recommendation rule")
        verbose_name_plural = _("course recommendation rules")
        constraints = [
            models.UniqueConstraint(fields=["competency", "course"], name="recommendation_rule_once"),
            models.CheckConstraint(
                condition=Q(mode__in=["pin", "exclude"]), name="recommendation_rule_mode_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()}: {self.course} ↔ {self.competency}"


class ExportJob(BackgroundJob):
    """A large export built by a worker; the page polls its progress and then offers the file. Waiting and
    running jobs with no progress for PDP_STALLED_AFTER are queued again by the sweep
    (pdplatform.tasks.unfinished_work_resume): the file is rebuilt whole."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("survey")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="survey_exports",
        verbose_name=_("requested by"),
    )
    what = models.CharField(_("what"), max_length=20, default="raw")
    fmt = models.CharField(_("format"), max_length=10, default="xlsx")
    params = models.JSONField(_("filter"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="surveys/exports/", blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("results export")
        verbose_name_plural = _("results exports")
        constraints = [
            *BackgroundJob.constraints("exportjob"),
            models.CheckConstraint(
                condition=Q(what__in=["raw", "distribution"]), name="exportjob_what_known"
            ),
            models.CheckConstraint(condition=Q(fmt__in=["csv", "xlsx"]), name="exportjob_fmt_known"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.what}.{self.fmt} ({self.state})"
