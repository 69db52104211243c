"""The quiz attempt API: start / resume, save, submit, read results; the teacher's own attempts only."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from cohorts import services
from cohorts.models import QuizAnswer, QuizAttempt
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, QuizFactory, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def quiz_and_enrollment():
    cohort = CohortFactory()
    quiz = QuizFactory(lesson__module__course=cohort.course, attempt_limit=1, reveal_answers="after_last")
    make_question(quiz, "true_false", text="Рубрика — это таблица критериев?", true_false_answer=True)
    make_question(quiz, "short", text="Как называется самооценка по критериям?", accepted_answers="рефлексия")
    return quiz, EnrollmentFactory(cohort=cohort)


def test_start_resume_answer_and_submit(api, quiz_and_enrollment):
    quiz, enrollment = quiz_and_enrollment
    api.force_authenticate(enrollment.teacher)
    started = api.post(
        "/api/v1/quiz-attempts/", {"enrollment": enrollment.pk, "lesson": quiz.lesson_id}, format="json"
    )
    assert started.status_code == 201
    body = started.json()
    assert (body["number"], body["state"], body["attempts_left"], body["answers_revealed"]) == (
        1,
        "running",
        1,
        False,
    )
    assert [q["kind"] for q in body["questions"]] == ["true_false", "short"]
    assert "correct_value" not in body["questions"][0]
    assert "рефлексия" not in started.content.decode()
    resumed = api.post(
        "/api/v1/quiz-attempts/", {"enrollment": enrollment.pk, "lesson": quiz.lesson_id}, format="json"
    )
    assert (resumed.status_code, resumed.json()["id"]) == (200, body["id"])
    saved = api.post(
        f"/api/v1/quiz-attempts/{body['id']}/answer/",
        {"position": 1, "response": {"value": True}},
        format="json",
    )
    assert saved.status_code == 204
    submitted = api.post(
        f"/api/v1/quiz-attempts/{body['id']}/submit/",
        {"responses": {"2": {"text": "Рефлексия"}}},
        format="json",
    )
    assert submitted.status_code == 200
    result = submitted.json()
    assert (result["state"], result["score"], result["percent"], result["passed"]) == (
        "submitted",
        "2.00",
        "100.00",
        True,
    )
    assert (result["attempts_left"], result["answers_revealed"]) == (0, True)
    assert result["questions"][1]["accepted"] == ["рефлексия"]
    assert result["questions"][0]["result"] == "correct"


def test_beyond_the_limit_and_after_submission_the_api_answers_400_and_changes_nothing(
    api, quiz_and_enrollment
):
    quiz, enrollment = quiz_and_enrollment
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    services.quiz_attempt_submit(attempt=attempt)
    api.force_authenticate(enrollment.teacher)
    with translation.override("en"):
        again = api.post(
            "/api/v1/quiz-attempts/", {"enrollment": enrollment.pk, "lesson": quiz.lesson_id}, format="json"
        )
        late = api.post(
            f"/api/v1/quiz-attempts/{attempt.pk}/answer/",
            {"position": 1, "response": {"value": True}},
            format="json",
        )
    assert (again.status_code, again.json()) == (
        400,
        {"detail": "You have used all 1 attempts at this quiz."},
    )
    assert (late.status_code, late.json()) == (
        400,
        {"detail": "This attempt is already submitted; answers can no longer change."},
    )
    assert QuizAttempt.objects.filter(enrollment=enrollment).count() == 1
    assert QuizAnswer.objects.get(attempt=attempt, position=1).response is None


def test_an_expired_attempt_is_graded_when_read(api, quiz_and_enrollment):
    quiz, enrollment = quiz_and_enrollment
    quiz.time_limit_minutes = 5
    quiz.save()
    attempt = services.quiz_attempt_start(
        enrollment=enrollment, quiz=quiz, now=timezone.now() - timedelta(minutes=6)
    )
    api.force_authenticate(enrollment.teacher)
    response = api.get(f"/api/v1/quiz-attempts/{attempt.pk}/")
    assert (response.status_code, response.json()["state"], response.json()["score"]) == (
        200,
        "timed_out",
        "0.00",
    )


def test_only_my_attempts_are_listed_in_constant_queries(
    api, quiz_and_enrollment, django_assert_max_num_queries
):
    quiz, enrollment = quiz_and_enrollment
    services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    services.quiz_attempt_start(enrollment=EnrollmentFactory(cohort=enrollment.cohort), quiz=quiz)
    api.force_authenticate(enrollment.teacher)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/quiz-attempts/")
    assert response.status_code == 200
    assert [row["enrollment"] for row in response.json()["results"]] == [enrollment.pk]


def test_another_teacher_cannot_start_on_my_enrollment(api, quiz_and_enrollment):
    quiz, enrollment = quiz_and_enrollment
    api.force_authenticate(EnrollmentFactory(cohort=enrollment.cohort).teacher)
    response = api.post(
        "/api/v1/quiz-attempts/", {"enrollment": enrollment.pk, "lesson": quiz.lesson_id}, format="json"
    )
    assert response.status_code == 404
    assert QuizAttempt.objects.count() == 0


def test_anonymous_is_refused(api, quiz_and_enrollment):
    assert api.get("/api/v1/quiz-attempts/").status_code == 401


def test_schema_documents_the_quiz_endpoints(api):
    schema = api.get("/api/schema/").content.decode()
    assert "/api/v1/quiz-attempts/{id}/answer/" in schema
    assert "/api/v1/quiz-attempts/{id}/submit/" in schema
    assert "QuizQuestionItem" in schema
