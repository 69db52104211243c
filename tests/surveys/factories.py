"""Factories for surveys' tests (own course/cohort factories so these tests depend only on models)."""

from datetime import timedelta

import factory
from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from courses.models import Competency, CompetencyArea, Course
from surveys.models import Choice, CourseRecommendationRule, Question, Section, Survey
from tests.factories import TeacherFactory


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyArea
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"A{n}")
    name = factory.Sequence(lambda n: f"Area {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    area = factory.SubFactory(AreaFactory)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"Competency {n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "A course."
    hours = 36
    status = Course.Status.PUBLISHED

    @factory.post_generation
    def competencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.competencies.set(extracted)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    enrollment_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    enrollment_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))
    capacity = 30
    status = Cohort.Status.OPEN

    @factory.post_generation
    def curators(self, create, extracted, **kwargs):
        if create and extracted:
            self.curators.set(extracted)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    teacher = factory.SubFactory(TeacherFactory)
    cohort = factory.SubFactory(CohortFactory)
    state = Enrollment.State.ENROLLED


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Survey {n}")
    kind = Survey.Kind.GENERAL
    is_published = True

    @factory.post_generation
    def cohorts(self, create, extracted, **kwargs):
        if create and extracted:
            self.cohorts.set(extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    survey = factory.SubFactory(SurveyFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


def _section_of(survey):
    if survey is None:
        return SectionFactory()
    return survey.sections.order_by("position", "id").first() or SectionFactory(survey=survey)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    class Params:
        survey = (
            None  # QuestionFactory(survey=s): in s's first section (a question's survey is its section's)
        )

    section = factory.LazyAttribute(lambda o: _section_of(o.survey))
    kind = Question.Kind.LIKERT
    text = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE)
    text = factory.Sequence(lambda n: f"Option {n}")
    position = factory.Sequence(lambda n: n)


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseRecommendationRule

    competency = factory.SubFactory(CompetencyFactory)
    course = factory.SubFactory(CourseFactory)
    mode = CourseRecommendationRule.Mode.PIN


def feedback_survey(*, cohorts, anonymous=True, likert=2, text=True, authors=None):
    """A published course-feedback survey with Likert questions (and a free-text one) on the cohorts."""
    survey = SurveyFactory(
        kind=Survey.Kind.FEEDBACK,
        is_anonymous=anonymous,
        audience=Survey.Audience.COHORT,
        cohorts=cohorts,
        authors=authors or [],
    )
    section = SectionFactory(survey=survey)
    questions = [QuestionFactory(section=section, survey=survey) for _ in range(likert)]
    if text:
        questions.append(
            QuestionFactory(
                section=section,
                survey=survey,
                kind=Question.Kind.TEXT,
                is_required=False,
                text="What should we change?",
            )
        )
    return survey, questions


def diagnostic_survey(*, competencies, per_competency=2, threshold=60):
    survey = SurveyFactory(kind=Survey.Kind.DIAGNOSTIC, deficit_threshold=threshold)
    section = SectionFactory(survey=survey)
    questions = [
        QuestionFactory(section=section, survey=survey, competency=c)
        for c in competencies
        for _ in range(per_competency)
    ]
    return survey, questions
