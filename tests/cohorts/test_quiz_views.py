"""Quiz pages: no answer key before submission (the attack), saving on each change, the time limit,
other people's attempts, the authors' statistics."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cohorts import services
from cohorts.models import QuizAnswer, QuizAttempt
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, QuizFactory, make_question
from tests.factories import CuratorFactory, MethodologistFactory, TeacherFactory

pytestmark = pytest.mark.django_db

# Distinctive values of the key: none of them may reach the browser while the attempt runs.
SECRETS = [
    "ВЕРНЫЙ-ВАРИАНТ-ТЕКСТ",  # an accepted short answer
    "ДРУГОЙ-ПРИНЯТЫЙ",
    "3.1416",  # the numeric answer
    "3,1416",
    "0,0271",
    "0.0271",  # the tolerance
    "ОТЗЫВ-О-ВОПРОСЕ",  # question feedback
    "ОТЗЫВ-О-ВЫБОРЕ",  # choice feedback
    "is_correct",
    "correct",
    "accepted",
    "tolerance",
    "feedback",
    "true_false_answer",
]


@pytest.fixture
def setup():
    cohort = CohortFactory()
    quiz = QuizFactory(
        lesson__module__course=cohort.course,
        attempt_limit=1,
        time_limit_minutes=20,
        reveal_answers="after_last",
    )
    make_question(
        quiz,
        "single",
        [("Выготский", True), ("Пиаже", False)],
        text="Кто автор понятия?",
        feedback="ОТЗЫВ-О-ВОПРОСЕ",
    )
    choice = quiz.items.get().question.choices.get(text="Выготский")
    choice.feedback = "ОТЗЫВ-О-ВЫБОРЕ"
    choice.save()
    make_question(quiz, "short", text="Назовите", accepted_answers="ВЕРНЫЙ-ВАРИАНТ-ТЕКСТ\nДРУГОЙ-ПРИНЯТЫЙ")
    make_question(
        quiz, "numeric", text="Число пи", numeric_answer=Decimal("3.1416"), tolerance=Decimal("0.0271")
    )
    make_question(quiz, "true_false", text="Верно ли?", true_false_answer=False)
    make_question(quiz, "matching", [("Москва", "Россия"), ("Париж", "Франция"), ("Рим", "Италия")])
    make_question(quiz, "ordering", [("первый", 1), ("второй", 1), ("третий", 1)])
    enrollment = EnrollmentFactory(cohort=cohort)
    return quiz, enrollment


def _attempt_url(enrollment, attempt):
    return reverse("cohorts:quiz_attempt", args=[enrollment.pk, attempt.pk])


def test_no_answer_key_reaches_the_browser_before_submission(client, setup):
    """The attack: a teacher reads the attempt page's HTML and the API's JSON looking for the key."""
    quiz, enrollment = setup
    client.force_login(enrollment.teacher)
    response = client.post(reverse("cohorts:quiz", args=[enrollment.pk, quiz.lesson_id]))
    attempt = QuizAttempt.objects.get(enrollment=enrollment)
    assert response.status_code == 302
    assert response["Location"] == _attempt_url(enrollment, attempt)
    with translation.override("en"):
        page = client.get(_attempt_url(enrollment, attempt)).content.decode()
        api = client.get(f"/api/v1/quiz-attempts/{attempt.pk}/").content.decode()
    assert "Кто автор понятия?" in page
    assert "Кто автор понятия?" in api
    for secret in SECRETS:
        assert secret not in page, secret
        assert secret not in api, secret
    # Choices are named by their index in the shown order, never by id.
    assert 'name="q1" id="q1-o0" value="0"' in page
    assert 'name="q1" id="q1-o1" value="1"' in page
    # The ordering question's items are not shown in their correct order, the matches not beside their items.
    ordering = QuizAnswer.objects.get(attempt=attempt, question__kind="ordering")
    assert ordering.choice_order != sorted(ordering.choice_order)
    assert page.index("первый") > page.index("второй") or page.index("второй") > page.index("третий")


def test_after_the_last_attempt_the_correct_answers_and_feedback_are_shown(client, setup):
    quiz, enrollment = setup
    client.force_login(enrollment.teacher)
    client.post(reverse("cohorts:quiz", args=[enrollment.pk, quiz.lesson_id]))
    attempt = QuizAttempt.objects.get(enrollment=enrollment)
    response = client.post(_attempt_url(enrollment, attempt), {"q4": "false"})
    assert response.status_code == 302
    page = client.get(_attempt_url(enrollment, attempt)).content.decode()
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == ("submitted", Decimal("1.00"))
    for secret in ("ВЕРНЫЙ-ВАРИАНТ-ТЕКСТ", "ОТЗЫВ-О-ВОПРОСЕ", "3.1416", "0.0271"):
        assert secret in page


def test_with_attempts_left_the_answers_stay_hidden_after_submission(client, setup):
    quiz, enrollment = setup
    quiz.attempt_limit = 2
    quiz.save()
    client.force_login(enrollment.teacher)
    client.post(reverse("cohorts:quiz", args=[enrollment.pk, quiz.lesson_id]))
    attempt = QuizAttempt.objects.get(enrollment=enrollment)
    client.post(_attempt_url(enrollment, attempt))
    page = client.get(_attempt_url(enrollment, attempt)).content.decode()
    api = client.get(f"/api/v1/quiz-attempts/{attempt.pk}/").json()
    for secret in ("ВЕРНЫЙ-ВАРИАНТ-ТЕКСТ", "ОТЗЫВ-О-ВОПРОСЕ", "3.1416", "0.0271"):
        assert secret not in page
        assert secret not in str(api)
    assert (api["state"], api["answers_revealed"], api["attempts_left"]) == ("submitted", False, 1)


def test_each_change_is_saved_and_shown_again_on_reload(client, setup):
    quiz, enrollment = setup
    client.force_login(enrollment.teacher)
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    url = reverse("cohorts:quiz_answer", args=[enrollment.pk, attempt.pk])
    assert client.post(url, {"position": 4, "q4": "true"}).status_code == 204
    assert client.post(url, {"position": 2, "q2": "мой ответ"}).status_code == 204
    assert QuizAnswer.objects.get(attempt=attempt, position=4).response == {"value": True}
    page = client.get(_attempt_url(enrollment, attempt)).content.decode()
    assert 'id="q4-t" value="true" checked' in page
    assert 'value="мой ответ"' in page
    bad = client.post(url, {"position": 1, "q1": "9"})
    assert bad.status_code == 400
    assert QuizAnswer.objects.get(attempt=attempt, position=1).response is None


def test_saving_after_the_time_limit_is_refused_with_a_clear_message(client, setup):
    quiz, enrollment = setup
    client.force_login(enrollment.teacher)
    attempt = services.quiz_attempt_start(
        enrollment=enrollment, quiz=quiz, now=timezone.now() - timedelta(minutes=21)
    )
    url = reverse("cohorts:quiz_answer", args=[enrollment.pk, attempt.pk])
    with translation.override("en"):
        response = client.post(url, {"position": 4, "q4": "false"})
    assert response.status_code == 409
    assert response.content.decode().startswith("Time is up")
    assert QuizAnswer.objects.get(attempt=attempt, position=4).response is None
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == ("timed_out", Decimal("0.00"))


def test_an_attempt_beyond_the_limit_is_refused_with_a_message(client, setup):
    quiz, enrollment = setup
    client.force_login(enrollment.teacher)
    services.quiz_attempt_submit(attempt=services.quiz_attempt_start(enrollment=enrollment, quiz=quiz))
    with translation.override("en"):
        response = client.post(reverse("cohorts:quiz", args=[enrollment.pk, quiz.lesson_id]), follow=True)
    assert "You have used all 1 attempts at this quiz." in response.content.decode()
    assert QuizAttempt.objects.filter(enrollment=enrollment).count() == 1


def test_the_page_shows_the_time_left_from_the_stored_deadline(client, setup):
    quiz, enrollment = setup
    client.force_login(enrollment.teacher)
    attempt = services.quiz_attempt_start(
        enrollment=enrollment, quiz=quiz, now=timezone.now() - timedelta(minutes=5)
    )
    page = client.get(_attempt_url(enrollment, attempt)).content.decode()
    remaining = int(page.split('data-remaining="')[1].split('"')[0])
    assert 14 * 60 <= remaining <= 15 * 60


def test_another_teachers_attempt_is_404_and_unchanged(client, setup):
    quiz, enrollment = setup
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    other = EnrollmentFactory(cohort=enrollment.cohort)
    client.force_login(other.teacher)
    assert client.get(_attempt_url(enrollment, attempt)).status_code == 404
    assert client.get(_attempt_url(other, attempt)).status_code == 404
    assert (
        client.post(
            reverse("cohorts:quiz_answer", args=[other.pk, attempt.pk]), {"position": 4, "q4": "true"}
        ).status_code
        == 404
    )
    assert client.post(_attempt_url(other, attempt)).status_code == 404
    assert client.get(f"/api/v1/quiz-attempts/{attempt.pk}/").status_code == 404
    assert client.post(f"/api/v1/quiz-attempts/{attempt.pk}/submit/", {}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == "running"
    assert QuizAnswer.objects.filter(attempt=attempt, response__isnull=False).count() == 0


def test_a_quiz_of_another_course_is_404(client, setup):
    quiz, enrollment = setup
    other_quiz = QuizFactory()
    client.force_login(enrollment.teacher)
    assert client.get(reverse("cohorts:quiz", args=[enrollment.pk, other_quiz.lesson_id])).status_code == 404
    assert client.post(reverse("cohorts:quiz", args=[enrollment.pk, other_quiz.lesson_id])).status_code == 404
    assert QuizAttempt.objects.count() == 0


def test_anonymous_is_sent_to_login(client, setup):
    quiz, enrollment = setup
    response = client.get(reverse("cohorts:quiz", args=[enrollment.pk, quiz.lesson_id]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _finished_attempts(quiz, count):
    cohort = quiz.lesson.module.course.cohorts.first()
    for n in range(count):
        enrollment = EnrollmentFactory(cohort=cohort)
        attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
        services.quiz_answer_save(attempt=attempt, position=4, data={"value": "false" if n % 2 else "true"})
        services.quiz_attempt_submit(attempt=attempt)


@pytest.mark.parametrize("count", [3, 12])
def test_the_statistics_page_runs_constant_queries(client, setup, django_assert_max_num_queries, count):
    quiz, _enrollment = setup
    _finished_attempts(quiz, count)
    author = MethodologistFactory()
    quiz.lesson.module.course.authors.add(author)
    client.force_login(author)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cohorts:quiz_statistics", args=[quiz.pk]))
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["attempts"] == count
    true_false = next(row for row in stats["questions"] if row["question"].kind == "true_false")
    assert true_false["answers"] == count
    assert true_false["facility"] == round(100 * (count // 2) / count)
    said_true = count - count // 2
    assert [(o["correct"], o["percent"]) for o in true_false["options"]] == [
        (False, round(100 * said_true / count)),
        (True, round(100 * (count // 2) / count)),
    ]


def test_discrimination_is_the_item_rest_correlation(setup):
    from cohorts.selectors import _pearson

    assert _pearson([1, 1, 0, 0], [3, 2, 1, 0]) == pytest.approx(0.894, abs=0.001)
    assert _pearson([1, 1, 1], [3, 2, 1]) is None  # no variance: undefined
    assert _pearson([1, 0], [1, 0]) is None  # fewer than three attempts


def test_statistics_only_for_the_course_authors(client, setup):
    quiz, enrollment = setup
    url = reverse("cohorts:quiz_statistics", args=[quiz.pk])
    for user in (enrollment.teacher, TeacherFactory(), CuratorFactory(), MethodologistFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_the_lesson_page_of_a_quiz_links_to_it_and_cannot_be_marked_done(client, setup):
    from cohorts.models import LessonProgress

    quiz, enrollment = setup
    client.force_login(enrollment.teacher)
    url = reverse("cohorts:lesson", args=[enrollment.pk, quiz.lesson_id])
    page = client.get(url).content.decode()
    assert reverse("cohorts:quiz", args=[enrollment.pk, quiz.lesson_id]) in page
    assert 'name="done"' not in page
    with translation.override("en"):
        response = client.post(url, {"done": "1"}, follow=True)
    assert "A quiz lesson is done when one of its attempts passes." in response.content.decode()
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 0
