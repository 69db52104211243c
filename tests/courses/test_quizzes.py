"""The question bank and quizzes authored in the admin: each kind's rules, a quiz of a quiz lesson with
fixed questions, frozen once used, copied into a new course version."""

from decimal import Decimal

import pytest
from django.utils import timezone

from courses import services
from courses.models import Lesson, Quiz, QuizChoice, QuizItem, QuizQuestion
from tests.factories import MethodologistFactory

from .factories import CourseFactory, LessonFactory, ModuleFactory

pytestmark = pytest.mark.django_db


def _course(author=None):
    author = author or MethodologistFactory()
    return CourseFactory(authors=[author]), author


def _question_post(course, kind, choices, **extra):
    data = {
        "course": course.pk,
        "kind": kind,
        "topic": "",
        "position": "",
        "points": "1",
        "text": "Кто ввёл понятие зоны ближайшего развития?",
        "feedback": "",
        "true_false_answer": "unknown",
        "accepted_answers": "",
        "numeric_answer": "",
        "tolerance": "0",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for i, (text, correct, match) in enumerate(choices):
        data[f"choices-{i}-position"] = str(i + 1)
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-match"] = match
        data[f"choices-{i}-feedback"] = ""
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
    data.update(extra)
    return data


def test_a_methodologist_adds_a_single_choice_question_with_its_choices(client):
    course, author = _course()
    client.force_login(author)
    post = _question_post(course, "single", [("Выготский", True, ""), ("Пиаже", False, "")])
    response = client.post("/admin/courses/quizquestion/add/", post)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [
            (fs.formset.errors, fs.formset.non_form_errors())
            for fs in response.context["inline_admin_formsets"]
        ],
    )
    question = QuizQuestion.objects.get()
    assert (question.course, question.kind, question.position) == (course, "single", 1)
    assert list(question.choices.values_list("text", "is_correct")) == [("Выготский", True), ("Пиаже", False)]


