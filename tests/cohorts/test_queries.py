"""Pages run a number of queries that does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.services import (
    announcement_publish,
    question_answer,
    question_ask,
    review_submit,
    submission_submit,
)
from tests.factories import CuratorFactory, TeacherFactory

from .factories import (
    AssignmentFactory,
    CohortFactory,
    EnrollmentFactory,
    LessonFactory,
    LiveSessionFactory,
    ModuleFactory,
)

pytestmark = pytest.mark.django_db


def _course(n_modules):
    modules = [ModuleFactory()]
    modules += [ModuleFactory(course=modules[0].course) for _ in range(n_modules - 1)]
    for module in modules:
        LessonFactory.create_batch(2, module=module)
        AssignmentFactory(module=module)
    return modules[0].course


def _teacher_world(teacher, curator, size):
    for _ in range(size):
        course = _course(size)
        cohort = CohortFactory(course=course, curators=[curator])
        enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher)
        LiveSessionFactory(cohort=cohort)
        assignment = course.modules.first().assignments.first()
        submission = submission_submit(enrollment=enrollment, assignment=assignment, text="An answer")
        review_submit(
            submission=submission,
            reviewer=curator,
            decision="revise",
            score=1,
            comment="Please add more detail to each step.",
        )
        question_answer(question=question_ask(enrollment=enrollment, text="Q"), curator=curator, answer="A")
        announcement_publish(cohort=cohort, author=curator, title="News", body="Text")
    return enrollment


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_cabinet_and_player_queries_do_not_grow():
    from django.test import Client

    curator = CuratorFactory()
    counts = {}
    for size in (1, 4):
        teacher = TeacherFactory()
        enrollment = _teacher_world(teacher, curator, size)
        client = Client()
        client.force_login(teacher)
        counts[size] = (
            _count(client, reverse("cabinet")),
            _count(client, reverse("cohorts:player", args=[enrollment.pk])),
            _count(
                client,
                reverse(
                    "cohorts:lesson",
                    args=[enrollment.pk, enrollment.cohort.course.modules.first().lessons.first().pk],
                ),
            ),
        )
    assert counts[1] == counts[4], counts


def test_review_queue_queries_do_not_grow(client):
    curator = CuratorFactory()
    client.force_login(curator)
    counts = []
    for size in (2, 12):
        module = ModuleFactory()
        assignment = AssignmentFactory(module=module)
        cohort = CohortFactory(course=module.course, curators=[curator])
        for _ in range(size // 2):
            submission_submit(
                enrollment=EnrollmentFactory(cohort=cohort),
                assignment=assignment,
                text="Same answer text for all of them, copied from a chat.",
            )
        counts.append(
            (
                _count(client, reverse("cohorts:review_queue")),
                _count(client, reverse("cohorts:question_queue")),
                _count(client, reverse("cohorts:curate")),
                _count(client, reverse("cohorts:curate_cohort", args=[cohort.pk])),
            )
        )
    assert counts[0] == counts[1], counts


def test_review_page_of_a_flagged_answer_queries_do_not_grow(client, django_capture_on_commit_callbacks):
    """The side-by-side copy evidence costs the same whatever the number of answers to the assignment."""
    from .test_copy_detection import DISGUISED, ORIGINAL

    curator = CuratorFactory()
    client.force_login(curator)
    counts = []
    for size in (2, 12):
        module = ModuleFactory()
        assignment = AssignmentFactory(module=module)
        cohort = CohortFactory(course=module.course, curators=[curator])
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(size):
                submission_submit(
                    enrollment=EnrollmentFactory(cohort=cohort),
                    assignment=assignment,
                    text=f"{ORIGINAL} Вариант {i}.",
                )
            copy = submission_submit(
                enrollment=EnrollmentFactory(cohort=cohort), assignment=assignment, text=DISGUISED
            )
        copy.refresh_from_db()
        assert copy.similarity == 1.0
        counts.append(_count(client, reverse("cohorts:review", args=[copy.pk])))
    assert counts[0] == counts[1], counts
