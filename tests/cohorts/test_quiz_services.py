"""Quizzes: grading per kind, the attempt flow (start, resume, limit, time limit), the completion rule."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts import services
from cohorts.models import Enrollment, LessonProgress, QuizAnswer, QuizAttempt
from cohorts.services import CohortError
from cohorts.services.quiz import (
    grade_matching,
    grade_multiple,
    grade_numeric,
    grade_ordering,
    grade_short,
    grade_single,
    grade_true_false,
    normalise_text,
)
from courses.models import Quiz
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, QuizFactory, make_question

pytestmark = pytest.mark.django_db


# --- pure grading ---------------------------------------------------------------------------------


def test_single_choice_is_all_or_nothing():
    assert grade_single(correct_ids={2}, chosen=2) == 1.0
    assert grade_single(correct_ids={2}, chosen=3) == 0.0
    assert grade_single(correct_ids={2}, chosen=None) == 0.0


def test_multiple_choice_partial_credit_subtracts_wrong_choices():
    assert grade_multiple(correct_ids={1, 2}, chosen={1, 2}) == 1.0
    assert grade_multiple(correct_ids={1, 2}, chosen={1}) == 0.5
    assert grade_multiple(correct_ids={1, 2}, chosen={1, 3}) == 0.0
    assert grade_multiple(correct_ids={1, 2}, chosen={1, 2, 3, 4}) == 0.0  # choosing everything earns nothing
    assert grade_multiple(correct_ids={1, 2, 3, 4}, chosen={1, 2, 3, 5}) == 0.5


def test_true_false():
    assert grade_true_false(answer=False, given=False) == 1.0
    assert grade_true_false(answer=False, given=True) == 0.0
    assert grade_true_false(answer=False, given=None) == 0.0


def test_short_answers_ignore_case_yo_spaces_and_a_final_dot():
    assert normalise_text("  Ёлка   ЗЕЛЁНАЯ. ") == "елка зеленая"
    accepted = ["Выготский", "Л. С. Выготский"]
    assert grade_short(accepted=accepted, given="выготский") == 1.0
    assert grade_short(accepted=accepted, given="л.  с.   выготский") == 1.0
    assert grade_short(accepted=accepted, given="Пиаже") == 0.0
    assert grade_short(accepted=accepted, given="") == 0.0
    assert grade_short(accepted=["ёж"], given="ЕЖ") == 1.0


def test_numeric_answers_within_the_tolerance_with_comma_or_dot():
    assert grade_numeric(answer=Decimal("3.14"), tolerance=Decimal("0.01"), given="3,15") == 1.0
    assert grade_numeric(answer=Decimal("3.14"), tolerance=Decimal("0.01"), given="3.16") == 0.0
    assert grade_numeric(answer=Decimal("1000"), tolerance=Decimal("0"), given="1 000") == 1.0
    assert grade_numeric(answer=Decimal("5"), tolerance=Decimal("0"), given="пять") == 0.0


def test_matching_and_ordering_earn_per_pair_and_per_position():
    match_of = {1: "Россия", 2: "Франция", 3: "Италия", 4: "Испания"}
    assert grade_matching(match_of=match_of, given={1: 1, 2: 2, 3: 4, 4: 3}) == 0.5
    assert grade_matching(match_of=match_of, given={}) == 0.0
    assert grade_ordering(correct_order=[7, 8, 9], ranks={7: 1, 8: 2, 9: 3}) == 1.0
    assert grade_ordering(correct_order=[7, 8, 9], ranks={7: 1, 8: 3, 9: 2}) == pytest.approx(1 / 3)


# --- the attempt flow -----------------------------------------------------------------------------


@pytest.fixture
def quiz():
    cohort = CohortFactory()
    quiz = QuizFactory(lesson__module__course=cohort.course, attempt_limit=2, pass_percent=60)
    quiz.cohort = cohort
    make_question(quiz, "single", [("Выготский", True), ("Пиаже", False), ("Бруннер", False)])
    make_question(quiz, "multiple", [("a", True), ("b", True), ("c", False)], points=2)
    make_question(quiz, "true_false", true_false_answer=True)
    make_question(quiz, "short", accepted_answers="Зона ближайшего развития\nЗБР")
    make_question(quiz, "numeric", numeric_answer=Decimal("45"), tolerance=Decimal("0"))
    make_question(quiz, "matching", [("Москва", "Россия"), ("Париж", "Франция")])
    make_question(quiz, "ordering", [("один", True), ("два", True), ("три", True)])
    return quiz


def _enrollment(quiz):
    return EnrollmentFactory(cohort=quiz.cohort)


def _index_of(answer, text):
    """The index (in the attempt's shown order) of the choice with this text."""
    by_id = {c.pk: c.text for c in answer.question.choices.all()}
    return next(i for i, pk in enumerate(answer.choice_order) if by_id[pk] == text)


def _answers(attempt):
    return list(QuizAnswer.objects.filter(attempt=attempt).select_related("question").order_by("position"))


def _answer_all_right(attempt):
    for answer in _answers(attempt):
        question = answer.question
        kind = question.kind
        if kind == "single":
            data = {"choice": _index_of(answer, "Выготский")}
        elif kind == "multiple":
            data = {"choices": [_index_of(answer, "a"), _index_of(answer, "b")]}
        elif kind == "true_false":
            data = {"value": "true"}
        elif kind == "short":
            data = {"text": "збр"}
        elif kind == "numeric":
            data = {"text": "45,0"}
        elif kind == "matching":
            matches = {c.pk: c.match for c in question.choices.all()}
            data = {
                "pairs": {
                    str(i): str(answer.match_order.index(pk))
                    for i, pk in enumerate(answer.choice_order)
                    if matches[pk]
                }
            }
        else:
            correct = [c.pk for c in question.choices.all()]
            data = {"ranks": {str(i): str(correct.index(pk) + 1) for i, pk in enumerate(answer.choice_order)}}
        services.quiz_answer_save(attempt=attempt, position=answer.position, data=data)


def test_an_attempt_fixes_its_questions_and_orders_and_resumes_the_same(quiz):
    quiz.shuffle = True
    quiz.save()
    enrollment = _enrollment(quiz)
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    stored = [(a.question_id, a.choice_order, a.match_order) for a in _answers(attempt)]
    assert len(stored) == 7
    assert attempt.max_score == 8
    again = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    assert again.pk == attempt.pk
    assert [(a.question_id, a.choice_order, a.match_order) for a in _answers(again)] == stored
    ordering = next(a for a in _answers(attempt) if a.question.kind == "ordering")
    assert ordering.choice_order != [c.pk for c in ordering.question.choices.all()]  # never shown as the key
    matching = next(a for a in _answers(attempt) if a.question.kind == "matching")
    assert matching.match_order != matching.choice_order
    assert QuizAttempt.objects.filter(enrollment=enrollment).count() == 1


def test_all_right_scores_full_marks_passes_and_completes_the_lesson(quiz):
    enrollment = _enrollment(quiz)
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    _answer_all_right(attempt)
    attempt = services.quiz_attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.percent, attempt.passed) == (
        "submitted",
        Decimal("8.00"),
        Decimal("100.00"),
        True,
    )
    assert [a.fraction for a in _answers(attempt)] == [1.0] * 7
    assert LessonProgress.objects.filter(enrollment=enrollment, lesson=quiz.lesson).count() == 1


