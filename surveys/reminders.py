"""Survey reminders, run by notifications' reminder_sweep from beat: course feedback, and every other kind.

Every other kind (general, diagnostic, placement, school surveys: `survey_reminder_due`): at each of the
survey's reminder steps (surveys/followup.py) every non-respondent is reminded once, never after the close
date; the text names only the survey and its close date, nothing about anyone else.

Course feedback (issue 4, item 5):
A teacher who completed a cohort (or whose cohort reached its end date) and has not filled that
cohort's feedback survey is reminded once 1 day after, and once 4 days after; then no more (nor for
anything that ended more than two weeks ago). `reminder_send_once` records each step under a unique
constraint, so a beat that fires twice or two workers never send one twice.

Two queries whatever the size: the open feedback surveys, then the due (enrollment, survey) pairs
without a participation, read in chunks.
"""

from datetime import datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from notifications.reminders import Reminder, reminder_rule
from notifications.selectors import sent_records_about

from . import followup, links
from .models import Participation, Survey

STEPS = ((timedelta(days=4), "4d"), (timedelta(days=1), "1d"))
GIVE_UP_AFTER = timedelta(days=14)


def _open_feedback_surveys(now) -> dict[int, Survey]:
    surveys = Survey.objects.filter(kind=Survey.Kind.FEEDBACK, is_published=True).filter(
        Q(opens_at__isnull=True) | Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now)
    )
    return {survey.pk: survey for survey in surveys}


def _finished_at(enrollment, tz) -> datetime:
    """When the teacher finished: completion, else the end of the cohort's last day."""
    if enrollment.completed_at is not None:
        return enrollment.completed_at
    return datetime.combine(enrollment.cohort.ends_on + timedelta(days=1), time.min, tzinfo=tz)


FEEDBACK_KIND = "feedback_reminder"


@reminder_rule(kind=FEEDBACK_KIND)
def feedback_survey_due(now):
    yield from feedback_reminders(_open_feedback_surveys(now), now)


def feedback_reminders(surveys: dict[int, Survey], now, *, early: bool = False):
    """Each finished teacher's due feedback step (`early`, for "remind now": also those who finished less
    than a day ago, who get the first step early). One query, read in chunks."""
    if not surveys:
        return
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    S = links.Enrollment.State
    answered = Participation.objects.filter(
        survey_id=OuterRef("survey_id"), user_id=OuterRef("teacher_id"), cohort_id=OuterRef("cohort_id")
    )
    due = (
        links.Enrollment.objects.filter(cohort__surveys__in=list(surveys))
        .filter(
            Q(
                state=S.COMPLETED,
                completed_at__lte=now if early else now - timedelta(days=1),
                completed_at__gte=now - GIVE_UP_AFTER,
            )
            | Q(
                state__in=[S.ENROLLED, S.NOT_COMPLETED],
                cohort__ends_on__lt=today,
                cohort__ends_on__gte=today - GIVE_UP_AFTER,
            )
        )
        .annotate(survey_id=F("cohort__surveys__id"))
        .exclude(Exists(answered))
        .select_related("teacher", "cohort")
        .order_by("pk", "survey_id")
    )
    for enrollment in due.iterator(chunk_size=500):
        waited = now - _finished_at(enrollment, tz)
        step = next((name for after, name in STEPS if waited >= after), None)
        if step is None and early:
            step = STEPS[-1][1]  # the first step ("1d"), early
        if step is None or waited > GIVE_UP_AFTER:
            continue
        survey = surveys[enrollment.survey_id]
        yield Reminder(
            recipient=enrollment.teacher,
            obj=survey,
            step=f"c{enrollment.cohort_id}-{step}",
            title=format_lazy(_("Please tell us how the course went: {title}"), title=survey.title),
            body=format_lazy(
                _("Your feedback on “{cohort}” takes a few minutes and helps the next teachers."),
                cohort=enrollment.cohort.title,
            ),
            url=f"{reverse('surveys:fill', args=[survey.pk])}?cohort={enrollment.cohort_id}",
        )


def feedback_remind_now(*, survey: Survey, now) -> list[Reminder]:
    """What "remind now" would send on a course feedback survey: the step due for each finished teacher who
    has not answered (or the first one early), leaving out the steps already sent to them."""
    sent = set(sent_records_about(kind=FEEDBACK_KIND, obj=survey).values_list("recipient_id", "step"))
    return [
        reminder
        for reminder in feedback_reminders({survey.pk: survey}, now, early=True)
        if (reminder.recipient.pk, reminder.step) not in sent
    ]


def survey_reminder(*, survey: Survey, person, step: followup.Step) -> Reminder:
    """The reminder of one step to one non-respondent (`person.cohort_id` from followup.non_respondents)."""
    url = reverse("surveys:fill", args=[survey.pk])
    if person.cohort_id:
        url += f"?cohort={person.cohort_id}"
    if survey.closes_at is not None:
        body = format_lazy(
            _("It takes a few minutes. Answers are accepted until {date}."),
            date=timezone.localtime(survey.closes_at).strftime("%d.%m.%Y %H:%M"),
        )
    else:
        body = _("It takes a few minutes.")
    return Reminder(
        recipient=person,
        obj=survey,
        step=followup.record_step(person.cohort_id, step),
        title=format_lazy(_("Please answer the survey: {title}"), title=survey.title),
        body=body,
        url=url,
    )


def step_reminders(*, survey: Survey, step: followup.Step):
    """One step's reminders to everyone of the survey's audience who has not answered and has not had this
    step yet (one query, read in chunks: a sweep after the step went out reads nobody)."""
    sent = sent_records_about(kind=followup.REMINDER_KIND, obj=survey)
    people = followup.not_yet_reminded(survey, step, sent).order_by("pk", "cohort_id")
    for person in people.iterator(chunk_size=500):
        yield survey_reminder(survey=survey, person=person, step=step)


@reminder_rule(kind=followup.REMINDER_KIND)
def survey_reminder_due(now):
    """General, diagnostic, placement and school surveys: each due step once to each non-respondent.

    Queries: the open surveys with their steps (two), then one per survey whose step is due.
    """
    for survey in followup.open_surveys_to_follow(now):
        step = followup.current_step(survey, now)
        if step is not None:
            yield from step_reminders(survey=survey, step=step)
