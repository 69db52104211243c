"""A teacher opens a timed quiz, answers two questions (each saved as it changes), reloads the page: the
answers are kept and the timer runs on from the stored deadline; she submits and sees her score and, as
the author set it, the correct answers."""

from decimal import Decimal

from playwright.sync_api import expect

from cohorts.models import QuizAnswer, QuizAttempt
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, QuizFactory, make_question


def test_a_teacher_takes_a_timed_quiz_and_resumes_after_reload(page, live_server, login_as, shot):
    cohort = CohortFactory(course__title="Формирующее оценивание")
    quiz = QuizFactory(
        lesson__module__course=cohort.course,
        lesson__title="Проверочный тест",
        attempt_limit=1,
        time_limit_minutes=15,
        reveal_answers="after_last",
        pass_percent=50,
    )
    make_question(
        quiz,
        "single",
        [("Обратная связь по ходу обучения", True), ("Итоговая отметка", False)],
        text="Что такое формирующее оценивание?",
    )
    make_question(
        quiz, "short", text="Как называется лист самооценки?", accepted_answers="Лист самооценки\nЧек-лист"
    )
    make_question(
        quiz, "numeric", text="Сколько критериев в рубрике из примера?", numeric_answer=Decimal("4")
    )
    enrollment = EnrollmentFactory(cohort=cohort)

    login_as(enrollment.teacher)
    page.goto(f"{live_server.url}/learn/my/{enrollment.pk}/lesson/{quiz.lesson_id}/")
    page.locator("a", has_text="Open the quiz").click()
    page.locator("[data-quiz-start]").click()
    timer = page.locator("[data-quiz-timer]")
    expect(timer).to_be_visible()
    first_left = int(timer.get_attribute("data-remaining"))
    assert 14 * 60 <= first_left <= 15 * 60

    with page.expect_response(lambda r: r.url.endswith("/answer/") and r.request.method == "POST") as saved:
        page.get_by_label("Обратная связь по ходу обучения").check()
    assert saved.value.status == 204
    with page.expect_response(lambda r: r.url.endswith("/answer/") and r.request.method == "POST") as saved:
        page.locator("fieldset[data-position='2'] input[type=text]").fill("чек-лист")
    assert saved.value.status == 204
    attempt = QuizAttempt.objects.get(enrollment=enrollment)
    assert QuizAnswer.objects.get(attempt=attempt, position=2).response == {"text": "чек-лист"}
    shot("quiz-running")

    page.reload()
    expect(page.get_by_label("Обратная связь по ходу обучения")).to_be_checked()
    expect(page.locator("fieldset[data-position='2'] input[type=text]")).to_have_value("чек-лист")
    again_left = int(page.locator("[data-quiz-timer]").get_attribute("data-remaining"))
    assert again_left <= first_left  # the same deadline: the clock did not restart
    attempt.refresh_from_db()
    assert attempt.state == "running"

    page.locator("[data-quiz-submit]").click()
    result = page.locator("[data-quiz-result]")
    expect(result).to_contain_text("2 of 3 points")
    expect(result).to_contain_text("passed")
    expect(page.locator("fieldset[data-position='3'] [data-correct-answer]")).to_contain_text("4")
    expect(page.locator("fieldset[data-position='2'] [data-correct-answer]")).to_contain_text(
        "Лист самооценки"
    )
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.passed) == ("submitted", Decimal("2.00"), True)
    page.set_viewport_size({"width": 390, "height": 844})
    shot("quiz-result-phone")