def test_partial_answers_are_graded_by_their_rules(quiz):
    enrollment = _enrollment(quiz)
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    answers = {a.question.kind: a for a in _answers(attempt)}
    services.quiz_answer_save(
        attempt=attempt,
        position=answers["multiple"].position,
        data={"choices": [_index_of(answers["multiple"], "a")]},
    )
    services.quiz_answer_save(
        attempt=attempt, position=answers["short"].position, data={"text": "  ЗОНА ближайшего   развития "}
    )
    services.quiz_answer_save(
        attempt=attempt, position=answers["true_false"].position, data={"value": "false"}
    )
    services.quiz_attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    by_kind = {a.question.kind: (a.fraction, a.points) for a in _answers(attempt)}
    assert by_kind["multiple"] == (0.5, Decimal("1.00"))
    assert by_kind["short"] == (1.0, Decimal("1.00"))
    assert by_kind["true_false"] == (0.0, Decimal("0.00"))
    assert by_kind["single"] == (0.0, Decimal("0.00"))  # left empty
    assert (attempt.score, attempt.percent, attempt.passed) == (Decimal("2.00"), Decimal("25.00"), False)
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 0


def test_no_attempt_beyond_the_limit(quiz):
    enrollment = _enrollment(quiz)
    for _ in range(2):
        services.quiz_attempt_submit(attempt=services.quiz_attempt_start(enrollment=enrollment, quiz=quiz))
    with pytest.raises(CohortError, match="You have used all 2 attempts"):
        services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    assert list(QuizAttempt.objects.filter(enrollment=enrollment).values_list("number", flat=True)) == [1, 2]


