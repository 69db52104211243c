"""Feedback survey reminders: 1 day and 4 days after completion (or the cohort's end), each once, then no more."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Enrollment
from notifications.models import Notification, SentRecord
from notifications.services import reminder_rule_run
from surveys.models import Participation

from .factories import CohortFactory, EnrollmentFactory, feedback_survey

pytestmark = pytest.mark.django_db
RULE = "surveys.reminders.feedback_survey_due"


def sent(kind="feedback_reminder"):
    return sorted(SentRecord.objects.filter(kind=kind).values_list("recipient_id", "step"))


def test_steps_after_one_and_four_days_each_once_then_no_more():
    now = timezone.now()
    cohort = CohortFactory(
        starts_on=timezone.localdate() - timedelta(days=40), ends_on=timezone.localdate() + timedelta(days=20)
    )
    survey, _questions = feedback_survey(cohorts=[cohort])
    done = EnrollmentFactory(cohort=cohort, state=Enrollment.State.COMPLETED, completed_at=now)
    answered = EnrollmentFactory(cohort=cohort, state=Enrollment.State.COMPLETED, completed_at=now)
    Participation.objects.create(
        survey=survey, user=answered.teacher, cohort=cohort, submitted_on=timezone.localdate()
    )
    EnrollmentFactory(cohort=cohort)  # still learning, cohort not over: nothing

    assert reminder_rule_run(rule=RULE, now=now + timedelta(hours=23)) == 0
    assert reminder_rule_run(rule=RULE, now=now + timedelta(days=1, minutes=1)) == 1
    assert reminder_rule_run(rule=RULE, now=now + timedelta(days=2)) == 0  # the beat fires again: nothing new
    assert reminder_rule_run(rule=RULE, now=now + timedelta(days=4, minutes=1)) == 1
    for days in (5, 9, 13, 20):
        assert reminder_rule_run(rule=RULE, now=now + timedelta(days=days)) == 0
    step = f"c{cohort.pk}"
    assert sent() == [(done.teacher_id, f"{step}-1d"), (done.teacher_id, f"{step}-4d")]
    assert Notification.objects.filter(recipient=done.teacher, kind="feedback_reminder").count() == 2
    note = Notification.objects.filter(recipient=done.teacher).first()
    assert note.url == f"/surveys/{survey.pk}/fill/?cohort={cohort.pk}"


def test_cohort_end_date_counts_as_the_finish_for_those_still_enrolled():
    today = timezone.localdate()
    cohort = CohortFactory(
        starts_on=today - timedelta(days=40), ends_on=today - timedelta(days=2), status="finished"
    )
    feedback_survey(cohorts=[cohort])
    learner = EnrollmentFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort, state=Enrollment.State.WITHDRAWN)
    assert reminder_rule_run(rule=RULE) == 1
    assert sent() == [(learner.teacher_id, f"c{cohort.pk}-1d")]


def test_no_reminder_after_two_weeks_or_for_closed_surveys():
    now = timezone.now()
    cohort = CohortFactory()
    survey, _q = feedback_survey(cohorts=[cohort])
    EnrollmentFactory(cohort=cohort, state=Enrollment.State.COMPLETED, completed_at=now - timedelta(days=20))
    assert reminder_rule_run(rule=RULE, now=now) == 0
    EnrollmentFactory(cohort=cohort, state=Enrollment.State.COMPLETED, completed_at=now - timedelta(days=2))
    survey.closes_at = now - timedelta(hours=1)
    survey.save()
    assert reminder_rule_run(rule=RULE, now=now) == 0


@pytest.mark.parametrize("n", [3, 12])
def test_sweep_selection_runs_constant_queries(n, django_assert_max_num_queries):
    from notifications.reminders import resolve_rule

    now = timezone.now()
    cohort = CohortFactory()
    feedback_survey(cohorts=[cohort])
    for _ in range(n):
        EnrollmentFactory(
            cohort=cohort, state=Enrollment.State.COMPLETED, completed_at=now - timedelta(days=2)
        )
    with django_assert_max_num_queries(2):
        reminders = list(resolve_rule(RULE)(now))
    assert len(reminders) == n


def test_remind_now_on_a_feedback_survey_sends_each_teacher_the_due_step_once(
    client, django_capture_on_commit_callbacks
):
    """The author's "remind now" on a course feedback survey: the step due for each finished teacher (or the
    first one early), never a step twice — a second click, the sweep afterwards — and never to those who
    answered or are still learning."""
    from django.urls import reverse

    from tests.factories import MethodologistFactory

    now = timezone.now()
    author = MethodologistFactory(preferred_language="en")
    cohort = CohortFactory(
        starts_on=timezone.localdate() - timedelta(days=40), ends_on=timezone.localdate() + timedelta(days=20)
    )
    survey, _questions = feedback_survey(cohorts=[cohort], authors=[author])
    fresh = EnrollmentFactory(
        cohort=cohort, state=Enrollment.State.COMPLETED, completed_at=now - timedelta(hours=2)
    )
    older = EnrollmentFactory(
        cohort=cohort, state=Enrollment.State.COMPLETED, completed_at=now - timedelta(days=5)
    )
    answered = EnrollmentFactory(cohort=cohort, state=Enrollment.State.COMPLETED, completed_at=now)
    Participation.objects.create(
        survey=survey, user=answered.teacher, cohort=cohort, submitted_on=timezone.localdate()
    )
    EnrollmentFactory(cohort=cohort)  # still learning
    assert reminder_rule_run(rule=RULE, now=now - timedelta(days=3)) == 1  # `older` had its 1-day step
    step = f"c{cohort.pk}"

    client.force_login(author)
    page = client.get(reverse("surveys:non_respondents", args=[survey.pk])).content.decode()
    assert "2 people not reminded yet." in page
    url = reverse("surveys:remind_now", args=[survey.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Reminder “after finishing the course” is going out to 2 people who have not answered yet."
    ]
    assert sent() == sorted(
        [(older.teacher_id, f"{step}-1d"), (fresh.teacher_id, f"{step}-1d"), (older.teacher_id, f"{step}-4d")]
    )

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(url, follow=True)
    assert queued == []
    assert len(sent()) == 3
    # The sweep finds the early step sent: nothing again at one day; the four-day step still comes.
    assert reminder_rule_run(rule=RULE, now=now + timedelta(days=1)) == 0
    assert reminder_rule_run(rule=RULE, now=now + timedelta(days=4)) == 1
    assert (fresh.teacher_id, f"{step}-4d") in sent() and len(sent()) == 4