@pytest.mark.parametrize(
    ("kind", "choices", "extra", "message"),
    [
        ("single", [("Выготский", True, ""), ("Пиаже", True, "")], {}, "Mark exactly one choice as correct."),
        ("multiple", [("а", False, ""), ("б", False, "")], {}, "Mark at least one choice as correct."),
        ("single", [("Выготский", True, "")], {}, "This kind of question needs at least two choices."),
        (
            "matching",
            [("Москва", False, "Россия"), ("Париж", False, "")],
            {},
            "Give every item of a matching",
        ),
        ("short", [], {}, "Give at least one accepted answer."),
        ("numeric", [], {}, "Give the correct number."),
        ("true_false", [], {}, "Say whether the statement is true or false."),
    ],
)
def test_a_question_breaking_its_kinds_rules_is_refused_with_a_message(client, kind, choices, extra, message):
    course, author = _course()
    client.force_login(author)
    response = client.post("/admin/courses/quizquestion/add/", _question_post(course, kind, choices, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert QuizQuestion.objects.count() == 0


def test_a_used_question_is_read_only_in_the_admin(client):
    course, author = _course()
    question = services.quiz_question_create(
        course=course, kind="true_false", text="Рубрика — таблица критериев?", true_false_answer=True
    )
    QuizQuestion.objects.filter(pk=question.pk).update(used_at=timezone.now())
    client.force_login(author)
    page = client.get(f"/admin/courses/quizquestion/{question.pk}/change/")
    assert page.status_code == 200
    assert "already been used in quiz attempts" in page.content.decode()
    post = _question_post(course, "true_false", [], true_false_answer="false")
    assert client.post(f"/admin/courses/quizquestion/{question.pk}/change/", post).status_code == 403
    assert (
        client.post(f"/admin/courses/quizquestion/{question.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    question.refresh_from_db()
    assert question.true_false_answer is True


def test_another_methodologist_cannot_open_the_bank(client):
    course, author = _course()
    question = services.quiz_question_create(
        course=course, kind="true_false", text="Верно?", true_false_answer=True
    )
    client.force_login(MethodologistFactory())
    assert client.get(f"/admin/courses/quizquestion/{question.pk}/change/").status_code == 302
    response = client.post(
        "/admin/courses/quizquestion/add/", _question_post(course, "true_false", [], true_false_answer="true")
    )
    assert response.status_code == 200  # the course is not offered
    assert QuizQuestion.objects.count() == 1


def _quiz_post(lesson, questions, **extra):
    data = {
        "lesson": lesson.pk,
        "selection": "fixed",
        "random_count": "",
        "random_topic": "",
        "shuffle": "on",
        "pass_percent": "70",
        "attempt_limit": "2",
        "time_limit_minutes": "20",
        "reveal_answers": "after_last",
        "items-TOTAL_FORMS": str(len(questions)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, question in enumerate(questions):
        data[f"items-{i}-position"] = str(i + 1)
        data[f"items-{i}-question"] = str(question.pk)
    data.update(extra)
    return data


def test_a_methodologist_sets_up_the_quiz_of_a_quiz_lesson(client):
    course, author = _course()
    lesson = LessonFactory(module=ModuleFactory(course=course), kind=Lesson.Kind.QUIZ)
    question = services.quiz_question_create(
        course=course, kind="true_false", text="Верно?", true_false_answer=True
    )
    client.force_login(author)
    response = client.post("/admin/courses/quiz/add/", _quiz_post(lesson, [question]))
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [fs.formset.errors for fs in response.context["inline_admin_formsets"]],
    )
    quiz = Quiz.objects.get()
    assert (quiz.lesson, quiz.pass_percent, quiz.attempt_limit, quiz.time_limit_minutes) == (
        lesson,
        70,
        2,
        20,
    )
    assert list(quiz.items.values_list("question_id", flat=True)) == [question.pk]
    page = client.get(f"/admin/courses/quiz/{quiz.pk}/change/").content.decode()
    assert f"/learn/quizzes/{quiz.pk}/statistics/" in page


def test_a_quiz_with_another_courses_question_or_bad_settings_is_refused(client):
    course, author = _course()
    lesson = LessonFactory(module=ModuleFactory(course=course), kind=Lesson.Kind.QUIZ)
    other, _ = _course(author)
    foreign = services.quiz_question_create(
        course=other, kind="true_false", text="Верно?", true_false_answer=True
    )
    client.force_login(author)
    response = client.post("/admin/courses/quiz/add/", _quiz_post(lesson, [foreign]))
    assert response.status_code == 200
    assert "A quiz draws only on its own course&#x27;s question bank." in response.content.decode()
    response = client.post("/admin/courses/quiz/add/", _quiz_post(lesson, [], selection="random"))
    assert "Say how many random questions each attempt gets." in response.content.decode()
    response = client.post("/admin/courses/quiz/add/", _quiz_post(lesson, [], pass_percent="101"))
    assert response.status_code == 200
    text_lesson = LessonFactory(module=lesson.module, kind=Lesson.Kind.TEXT)
    response = client.post("/admin/courses/quiz/add/", _quiz_post(text_lesson, []))
    assert response.status_code == 200  # only quiz lessons are offered
    assert Quiz.objects.count() == 0


def test_duplicating_a_course_copies_the_bank_and_the_quizzes_as_new_editable_rows():
    course, author = _course()
    lesson = LessonFactory(module=ModuleFactory(course=course), kind=Lesson.Kind.QUIZ, title="Итоговый тест")
    single = services.quiz_question_create(
        course=course,
        kind="single",
        text="Кто?",
        choices=[{"text": "Выготский", "is_correct": True, "feedback": "Да"}, {"text": "Пиаже"}],
    )
    numeric = services.quiz_question_create(
        course=course, kind="numeric", text="Сколько?", numeric_answer=Decimal("4"), tolerance=Decimal("0.5")
    )
    QuizQuestion.objects.filter(pk=single.pk).update(used_at=timezone.now())
    quiz = services.quiz_create(
        lesson=lesson, questions=[numeric, single], pass_percent=75, attempt_limit=3, time_limit_minutes=30
    )
    copy = services.course_duplicate_as_new_version(user=author, course=course)
    questions = list(QuizQuestion.objects.filter(course=copy).order_by("position"))
    assert [(q.kind, q.text, q.used_at) for q in questions] == [
        ("single", "Кто?", None),
        ("numeric", "Сколько?", None),
    ]
    assert {q.pk for q in questions}.isdisjoint({single.pk, numeric.pk})
    assert list(
        QuizChoice.objects.filter(question=questions[0]).values_list("text", "is_correct", "feedback")
    ) == [
        ("Выготский", True, "Да"),
        ("Пиаже", False, ""),
    ]
    assert questions[1].tolerance == Decimal("0.5")
    new_quiz = Quiz.objects.get(lesson__module__course=copy)
    assert (
        new_quiz.lesson.title,
        new_quiz.pass_percent,
        new_quiz.attempt_limit,
        new_quiz.time_limit_minutes,
    ) == (
        "Итоговый тест",
        75,
        3,
        30,
    )
    assert list(
        QuizItem.objects.filter(quiz=new_quiz).order_by("position").values_list("question__text", flat=True)
    ) == [
        "Сколько?",
        "Кто?",
    ]
    assert QuizItem.objects.filter(quiz=new_quiz, question__course=course).count() == 0
    assert QuizItem.objects.filter(quiz=quiz).count() == 2  # the old version untouched