def test_answers_after_submission_are_refused_and_nothing_changes(quiz):
    enrollment = _enrollment(quiz)
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    services.quiz_attempt_submit(attempt=attempt)
    with pytest.raises(CohortError, match="already submitted"):
        services.quiz_answer_save(attempt=attempt, position=3, data={"value": "true"})
    with pytest.raises(CohortError, match="already submitted"):
        services.quiz_attempt_submit(attempt=attempt, responses={3: {"value": "true"}})
    answer = QuizAnswer.objects.get(attempt=attempt, position=3)
    assert (answer.response, answer.fraction) == (None, 0.0)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("0.00")


def test_answers_after_the_time_limit_are_refused_and_the_attempt_is_graded_as_it_stood(quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    enrollment = _enrollment(quiz)
    start = timezone.now()
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz, now=start)
    assert attempt.deadline == start + timedelta(minutes=10)
    tf = next(a for a in _answers(attempt) if a.question.kind == "true_false")
    services.quiz_answer_save(
        attempt=attempt, position=tf.position, data={"value": "true"}, now=start + timedelta(minutes=9)
    )
    late = start + timedelta(minutes=10, seconds=1)
    single = next(a for a in _answers(attempt) if a.question.kind == "single")
    with pytest.raises(CohortError, match="Time is up"):
        services.quiz_answer_save(
            attempt=attempt,
            position=single.position,
            data={"choice": _index_of(single, "Выготский")},
            now=late,
        )
    single.refresh_from_db()
    assert single.response is None
    attempt.refresh_from_db()
    assert (attempt.state, attempt.finished_at, attempt.score) == (
        "timed_out",
        attempt.deadline,
        Decimal("1.00"),
    )
    with pytest.raises(CohortError, match="Time is up"):
        services.quiz_attempt_submit(attempt=attempt, now=late)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.00")


def test_submit_after_the_deadline_is_refused_with_its_answers_left_out(quiz):
    quiz.time_limit_minutes = 5
    quiz.save()
    start = timezone.now()
    attempt = services.quiz_attempt_start(enrollment=_enrollment(quiz), quiz=quiz, now=start)
    tf = next(a for a in _answers(attempt) if a.question.kind == "true_false")
    with pytest.raises(CohortError, match="Time is up"):
        services.quiz_attempt_submit(
            attempt=attempt, responses={tf.position: {"value": "true"}}, now=start + timedelta(minutes=6)
        )
    tf.refresh_from_db()
    attempt.refresh_from_db()
    assert (tf.response, attempt.state, attempt.score) == (None, "timed_out", Decimal("0.00"))


def test_resuming_an_expired_attempt_returns_it_graded_and_starts_nothing(quiz):
    quiz.time_limit_minutes = 5
    quiz.save()
    enrollment = _enrollment(quiz)
    start = timezone.now()
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz, now=start)
    again = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz, now=start + timedelta(minutes=6))
    assert (again.pk, again.state) == (attempt.pk, "timed_out")
    assert QuizAttempt.objects.filter(enrollment=enrollment).count() == 1


def test_the_periodic_sweep_grades_expired_attempts_once(quiz):
    quiz.time_limit_minutes = 5
    quiz.save()
    start = timezone.now() - timedelta(minutes=6)
    expired = services.quiz_attempt_start(enrollment=_enrollment(quiz), quiz=quiz, now=start)
    running = services.quiz_attempt_start(enrollment=_enrollment(quiz), quiz=quiz)
    assert services.quiz_attempts_close_expired() == 1
    assert services.quiz_attempts_close_expired() == 0
    expired.refresh_from_db()
    running.refresh_from_db()
    assert (expired.state, running.state) == ("timed_out", "running")


def test_the_database_holds_one_running_attempt_and_unique_numbers(quiz):
    enrollment = _enrollment(quiz)
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    base = {"enrollment": enrollment, "quiz": quiz, "started_at": timezone.now(), "max_score": 1}
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizAttempt.objects.create(number=2, **base)
    services.quiz_attempt_submit(attempt=attempt)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizAttempt.objects.create(number=1, **base)


