"""Mentoring pairs (with their goals, meetings, messages and feedback) and individual development plans.

Every invariant that a database can hold is a constraint here; the rules that need a lock or the
clock (mentor capacity, "held" meetings not in the future) live in services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from courses.models import Competency, Course

DEFAULT_MENTOR_CAPACITY = 2
# A mentor is an experienced teacher: at least this many years of teaching.
MENTOR_MIN_EXPERIENCE = 5
# Feedback reaches administrators only as an aggregate over at least this many pairs.
FEEDBACK_MIN_PAIRS = 3


MENTOR_HELP_MAX_LENGTH = 500


class MentorProfile(models.Model):
    """A teacher's opt-in as a mentor: willing or not, how many mentees at once, the subjects and school
    levels they mentor in (accounts' own lists) and a short "what I can help with". A missing row means
    "has not said": suggested with the default capacity, but not among "only willing" mentors."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_profile",
        verbose_name=_("mentor"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=DEFAULT_MENTOR_CAPACITY,
        help_text=_("Maximum number of mentees at the same time."),
    )
    willing = models.BooleanField(_("willing to mentor"), default=True)
    subjects = models.ManyToManyField(
        "accounts.Subject", blank=True, related_name="mentor_profiles", verbose_name=_("subjects I mentor in")
    )
    levels = models.ManyToManyField(
        "accounts.Level",
        blank=True,
        related_name="mentor_profiles",
        verbose_name=_("school levels I mentor in"),
    )
    can_help_with = models.TextField(_("what I can help with"), blank=True, max_length=MENTOR_HELP_MAX_LENGTH)

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__lte=10), name="mentor_capacity_at_most_10"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("can_help_with"), MENTOR_HELP_MAX_LENGTH),
                name="mentor_help_text_short",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class PairState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


# A proposed pair already holds a place in the mentor's capacity, so acceptance cannot overbook.
OPEN_STATES = [PairState.PROPOSED, PairState.ACTIVE]


class MentoringPair(models.Model):
    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    feedback_due: bool  # mentoring.selectors: this period's feedback is missing

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentoring_as_mentor",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentoring_as_mentee",
        verbose_name=_("mentee"),
    )
    state = models.CharField(_("state"), max_length=20, choices=PairState.choices, default=PairState.PROPOSED)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("planned end date"), null=True, blank=True)
    focus_competencies = models.ManyToManyField(
        Competency, blank=True, related_name="mentoring_pairs", verbose_name=_("focus competencies")
    )
    feedback_every_weeks = models.PositiveSmallIntegerField(_("mentee feedback every (weeks)"), default=4)
    mentor_accepted_at = models.DateTimeField(_("accepted by the mentor"), null=True, blank=True)
    mentee_accepted_at = models.DateTimeField(_("accepted by the mentee"), null=True, blank=True)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="pair_not_with_oneself"),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(state__in=["proposed", "active"]),
                name="pair_one_open_per_mentor_mentee",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "active", "completed", "stopped"]), name="pair_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="stopped") | ~Q(stop_reason=""), name="pair_stop_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="pair_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(feedback_every_weeks__gte=1) & Q(feedback_every_weeks__lte=26),
                name="pair_feedback_period_sane",
            ),
        ]
        indexes = [models.Index(fields=["state", "mentor"]), models.Index(fields=["state", "mentee"])]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:pair_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class GoalState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


GOAL_STATES = [s.value for s in GoalState]


