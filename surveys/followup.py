"""Follow-up of every survey kind: who should answer (the audience), who has not yet, and when to remind.

A survey's audience decides who should answer: all teachers, the teachers of one school, or the listeners
of its cohorts (course feedback, placement, and any survey whose audience is cohorts; there the unit is a
person in a cohort). A non-respondent is a person of the audience with no `Participation` — the who, never
the what, so this works for anonymous surveys too without touching their answers.

Reminder steps (`ReminderStep` rows, else DEFAULT_REMINDER_STEPS) fall N days after the survey opens (its
`opens_at`, else its creation) or N days before it closes. The *current* step is the latest one already
due; the reminder rule (surveys/reminders.py) sends it to every non-respondent not yet reminded at that
step, and "Remind non-respondents now" sends the current step — or, before the first step is due, the
next one early (which the sweep then does not send again). Nothing is due before the survey opens or
from its close date on. See docs/decisions/0351-svfollow-reminder-steps.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.selectors import users_with_role

from . import links
from .models import Participation, ReminderStep, Survey

DEFAULT_REMINDER_STEPS = ((ReminderStep.Anchor.AFTER_OPENING, 3), (ReminderStep.Anchor.BEFORE_CLOSING, 2))
REMINDER_KIND = "survey_reminder"  # the notification kind (registered in notifications/kinds.py)


@dataclass(frozen=True)
class FeedbackStep:
    """ "Remind now" on a course feedback survey, whose steps are each teacher's own (1 and 4 days after
    they finish, surveys/reminders.py): every teacher who finished and has not answered gets the step due
    for them, or the first one early; a step reaches a person once, whoever sends it."""

    key: str = "feedback"

    @property
    def label(self) -> str:
        return str(_("after finishing the course"))


FEEDBACK_STEP = FeedbackStep()


@dataclass(frozen=True)
class Step:
    anchor: str
    days: int
    due_at: datetime

    @property
    def key(self) -> str:
        """The step's name in the once-only record: "open+3d", "close-2d"."""
        return (
            f"open+{self.days}d"
            if self.anchor == ReminderStep.Anchor.AFTER_OPENING
            else f"close-{self.days}d"
        )

    @property
    def label(self) -> str:
        return str(ReminderStep(anchor=self.anchor, days=self.days))


def by_cohort(survey: Survey) -> bool:
    """Whether the audience is the listeners of the survey's cohorts (one answer per person and cohort)."""
    return (
        survey.kind in (Survey.Kind.FEEDBACK, Survey.Kind.PLACEMENT)
        or survey.audience == Survey.Audience.COHORT
    )


def opened_at(survey: Survey) -> datetime:
    return survey.opens_at or survey.created_at


def is_open(survey: Survey, now: datetime) -> bool:
    return (
        survey.is_published
        and (survey.opens_at is None or survey.opens_at <= now)
        and (survey.closes_at is None or survey.closes_at > now)
    )


def survey_steps(survey: Survey) -> list[Step]:
    """The survey's steps in time order (reads `survey.reminder_steps`: prefetch it for many surveys)."""
    rows = [(row.anchor, row.days) for row in survey.reminder_steps.all()] or list(DEFAULT_REMINDER_STEPS)
    steps = []
    for anchor, days in rows:
        if anchor == ReminderStep.Anchor.AFTER_OPENING:
            steps.append(Step(anchor=anchor, days=days, due_at=opened_at(survey) + timedelta(days=days)))
        elif survey.closes_at is not None:
            steps.append(Step(anchor=anchor, days=days, due_at=survey.closes_at - timedelta(days=days)))
    return sorted(steps, key=lambda step: (step.due_at, step.key))


def current_step(survey: Survey, now: datetime) -> Step | None:
    """The latest step already due while the survey is open; None before the first or once it is closed."""
    if not is_open(survey, now):
        return None
    due = [step for step in survey_steps(survey) if step.due_at <= now]
    return due[-1] if due else None


def next_step(survey: Survey, now: datetime) -> Step | None:
    """The first step still to come before the survey closes."""
    if survey.closes_at is not None and survey.closes_at <= now:
        return None
    later = [
        step
        for step in survey_steps(survey)
        if step.due_at > now and (survey.closes_at is None or step.due_at < survey.closes_at)
    ]
    return later[0] if later else None


def step_to_send_now(survey: Survey, now: datetime) -> Step | None:
    """What "remind now" sends: the current step, else (before the first one) the next one early."""
    if not is_open(survey, now):
        return None
    return current_step(survey, now) or next_step(survey, now)


def record_step(cohort_id: int | None, step: Step) -> str:
    """The step as recorded for one person: per cohort for cohort surveys ("c12-open+3d")."""
    return f"c{cohort_id}-{step.key}" if cohort_id else step.key


def non_respondents(survey: Survey) -> QuerySet:
    """People of the survey's audience without a participation, each with `cohort_id` (None unless the
    audience is cohorts: then one row per person and cohort). One query; not ordered."""
    if by_cohort(survey):
        people = (
            get_user_model()
            .objects.filter(
                is_active=True,
                enrollments__cohort__in=survey.cohorts.through.objects.filter(survey=survey).values(
                    "cohort_id"
                ),
                enrollments__state__in=links.ACTIVE_STATES,
            )
            .annotate(cohort_id=F("enrollments__cohort_id"))
        )
        answered = Participation.objects.filter(
            survey=survey, user=OuterRef("pk"), cohort=OuterRef("cohort_id")
        )
    else:
        people = users_with_role(Role.TEACHER).order_by()
        if survey.audience == Survey.Audience.SCHOOL:
            people = people.filter(school_id=survey.school_id)
        elif survey.audience == Survey.Audience.MUNICIPALITY:
            people = people.filter(school__municipality_id=survey.municipality_id)
        people = people.annotate(cohort_id=Value(None, output_field=IntegerField()))
        answered = Participation.objects.filter(survey=survey, user=OuterRef("pk"), cohort__isnull=True)
    return people.exclude(Exists(answered))


def not_yet_reminded(survey: Survey, step: Step, sent) -> QuerySet:
    """Non-respondents without a record of `step`; `sent` is the survey's reminder records (a SentRecord
    queryset from notifications' selectors)."""
    people = non_respondents(survey).annotate(
        step_key=Concat(Value("c"), Cast("cohort_id", CharField()), Value(f"-{step.key}"))
        if by_cohort(survey)
        else Value(step.key, output_field=CharField())
    )
    return people.exclude(Exists(sent.filter(recipient_id=OuterRef("pk"), step=OuterRef("step_key"))))


def open_surveys_to_follow(now: datetime) -> QuerySet[Survey]:
    """Open, published surveys of every kind but course feedback (which has its own rule) that remind."""
    return (
        Survey.objects.filter(is_published=True, remind_automatically=True)
        .exclude(kind=Survey.Kind.FEEDBACK)
        .filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now)
        )
        .prefetch_related("reminder_steps")
        .order_by("pk")
    )