def test_the_database_refuses_bad_quiz_settings(quiz):
    for field, value in (("pass_percent", 101), ("attempt_limit", 0), ("time_limit_minutes", 0)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Quiz.objects.filter(pk=quiz.pk).update(**{field: value})


def test_a_bad_choice_index_is_refused_and_nothing_saved(quiz):
    attempt = services.quiz_attempt_start(enrollment=_enrollment(quiz), quiz=quiz)
    single = next(a for a in _answers(attempt) if a.question.kind == "single")
    with pytest.raises(CohortError, match="not one of the choices"):
        services.quiz_answer_save(attempt=attempt, position=single.position, data={"choice": "7"})
    numeric = next(a for a in _answers(attempt) if a.question.kind == "numeric")
    with pytest.raises(CohortError, match="Write a number"):
        services.quiz_answer_save(attempt=attempt, position=numeric.position, data={"text": "сорок пять"})
    assert QuizAnswer.objects.filter(attempt=attempt, response__isnull=False).count() == 0


def test_a_random_quiz_draws_the_count_from_the_topic():
    cohort = CohortFactory()
    quiz = QuizFactory(
        lesson__module__course=cohort.course, selection="random", random_count=2, random_topic="ФГОС"
    )
    from tests.cohorts.factories import QuizQuestionFactory

    topic = [
        QuizQuestionFactory(course=cohort.course, kind="true_false", true_false_answer=True, topic="ФГОС")
        for _ in range(4)
    ]
    QuizQuestionFactory(course=cohort.course, kind="true_false", true_false_answer=True, topic="другое")
    attempt = services.quiz_attempt_start(enrollment=EnrollmentFactory(cohort=cohort), quiz=quiz)
    drawn = set(QuizAnswer.objects.filter(attempt=attempt).values_list("question_id", flat=True))
    assert len(drawn) == 2
    assert drawn <= {q.pk for q in topic}
    assert attempt.max_score == 2


def test_quiz_passed_is_the_completion_rule_of_a_required_quiz_lesson(quiz):
    cohort = quiz.cohort
    cohort.require_lessons = True
    cohort.require_assignments = False
    cohort.save()
    enrollment = _enrollment(quiz)
    assert services.learning.completion_status(enrollment)["lessons"] is False
    with pytest.raises(CohortError, match="done when one of its attempts passes"):
        services.lesson_mark_done(enrollment=enrollment, lesson=quiz.lesson)
    services.quiz_attempt_submit(attempt=services.quiz_attempt_start(enrollment=enrollment, quiz=quiz))
    assert services.learning.completion_status(enrollment)["lessons"] is False  # failed
    # A mark on the quiz lesson from somewhere else does not count: only a pass does.
    LessonProgress.objects.create(enrollment=enrollment, lesson=quiz.lesson)
    assert services.learning.completion_status(enrollment)["lessons"] is False
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    _answer_all_right(attempt)
    services.quiz_attempt_submit(attempt=attempt)
    assert services.learning.completion_status(enrollment)["lessons"] is True
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.COMPLETED


def test_starting_outside_the_cohort_run_is_refused(quiz):
    cohort = quiz.cohort
    cohort.starts_on = timezone.localdate() + timedelta(days=3)
    cohort.save()
    enrollment = _enrollment(quiz)
    with pytest.raises(CohortError, match="has not started yet"):
        services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
    assert QuizAttempt.objects.count() == 0


def test_starting_freezes_the_questions(quiz):
    from courses.models import QuizQuestion
    from courses.services import CourseError, quiz_question_check_editable

    services.quiz_attempt_start(enrollment=_enrollment(quiz), quiz=quiz)
    question = QuizQuestion.objects.filter(quiz_items__quiz=quiz).first()
    assert question.used_at is not None
    with pytest.raises(CourseError, match="already been used"):
        quiz_question_check_editable(question=question)


def test_the_sweep_is_a_beat_task(quiz, settings):
    from cohorts.tasks import quiz_close_expired

    assert (
        settings.CELERY_BEAT_SCHEDULE["cohorts-quiz-close-expired"]["task"]
        == "cohorts.tasks.quiz_close_expired"
    )
    quiz.time_limit_minutes = 5
    quiz.save()
    attempt = services.quiz_attempt_start(
        enrollment=_enrollment(quiz), quiz=quiz, now=timezone.now() - timedelta(minutes=6)
    )
    assert quiz_close_expired() == 1
    attempt.refresh_from_db()
    assert attempt.state == "timed_out"
