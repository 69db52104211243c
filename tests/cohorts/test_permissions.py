"""Other people's ids in URLs: 404 (or 403 for a missing role), and nothing changes."""

import pytest
from django.urls import reverse

from cohorts.models import Enrollment, Question, Review, Submission
from cohorts.services import nomination_create, question_ask, submission_submit
from tests.factories import CuratorFactory, SchoolAdminFactory, TeacherFactory

from .factories import AssignmentFactory, CohortFactory, EnrollmentFactory, LessonFactory, ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    module = ModuleFactory()
    curator = CuratorFactory()
    cohort = CohortFactory(course=module.course, curators=[curator])
    lesson = LessonFactory(module=module)
    assignment = AssignmentFactory(module=module)
    mine = EnrollmentFactory(cohort=cohort)
    theirs = EnrollmentFactory(cohort=cohort)
    submission = submission_submit(enrollment=theirs, assignment=assignment, text="Their answer")
    question = question_ask(enrollment=theirs, text="Their question")
    return {
        "cohort": cohort,
        "curator": curator,
        "lesson": lesson,
        "assignment": assignment,
        "mine": mine,
        "theirs": theirs,
        "submission": submission,
        "question": question,
    }


def test_teacher_cannot_open_another_teachers_pages(client, world):
    theirs = world["theirs"]
    client.force_login(world["mine"].teacher)
    for url in [
        reverse("cohorts:player", args=[theirs.pk]),
        reverse("cohorts:lesson", args=[theirs.pk, world["lesson"].pk]),
        reverse("cohorts:assignment", args=[theirs.pk, world["assignment"].pk]),
        reverse("cohorts:questions", args=[theirs.pk]),
        reverse("cohorts:withdraw", args=[theirs.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("cohorts:assignment", args=[theirs.pk, world["assignment"].pk]), {"text": "x"}
        ).status_code
        == 404
    )
    assert client.post(reverse("cohorts:withdraw", args=[theirs.pk]), {}).status_code == 404
    assert (
        client.post(
            reverse("cohorts:lesson", args=[theirs.pk, world["lesson"].pk]), {"done": "1"}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.state == Enrollment.State.ENROLLED
    assert Submission.objects.get().version_count == 1
    assert not theirs.lesson_marks.exists()


def test_teacher_cannot_use_curator_pages(client, world):
    client.force_login(world["mine"].teacher)
    for url in [
        reverse("cohorts:review_queue"),
        reverse("cohorts:review", args=[world["submission"].pk]),
        reverse("cohorts:question_queue"),
        reverse("cohorts:question_answer", args=[world["question"].pk]),
        reverse("cohorts:curate_cohort", args=[world["cohort"].pk]),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("cohorts:review", args=[world["submission"].pk]),
        {"decision": "accepted", "score": 10, "comment": "ok"},
    )
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_curator_sees_only_their_cohorts(client, world):
    stranger = CuratorFactory()
    client.force_login(stranger)
    assert world["assignment"].title not in client.get(reverse("cohorts:review_queue")).content.decode()
    for url in [
        reverse("cohorts:review", args=[world["submission"].pk]),
        reverse("cohorts:question_answer", args=[world["question"].pk]),
        reverse("cohorts:curate_cohort", args=[world["cohort"].pk]),
        reverse("cohorts:move", args=[world["cohort"].pk, world["theirs"].pk]),
    ]:
        assert client.get(url).status_code == 404, url
    client.post(reverse("cohorts:question_answer", args=[world["question"].pk]), {"answer": "hijack"})
    assert Question.objects.get().answer == ""


def test_school_admin_nominates_only_own_school(client, world):
    admin = SchoolAdminFactory()
    other_teacher = TeacherFactory()
    client.force_login(admin)
    response = client.post(
        reverse("cohorts:nominate", args=[world["cohort"].pk]), {"teachers": [other_teacher.pk]}
    )
    assert response.status_code == 200  # not a choice: the form refuses it
    assert not Enrollment.objects.filter(teacher=other_teacher).exists()


def test_teacher_cannot_answer_another_teachers_nomination(client, world):
    admin = SchoolAdminFactory()
    nominee = TeacherFactory(school=admin.school)
    enrollment = nomination_create(cohort=world["cohort"], teacher=nominee, nominated_by=admin)
    client.force_login(world["mine"].teacher)
    assert (
        client.post(
            reverse("cohorts:nomination_respond", args=[enrollment.pk]), {"answer": "accept"}
        ).status_code
        == 404
    )
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.NOMINATED


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("cohorts:player", args=[world["mine"].pk]))
    assert response.status_code == 302 and "login" in response["Location"]