class PairGoal(models.Model):
    """One goal of a pair's mentoring plan, always tied to a competency of the framework."""

    pair = models.ForeignKey(
        MentoringPair, on_delete=models.CASCADE, related_name="goals", verbose_name=_("pair")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="mentoring_goals", verbose_name=_("competency")
    )
    title = models.CharField(_("goal"), max_length=255)
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=20, choices=GoalState.choices, default=GoalState.PLANNED)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("mentoring goal")
        verbose_name_plural = _("mentoring goals")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=GOAL_STATES), name="pairgoal_state_known"),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(completed_at__isnull=False), name="pairgoal_done_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingKind(models.TextChoices):
    LESSON_OBSERVATION = "lesson_observation", _("Lesson observation")
    CONSULTATION = "consultation", _("Consultation")
    CO_PLANNING = "co_planning", _("Co-planning")
    OPEN_LESSON = "open_lesson", _("Open lesson")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class Meeting(models.Model):
    pair = models.ForeignKey(
        MentoringPair, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("pair")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.HELD
    )
    notes = models.TextField(_("notes"), blank=True)
    next_steps = models.TextField(_("agreed next steps"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Bumped on every change, so the two people's calendars replace the entry (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in MeetingKind]), name="meeting_kind_known"
            ),
            models.CheckConstraint(condition=Q(status__in=["planned", "held"]), name="meeting_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Message(models.Model):
    """A private message between the two people of a pair; `body_html` is rendered and sanitized once."""

    pair = models.ForeignKey(
        MentoringPair, on_delete=models.CASCADE, related_name="messages", verbose_name=_("pair")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"))
    body_html = models.TextField(_("message (rendered)"), editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return self.body[:50]


LIKERT_ITEMS = [
    ("availability", _("My mentor is available when I need help")),
    ("usefulness", _("Our meetings are useful for my daily work")),
    ("advice", _("I receive concrete advice I can apply")),
    ("confidence", _("I feel more confident in class")),
]


def _likert_field(label):
    return models.PositiveSmallIntegerField(label)


class Feedback(models.Model):
    """The mentee's periodic feedback: one per pair and period (every `feedback_every_weeks` weeks)."""

    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    scores: "list[tuple[str | Promise, int]]"  # mentoring.selectors: (statement, 1–5) per Likert item

    pair = models.ForeignKey(
        MentoringPair, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("pair")
    )
    period = models.PositiveSmallIntegerField(_("period number"))
    availability = _likert_field(LIKERT_ITEMS[0][1])
    usefulness = _likert_field(LIKERT_ITEMS[1][1])
    advice = _likert_field(LIKERT_ITEMS[2][1])
    confidence = _likert_field(LIKERT_ITEMS[3][1])
    comment = models.TextField(_("comment"), blank=True)
    # Private to the pair by default; the mentee alone may share an entry with the school.
    shared_with_school = models.BooleanField(_("shared with the school"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("mentee feedback")
        verbose_name_plural = _("mentee feedback")
        constraints = [
            models.UniqueConstraint(fields=["pair", "period"], name="feedback_once_per_period"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 5}),
                    name=f"feedback_{name}_likert",
                )
                for name, _label in LIKERT_ITEMS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.pair} #{self.period}"


class PresentationKind(models.TextChoices):
    OPEN_LESSON = "open_lesson", _("Open lesson")
    COUNCIL_TALK = "council_talk", _("Talk at a pedagogical council")
    LIBRARY_PUBLICATION = "library_publication", _("Publication in a community's library")
    OTHER = "other", _("Other")


class PlanState(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ARCHIVED = "archived", _("Archived")


class DevelopmentPlan(models.Model):
    """A teacher's individual self-education programme for a period (often two school years)."""

    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    percent: int  # mentoring.selectors: goals done, in percent
    next_goals: "list[PlanGoal]"  # mentoring.selectors: the next open goals

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="development_plans",
        verbose_name=_("teacher"),
    )
    topic = models.CharField(_("topic"), max_length=255)
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="development_plans",
        verbose_name=_("competency"),
        help_text=_("The competency the topic develops (from your deficit profile, when you have one)."),
    )
    from_deficit_profile = models.BooleanField(_("topic chosen from the deficit profile"), default=False)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    presentation_kind = models.CharField(
        _("presentation of results"), max_length=30, choices=PresentationKind.choices
    )
    presentation_details = models.CharField(_("presentation details"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=PlanState.choices, default=PlanState.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("individual development plan")
        verbose_name_plural = _("individual development plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="plan_period_positive"
            ),
            models.UniqueConstraint(
                fields=["teacher"], condition=Q(state="active"), name="plan_one_active_per_teacher"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["active", "completed", "archived"]), name="plan_state_known"
            ),
            models.CheckConstraint(
                condition=Q(presentation_kind__in=[k.value for k in PresentationKind]),
                name="plan_presentation_known",
            ),
        ]

    def __str__(self) -> str:
        return self.topic


class PlanGoal(models.Model):
    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    title = models.CharField(_("goal"), max_length=255)
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=20, choices=GoalState.choices, default=GoalState.PLANNED)
    course = models.ForeignKey(
        Course,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="development_plan_goals",
        verbose_name=_("course"),
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="development_plan_goals",
        verbose_name=_("cohort"),
    )
    event_link = models.CharField(
        _("community event"),
        max_length=500,
        blank=True,
        help_text=_("Name or address of a community event (round table, master class...)."),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("development plan goal")
        verbose_name_plural = _("development plan goals")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=GOAL_STATES), name="plangoal_state_known"),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(completed_at__isnull=False), name="plangoal_done_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title
