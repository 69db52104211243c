"""Escalation to methodologists at twice the response target; unconfirmed announcements (teacher at
48 h, the school's administrators at 96 h with who has not confirmed). Each step once, with time travel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Announcement, AnnouncementRead, Question
from notifications.models import Notification, SentRecord
from notifications.reminders import resolve_rule
from notifications.services import reminder_rule_run
from tests.factories import MethodologistFactory, SchoolAdminFactory, SchoolFactory, TeacherFactory

from .factories import CohortFactory, EnrollmentFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def records(kind):
    return sorted(SentRecord.objects.filter(kind=kind).values_list("recipient_id", "object_id", "step"))


def test_question_past_twice_the_target_goes_to_the_course_methodologists_once():
    methodologist, other = MethodologistFactory(), MethodologistFactory()
    cohort = CohortFactory(status="running", response_target_hours=10)
    cohort.course.authors.add(methodologist)
    question = QuestionFactory(enrollment=EnrollmentFactory(cohort=cohort))
    asked = question.created_at
    rule = "cohorts.reminders.methodologist_escalation"
    assert reminder_rule_run(rule=rule, now=asked + timedelta(hours=19)) == 0
    assert reminder_rule_run(rule=rule, now=asked + timedelta(hours=21)) == 1
    assert reminder_rule_run(rule=rule, now=asked + timedelta(hours=30)) == 0
    assert records("curator_escalation") == [(methodologist.pk, question.pk, "late-2x")]
    assert not Notification.objects.filter(recipient=other).exists()
    # Answered questions are not escalated.
    Question.objects.filter(pk=question.pk).update(answer="Yes", answered_at=timezone.now())
    QuestionFactory(enrollment=EnrollmentFactory(cohort=cohort), answer="ok", answered_at=timezone.now())
    assert reminder_rule_run(rule=rule, now=asked + timedelta(hours=40)) == 0


def _announcement(cohort, hours_ago, now):
    announcement = Announcement.objects.create(cohort=cohort, title="Webinar moved", body="Thursday 18:00")
    Announcement.objects.filter(pk=announcement.pk).update(created_at=now - timedelta(hours=hours_ago))
    return announcement


def test_unconfirmed_announcement_teacher_at_48h_school_admins_at_96h_each_once():
    now = timezone.now()
    school, other_school = SchoolFactory(), SchoolFactory()
    admin, other_admin = SchoolAdminFactory(school=school), SchoolAdminFactory(school=other_school)
    cohort = CohortFactory(status="running")
    silent = EnrollmentFactory(
        cohort=cohort, teacher=TeacherFactory(school=school, full_name="Сидорова Анна")
    )
    reader = EnrollmentFactory(cohort=cohort, teacher=TeacherFactory(school=school))
    announcement = _announcement(cohort, 0, now)
    AnnouncementRead.objects.create(announcement=announcement, enrollment=reader)

    teacher_rule = "cohorts.reminders.announcement_unconfirmed"
    admin_rule = "cohorts.reminders.announcement_unconfirmed_school_admins"
    assert reminder_rule_run(rule=teacher_rule, now=now + timedelta(hours=47)) == 0
    assert reminder_rule_run(rule=teacher_rule, now=now + timedelta(hours=49)) == 1
    assert reminder_rule_run(rule=teacher_rule, now=now + timedelta(hours=50)) == 0
    assert reminder_rule_run(rule=admin_rule, now=now + timedelta(hours=95)) == 0
    assert reminder_rule_run(rule=admin_rule, now=now + timedelta(hours=97)) == 1
    assert reminder_rule_run(rule=admin_rule, now=now + timedelta(hours=120)) == 0
    assert records("announcement_reminder") == [(silent.teacher_id, announcement.pk, "48h")]
    assert records("announcement_unconfirmed") == [(admin.pk, announcement.pk, f"96h-s{school.pk}")]
    told = Notification.objects.get(recipient=admin, kind="announcement_unconfirmed")
    assert told.body == "Сидорова Анна"
    assert not Notification.objects.filter(recipient=other_admin).exists()


@pytest.mark.parametrize("n", [2, 8])
def test_announcement_rules_select_in_constant_queries(n, django_assert_max_num_queries):
    now = timezone.now()
    school = SchoolFactory()
    SchoolAdminFactory(school=school)
    for _ in range(n):
        cohort = CohortFactory(status="running")
        EnrollmentFactory(cohort=cohort, teacher=TeacherFactory(school=school))
        _announcement(cohort, 100, now)
    with django_assert_max_num_queries(2):
        assert len(list(resolve_rule("cohorts.reminders.announcement_unconfirmed")(now))) == n
    with django_assert_max_num_queries(3):
        assert len(list(resolve_rule("cohorts.reminders.announcement_unconfirmed_school_admins")(now))) == n
    with django_assert_max_num_queries(4):
        list(resolve_rule("cohorts.reminders.methodologist_escalation")(now))


@pytest.mark.parametrize("n", [2, 7])
def test_deadline_and_curator_sweeps_select_in_constant_queries(n, django_assert_max_num_queries):
    from tests.cohorts.factories import AssignmentFactory, ModuleFactory
    from tests.factories import CuratorFactory

    now = timezone.now()
    today = timezone.localdate()
    for _ in range(n):
        module = ModuleFactory()
        AssignmentFactory(module=module, due_days=10)
        cohort = CohortFactory(
            course=module.course,
            status="running",
            starts_on=today - timedelta(days=8),
            ends_on=today + timedelta(days=30),
            curators=[CuratorFactory()],
        )
        EnrollmentFactory(cohort=cohort)
        question = QuestionFactory(enrollment=EnrollmentFactory(cohort=cohort))
        Question.objects.filter(pk=question.pk).update(created_at=now - timedelta(hours=30))
    with django_assert_max_num_queries(4):
        deadline = list(resolve_rule("cohorts.reminders.deadline_soon")(now))
    assert len(deadline) == 2 * n  # both learners of each cohort (neither submitted)
    assert {r.step.rsplit("-", 1)[1] for r in deadline} == {"3d"}  # due in 2 days
    with django_assert_max_num_queries(4):
        escalation = list(resolve_rule("cohorts.reminders.curator_escalation")(now))
    assert len(escalation) == n
