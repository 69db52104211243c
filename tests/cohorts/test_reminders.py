from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.services import question_ask, submission_submit
from notifications.models import Notification
from notifications.services import reminder_rule_run
from tests.factories import CuratorFactory

from .factories import AssignmentFactory, CohortFactory, EnrollmentFactory, ModuleFactory

pytestmark = pytest.mark.django_db


def test_deadline_reminder_once_to_those_who_have_not_submitted():
    module = ModuleFactory()
    assignment = AssignmentFactory(module=module, due_days=10)
    cohort = CohortFactory(
        course=module.course,
        status="running",
        starts_on=timezone.localdate() - timedelta(days=8),
        ends_on=timezone.localdate() + timedelta(days=30),
    )
    late, done = EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort)
    submission_submit(enrollment=done, assignment=assignment, text="Done already")
    reminder_rule_run(rule="cohorts.reminders.deadline_soon")
    reminder_rule_run(rule="cohorts.reminders.deadline_soon")
    assert list(
        Notification.objects.filter(kind="deadline_reminder").values_list("recipient_id", flat=True)
    ) == [late.teacher_id]


def test_curators_are_told_of_a_question_past_the_target():
    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator], response_target_hours=24)
    enrollment = EnrollmentFactory(cohort=cohort)
    question = question_ask(enrollment=enrollment, text="Hello?")
    reminder_rule_run(rule="cohorts.reminders.curator_escalation")
    assert not Notification.objects.filter(kind="curator_escalation").exists()
    reminder_rule_run(
        rule="cohorts.reminders.curator_escalation", now=question.created_at + timedelta(hours=25)
    )
    reminder_rule_run(
        rule="cohorts.reminders.curator_escalation", now=question.created_at + timedelta(hours=26)
    )
    assert list(
        Notification.objects.filter(kind="curator_escalation").values_list("recipient_id", flat=True)
    ) == [curator.pk]
