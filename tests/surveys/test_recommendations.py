"""Honest recommendations: the seats a recommendation promises are the seats enrolment gives, and a
deficit no course addresses is said so, with whom to ask and where to find colleagues."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrollment
from cohorts.services import enrollment_enrol
from surveys import selectors, services
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, SeatQuotaFactory
from tests.factories import MethodologistFactory, SchoolFactory, TeacherFactory

from .factories import CompetencyFactory, CourseFactory, diagnostic_survey

pytestmark = pytest.mark.django_db
S = Enrollment.State


def _teacher_with_deficit(competency, *, authors=()):
    teacher = TeacherFactory()
    survey, (question,) = diagnostic_survey(competencies=[competency], per_competency=1)
    survey.authors.add(*authors)
    services.response_submit(survey=survey, user=teacher, answers={question.pk: 1})
    return teacher


def _profile_page(client, teacher) -> str:
    client.force_login(teacher)
    response = client.get(reverse("surveys:profile"))
    assert response.status_code == 200
    return response.content.decode()


def test_held_offers_taking_the_last_seats_show_the_waitlist_in_recommendations(client):
    competency = CompetencyFactory(name="Формирующее оценивание")
    teacher = _teacher_with_deficit(competency)
    cohort = CohortFactory(
        course=CourseFactory(title="Оценивание для обучения", competencies=[competency]),
        capacity=4,
        title="Поток весна",
    )
    EnrollmentFactory.create_batch(2, cohort=cohort)
    EnrollmentFactory.create_batch(
        2,
        cohort=cohort,
        state=S.WAITLISTED,
        enrolled_at=None,
        offer_expires_at=timezone.now() + timedelta(hours=24),
    )
    (rec,) = selectors.recommendations_for(profile=selectors.profile_for(teacher))
    assert [(c.pk, c.free_seats) for c in rec.cohorts] == [(cohort.pk, 0)]
    body = _profile_page(client, teacher)
    assert "Поток весна" in body and "0 seats left" in body and "Join the waitlist" in body
    assert "2 seats left" not in body
    assert enrollment_enrol(cohort=cohort, teacher=teacher).state == S.WAITLISTED


def test_another_schools_quota_shows_the_waitlist_in_recommendations(client):
    competency = CompetencyFactory()
    teacher = _teacher_with_deficit(competency)
    cohort = CohortFactory(course=CourseFactory(competencies=[competency]), capacity=2, title="Поток весна")
    SeatQuotaFactory(cohort=cohort, school=SchoolFactory(), seats=2)
    body = _profile_page(client, teacher)
    assert "0 seats left" in body and "Join the waitlist" in body and "2 seats left" not in body
    assert enrollment_enrol(cohort=cohort, teacher=teacher).state == S.WAITLISTED


def test_a_course_with_a_free_seat_ranks_before_one_whose_cohort_is_full():
    competency = CompetencyFactory()
    teacher = _teacher_with_deficit(competency)
    full = CohortFactory(course=CourseFactory(title="A full", competencies=[competency]), capacity=1)
    EnrollmentFactory(cohort=full)
    CohortFactory(course=CourseFactory(title="B free", competencies=[competency]), capacity=3)
    recs = selectors.recommendations_for(profile=selectors.profile_for(teacher))
    assert [(r.course.title, [c.free_seats for c in r.cohorts]) for r in recs] == [
        ("B free", [3]),
        ("A full", [0]),
    ]


def test_a_deficit_with_no_course_says_so_with_the_methodologists_contact_and_a_community(client):
    covered, lonely = (
        CompetencyFactory(name="Формирующее оценивание"),
        CompetencyFactory(name="Цифровая грамотность"),
    )
    author = MethodologistFactory(full_name="Орлова Елена", email="orlova@example.org")
    teacher = TeacherFactory()
    survey, questions = diagnostic_survey(competencies=[covered, lonely], per_competency=1)
    survey.authors.add(author)
    services.response_submit(survey=survey, user=teacher, answers={q.pk: 1 for q in questions})
    CourseFactory(title="Оценивание для обучения", competencies=[covered])
    uncovered = selectors.deficits_without_course(profile=selectors.profile_for(teacher))
    assert (uncovered.competencies, uncovered.contacts) == ([lonely], [author])
    body = _profile_page(client, teacher)
    assert "No course addresses this deficit yet:" in body
    block = body[body.index('id="uncovered-deficits"') :]
    assert "Цифровая грамотность" in block and "Формирующее оценивание" not in block
    assert 'href="mailto:orlova@example.org"' in block and "Орлова Елена" in block
    assert f'href="{reverse("communities:list")}"' in block


def test_an_excluded_course_does_not_count_as_addressing_a_deficit():
    from surveys.models import CourseRecommendationRule

    from .factories import RuleFactory

    competency = CompetencyFactory()
    teacher = _teacher_with_deficit(competency)
    RuleFactory(
        course=CourseFactory(competencies=[competency]),
        competency=competency,
        mode=CourseRecommendationRule.Mode.EXCLUDE,
    )
    profile = selectors.profile_for(teacher)
    assert selectors.recommendations_for(profile=profile) == []
    assert selectors.deficits_without_course(profile=profile).competencies == [competency]


def test_no_deficit_no_uncovered_block(client):
    competency = CompetencyFactory()
    teacher = TeacherFactory()
    survey, (question,) = diagnostic_survey(competencies=[competency], per_competency=1)
    services.response_submit(survey=survey, user=teacher, answers={question.pk: 5})
    body = _profile_page(client, teacher)
    assert "No deficits found" in body and 'id="uncovered-deficits"' not in body
