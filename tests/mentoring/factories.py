"""Factories for mentoring tests (people come from tests/factories.py)."""

import datetime as dt

import factory
from django.utils import timezone

from courses.models import Competency, CompetencyArea, Course
from mentoring.models import (
    DevelopmentPlan,
    Meeting,
    MeetingKind,
    MentoringPair,
    MentorProfile,
    PairGoal,
    PairState,
    PlanGoal,
    PresentationKind,
)
from tests.factories import TeacherFactory


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyArea
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"MA{n}")
    name = factory.Sequence(lambda n: f"Area {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    area = factory.SubFactory(AreaFactory)
    code = factory.Sequence(lambda n: f"M{n}.1")
    name = factory.Sequence(lambda n: f"Competency {n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"mentoring-course-{n}")
    summary = "A course"
    hours = 16
    status = Course.Status.PUBLISHED


class YoungTeacherFactory(TeacherFactory):
    years_of_experience = 1


class MentorFactory(TeacherFactory):
    years_of_experience = 12


class PairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringPair

    mentee = factory.SubFactory(YoungTeacherFactory)
    mentor = factory.SubFactory(MentorFactory, school=factory.SelfAttribute("..mentee.school"))
    state = PairState.PROPOSED


class ActivePairFactory(PairFactory):
    state = PairState.ACTIVE
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(weeks=1))
    mentor_accepted_at = factory.LazyFunction(timezone.now)
    mentee_accepted_at = factory.LazyFunction(timezone.now)


class PairGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairGoal

    pair = factory.SubFactory(ActivePairFactory)
    competency = factory.SubFactory(CompetencyFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    pair = factory.SubFactory(ActivePairFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    kind = MeetingKind.CONSULTATION


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    user = factory.SubFactory(MentorFactory)
    capacity = 2


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentPlan

    teacher = factory.SubFactory(TeacherFactory)
    topic = factory.Sequence(lambda n: f"Topic {n}")
    period_start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    period_end = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=700))
    presentation_kind = PresentationKind.OPEN_LESSON


class PlanGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanGoal

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Plan goal {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
