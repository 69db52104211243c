"""Factories for cohorts and the learning flow (and the bits of a course they need)."""

from datetime import timedelta

import factory
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, LiveSession, Question, SeatQuota
from courses.models import Assignment, Course, Lesson, Module, Quiz, QuizChoice, QuizItem, QuizQuestion
from tests.factories import CuratorFactory, TeacherFactory


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"cohort-course-{n}")
    summary = "A course"
    hours = 36
    status = Course.Status.PUBLISHED


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "Read this."
    position = factory.Sequence(lambda n: n)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Assignment {n}")
    instructions = "Write an essay."
    due_days = 14


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Cohort {n}")
    # Running by default (learning is open only from the start to the end plus the grace period);
    # a test about an upcoming or a past cohort gives its dates.
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    enrollment_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    enrollment_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=6))
    capacity = 30
    status = Cohort.Status.OPEN

    @factory.post_generation
    def curators(self, create, extracted, **kwargs):
        if create and extracted:
            self.curators.add(*extracted)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    teacher = factory.SubFactory(TeacherFactory)
    state = Enrollment.State.ENROLLED
    enrolled_at = factory.LazyFunction(timezone.now)


class LiveSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveSession

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Webinar {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    link = "https://meet.example.org/room"


class SeatQuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatQuota

    cohort = factory.SubFactory(CohortFactory)
    seats = 2
    release_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    enrollment = factory.SubFactory(EnrollmentFactory)
    cohort = factory.SelfAttribute("enrollment.cohort")
    text = "How do I start?"


class QuizQuestionFactory(factory.django.DjangoModelFactory):
    """A single choice question by default; give choices with QuizChoiceFactory (or use make_question)."""

    class Meta:
        model = QuizQuestion

    course = factory.SubFactory(CourseFactory)
    kind = QuizQuestion.Kind.SINGLE
    text = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(lambda n: n)


class QuizChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizChoice

    question = factory.SubFactory(QuizQuestionFactory)
    text = factory.Sequence(lambda n: f"Choice {n}")
    position = factory.Sequence(lambda n: n)


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    lesson = factory.SubFactory(LessonFactory, kind=Lesson.Kind.QUIZ)
    pass_percent = 60
    attempt_limit = 2
    shuffle = False


class QuizItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizItem

    quiz = factory.SubFactory(QuizFactory)
    question = factory.SubFactory(QuizQuestionFactory)
    position = factory.Sequence(lambda n: n)


def make_question(quiz, kind="single", choices=(), **fields):
    """A bank question of the quiz's course with its choices ((text, is_correct) or (text, match)),
    added to the quiz as a fixed question."""
    question = QuizQuestionFactory(course=quiz.lesson.module.course, kind=kind, **fields)
    for position, (text, extra) in enumerate(choices, start=1):
        if kind == "matching":
            QuizChoiceFactory(question=question, text=text, match=extra, position=position)
        else:
            QuizChoiceFactory(question=question, text=text, is_correct=bool(extra), position=position)
    QuizItemFactory(quiz=quiz, question=question)
    return question


__all__ = ["CuratorFactory", "TeacherFactory"]
