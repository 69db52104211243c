"""The chart downloads and the results/profile API run a number of SQL queries that does not grow with the
data (every figure is one GROUP BY in the database): the same pinned count at two data sizes."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from surveys import services
from tests.factories import MethodologistFactory, TeacherFactory

from .factories import CohortFactory, CompetencyFactory, EnrollmentFactory, diagnostic_survey, feedback_survey

pytestmark = pytest.mark.django_db


def _survey_with(people: int):
    author = MethodologistFactory()
    first, second = CohortFactory(), CohortFactory()
    survey, questions = feedback_survey(cohorts=[first, second], authors=[author], likert=3)
    for cohort in (first, second):
        for i in range(people):
            e = EnrollmentFactory(cohort=cohort)
            services.response_submit(
                survey=survey, user=e.teacher, cohort=cohort, answers={q.pk: 1 + i % 5 for q in questions[:3]}
            )
    return author, survey, first, second


@pytest.mark.parametrize("people", [5, 15])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_results_chart_queries_do_not_grow_with_the_responses(client, django_assert_num_queries, fmt, people):
    author, survey, _first, _second = _survey_with(people)
    client.force_login(author)
    url = reverse("surveys:results_chart", args=[survey.pk, fmt])
    with django_assert_num_queries(14):  # 14th: the survey's schools in the scope (breakdowns)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("people", [5, 15])
def test_api_results_with_compare_queries_do_not_grow_with_the_responses(django_assert_num_queries, people):
    api = APIClient()
    author, survey, first, second = _survey_with(people)
    api.force_authenticate(author)
    with django_assert_num_queries(28):  # a single pick compares two groups: the selection and the pick
        response = api.get(f"/api/v1/surveys/{survey.pk}/results/?cohort={first.pk}&compare={second.pk}")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 6])
def test_api_profile_queries_do_not_grow_with_the_competencies(django_assert_num_queries, size):
    api = APIClient()
    competencies = [CompetencyFactory() for _ in range(size)]
    teacher = TeacherFactory()
    for _round in range(2):
        survey, questions = diagnostic_survey(competencies=competencies, per_competency=1)
        services.response_submit(
            survey=survey, user=teacher, cohort=None, answers={q.pk: 3 for q in questions}
        )
    api.force_authenticate(teacher)
    with django_assert_num_queries(2):
        assert api.get("/api/v1/surveys/profile/").status_code == 200
