from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrollment, Question, Review, Submission
from cohorts.services import announcement_publish, nomination_create, question_ask, submission_submit
from tests.factories import CuratorFactory, SchoolAdminFactory, TeacherFactory

from .factories import (
    AssignmentFactory,
    CohortFactory,
    EnrollmentFactory,
    LessonFactory,
    LiveSessionFactory,
    ModuleFactory,
)

pytestmark = pytest.mark.django_db
S = Enrollment.State


@pytest.fixture
def course_cohort():
    module = ModuleFactory()
    curator = CuratorFactory()
    cohort = CohortFactory(course=module.course, curators=[curator])
    lessons = LessonFactory.create_batch(2, module=module)
    assignment = AssignmentFactory(module=module)
    return cohort, curator, lessons, assignment


def test_course_page_shows_the_enrol_button(client, course_cohort):
    cohort, *_ = course_cohort
    teacher = TeacherFactory()
    client.force_login(teacher)
    response = client.get(reverse("courses:detail", args=[cohort.course.slug]))
    assert response.status_code == 200
    assert reverse("cohorts:enrol", args=[cohort.pk]) in response.content.decode()


def test_enrol_needs_consent_then_learn_and_submit(client, course_cohort):
    cohort, curator, lessons, assignment = course_cohort
    teacher = TeacherFactory()
    client.force_login(teacher)
    url = reverse("cohorts:enrol", args=[cohort.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {})
    assert response.status_code == 200 and not Enrollment.objects.exists()
    response = client.post(url, {"consent": "on"})
    enrollment = Enrollment.objects.get()
    assert response.status_code == 302 and enrollment.state == S.ENROLLED
    player = client.get(reverse("cohorts:player", args=[enrollment.pk]))
    assert player.status_code == 200 and lessons[0].title in player.content.decode()
    response = client.post(reverse("cohorts:lesson", args=[enrollment.pk, lessons[0].pk]), {"done": "1"})
    assert response["Location"] == reverse("cohorts:lesson", args=[enrollment.pk, lessons[1].pk])
    assert enrollment.lesson_marks.count() == 1
    response = client.post(
        reverse("cohorts:assignment", args=[enrollment.pk, assignment.pk]), {"text": "My essay"}
    )
    assert response.status_code == 302
    assert Submission.objects.get().versions.get().text == "My essay"
    # A second submission while waiting for review is refused with a message.
    response = client.post(
        reverse("cohorts:assignment", args=[enrollment.pk, assignment.pk]), {"text": "Again"}
    )
    assert response.status_code == 200 and "waiting for review" in response.content.decode()
    assert Submission.objects.get().version_count == 1


def test_curator_reviews_with_a_comment_and_teacher_sees_it(client, course_cohort):
    cohort, curator, lessons, assignment = course_cohort
    enrollment = EnrollmentFactory(cohort=cohort)
    submission = submission_submit(enrollment=enrollment, assignment=assignment, text="Answer")
    client.force_login(curator)
    queue = client.get(reverse("cohorts:review_queue"))
    assert assignment.title in queue.content.decode()
    url = reverse("cohorts:review", args=[submission.pk])
    response = client.post(url, {"decision": "revise", "score": "3", "comment": ""})
    assert response.status_code == 200 and not Review.objects.exists()
    response = client.post(
        url, {"decision": "revise", "score": "3", "comment": "Add an example from your class"}
    )
    assert response.status_code == 302
    client.force_login(enrollment.teacher)
    cabinet = client.get(reverse("cabinet")).content.decode()
    assert "is reviewed" in cabinet
    page = client.get(reverse("cohorts:assignment", args=[enrollment.pk, assignment.pk])).content.decode()
    assert "Add an example from your class" in page
    submission.refresh_from_db()
    assert submission.review_seen_at is not None


def test_questions_answer_and_faq(client, course_cohort):
    cohort, curator, *_ = course_cohort
    enrollment = EnrollmentFactory(cohort=cohort)
    client.force_login(enrollment.teacher)
    client.post(reverse("cohorts:questions", args=[enrollment.pk]), {"text": "Where is the recording?"})
    question = Question.objects.get()
    client.force_login(curator)
    assert "Where is the recording?" in client.get(reverse("cohorts:question_queue")).content.decode()
    client.post(
        reverse("cohorts:question_answer", args=[question.pk]),
        {"answer": "Under sessions", "publish_faq": "on"},
    )
    question.refresh_from_db()
    assert (
        question.answer == "Under sessions"
        and question.is_faq
        and question.first_response_seconds is not None
    )
    assert "Every question has an answer" in client.get(reverse("cohorts:question_queue")).content.decode()


def test_announcement_read_confirmation(client, course_cohort):
    cohort, curator, *_ = course_cohort
    enrollment = EnrollmentFactory(cohort=cohort)
    client.force_login(curator)
    client.post(
        reverse("cohorts:curate_cohort", args=[cohort.pk]), {"title": "Webinar moved", "body": "To Friday"}
    )
    announcement = cohort.announcements.get()
    detail = client.get(
        reverse("cohorts:announcement_detail", args=[cohort.pk, announcement.pk])
    ).content.decode()
    assert str(enrollment.teacher) in detail
    client.force_login(enrollment.teacher)
    assert "Webinar moved" in client.get(reverse("cabinet")).content.decode()
    client.post(reverse("cohorts:announcement_read", args=[enrollment.pk, announcement.pk]))
    assert announcement.reads.count() == 1
    client.force_login(curator)
    detail = client.get(
        reverse("cohorts:announcement_detail", args=[cohort.pk, announcement.pk])
    ).content.decode()
    assert "Everyone has confirmed" in detail


def test_nomination_by_school_admin_and_acceptance(client, course_cohort, django_capture_on_commit_callbacks):
    cohort, *_ = course_cohort
    admin = SchoolAdminFactory()
    teacher = TeacherFactory(school=admin.school)
    client.force_login(admin)
    assert client.get(reverse("cohorts:nominations")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cohorts:nominate", args=[cohort.pk]), {"teachers": [teacher.pk]})
    assert response.status_code == 302
    progress = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'data-state="done"' in progress.content.decode()
    enrollment = Enrollment.objects.get(teacher=teacher)
    assert enrollment.state == S.NOMINATED
    client.force_login(teacher)
    assert "nominated you" in client.get(reverse("cabinet")).content.decode()
    client.post(reverse("cohorts:nomination_respond", args=[enrollment.pk]), {"answer": "accept"})
    enrollment.refresh_from_db()
    assert enrollment.state == S.ENROLLED


def test_decline_nomination_without_reason_changes_nothing(client, course_cohort):
    cohort, *_ = course_cohort
    admin = SchoolAdminFactory()
    teacher = TeacherFactory(school=admin.school)
    enrollment = nomination_create(cohort=cohort, teacher=teacher, nominated_by=admin)
    client.force_login(teacher)
    client.post(
        reverse("cohorts:nomination_respond", args=[enrollment.pk]), {"answer": "decline", "reason": ""}
    )
    enrollment.refresh_from_db()
    assert enrollment.state == S.NOMINATED


def test_withdraw_confirmation(client, course_cohort):
    cohort, *_ = course_cohort
    enrollment = EnrollmentFactory(cohort=cohort)
    client.force_login(enrollment.teacher)
    url = reverse("cohorts:withdraw", args=[enrollment.pk])
    assert "Yes, withdraw" in client.get(url).content.decode()
    client.post(url, {"reason": "No time"})
    enrollment.refresh_from_db()
    assert enrollment.state == S.WITHDRAWN


def test_check_in_and_attendance_page(client, course_cohort):
    cohort, curator, *_ = course_cohort
    enrollment = EnrollmentFactory(cohort=cohort)
    session = LiveSessionFactory(
        cohort=cohort, starts_at=timezone.now() - timedelta(minutes=5), checkin_code="XY7"
    )
    client.force_login(enrollment.teacher)
    client.post(reverse("cohorts:check_in", args=[enrollment.pk, session.pk]), {"code": "xy7"})
    assert session.attendance.count() == 1
    client.force_login(curator)
    url = reverse("cohorts:attendance", args=[cohort.pk, session.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"present": []})
    assert session.attendance.count() == 1  # self check-ins stay


def test_curator_pages_render(client, course_cohort):
    cohort, curator, lessons, assignment = course_cohort
    enrollment = EnrollmentFactory(cohort=cohort)
    question_ask(enrollment=enrollment, text="Q?")
    announcement_publish(cohort=cohort, author=curator, title="Hi", body="There")
    other = CohortFactory(course=cohort.course, curators=[curator])
    client.force_login(curator)
    for url in [
        reverse("cohorts:curate"),
        reverse("cohorts:curate_cohort", args=[cohort.pk]),
        reverse("cohorts:move", args=[cohort.pk, enrollment.pk]),
        reverse("cohorts:question_queue") + "?show=all",
    ]:
        assert client.get(url).status_code == 200, url
    client.post(
        reverse("cohorts:move", args=[cohort.pk, enrollment.pk]), {"to_cohort": other.pk, "reason": "Time"}
    )
    assert Enrollment.objects.get(teacher=enrollment.teacher, cohort=other).state == S.ENROLLED


def test_teacher_pages_render(client, course_cohort):
    cohort, curator, lessons, assignment = course_cohort
    enrollment = EnrollmentFactory(cohort=cohort)
    LiveSessionFactory(cohort=cohort, recording_url="https://video.example.org/1", checkin_code="A1")
    client.force_login(enrollment.teacher)
    for url in [
        reverse("cohorts:player", args=[enrollment.pk]),
        reverse("cohorts:lesson", args=[enrollment.pk, lessons[1].pk]),
        reverse("cohorts:assignment", args=[enrollment.pk, assignment.pk]),
        reverse("cohorts:questions", args=[enrollment.pk]),
        reverse("cabinet"),
    ]:
        assert client.get(url).status_code == 200, url


def test_the_lesson_page_offers_marking_only_while_the_cohort_runs(client, course_cohort, settings):
    settings.COHORTS_COMPLETION_GRACE_DAYS = 14
    cohort, curator, lessons, assignment = course_cohort
    enrollment = EnrollmentFactory(cohort=cohort)
    client.force_login(enrollment.teacher)
    url = reverse("cohorts:lesson", args=[enrollment.pk, lessons[0].pk])
    page = client.get(url).content.decode()
    assert 'name="done" value="1"' in page and "data-learning-closed" not in page
    cohort.starts_on = timezone.localdate() + timedelta(days=3)
    cohort.save()
    page = client.get(url).content.decode()
    assert 'name="done" value="1"' not in page
    assert "The cohort has not started yet: learning opens on" in page
    # Posting anyway is refused with the same message, and nothing is stored.
    response = client.post(url, {"done": "1"}, follow=True)
    assert response.status_code == 200 and "The cohort has not started yet" in response.content.decode()
    assert enrollment.lesson_marks.count() == 0
    cohort.starts_on, cohort.ends_on = (
        timezone.localdate() - timedelta(days=60),
        timezone.localdate() - timedelta(days=15),
    )
    cohort.save()
    page = client.get(url).content.decode()
    assert 'name="done" value="1"' not in page
    assert "Learning in this cohort closed on" in page
