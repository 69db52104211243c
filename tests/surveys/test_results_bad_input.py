"""Bad input on the results filters: every value that is not valid (unknown cohort, course or comparison,
a date that is not a date, a cohort outside the user's scope, a period the other way round, a period on a
survey without cohorts) is a 400 with the reason — a form error on the page, {"detail": [...]} on the API
(core/api_errors.py), a 400 on an export — and never a silent fallback to a different set of responses."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from surveys import services
from surveys.models import Question
from tests.factories import CuratorFactory, MethodologistFactory

from .factories import (
    CohortFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    feedback_survey,
)

pytestmark = pytest.mark.django_db

NOT_IN_VIEW = "This cohort is not one of the survey's cohorts you can see."


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def world():
    author, curator = MethodologistFactory(), CuratorFactory()
    mine = CohortFactory(curators=[curator])
    theirs = CohortFactory()
    survey, questions = feedback_survey(cohorts=[mine, theirs], authors=[author], text=False)
    for cohort, value in ((mine, 5), (theirs, 1)):
        for _ in range(5):
            e = EnrollmentFactory(cohort=cohort)
            services.response_submit(
                survey=survey,
                user=e.teacher,
                cohort=cohort,
                answers={questions[0].pk: value, questions[1].pk: value},
            )
    return {"author": author, "curator": curator, "survey": survey, "mine": mine, "theirs": theirs}


def _page(client, world, query):
    return client.get(reverse("surveys:results", args=[world["survey"].pk]) + "?" + query)


def _bad_values(world):
    return {
        "unknown cohort": ("cohort=987654", "Cohort: " + NOT_IN_VIEW),
        "cohort not a number": ("cohort=abc", "Cohort: " + NOT_IN_VIEW),
        "unknown comparison": ("compare=987654", "Compare cohorts: " + NOT_IN_VIEW),
        "unknown course": (
            "course=987654",
            "Course: This course has no cohort of the survey that you can see.",
        ),
        "date not a date": ("date_from=31.02.2026", "Cohorts starting from: Enter a valid date."),
        "period upside down": (
            "date_from=2026-05-01&date_to=2026-04-01",
            "The end of the period is before its start.",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "unknown cohort",
        "cohort not a number",
        "unknown comparison",
        "unknown course",
        "date not a date",
        "period upside down",
    ],
)
def test_page_answers_400_with_the_reason_and_shows_no_figures(client, world, case):
    query, message = _bad_values(world)[case]
    client.force_login(world["author"])
    response = _page(client, world, query)
    assert response.status_code == 400
    body = response.content.decode()
    assert escape(message) in body
    assert "10 responses" not in body and "5 responses" not in body  # no silent fallback to "all"
    assert 'id="exports"' not in body
    assert 'id="results-filter"' in body  # the form stays, to be corrected


def test_curator_asking_for_a_cohort_outside_their_scope_gets_400_not_their_own_cohort(client, world):
    client.force_login(world["curator"])
    response = _page(client, world, f"cohort={world['theirs'].pk}")
    assert response.status_code == 400
    body = response.content.decode()
    assert escape("Cohort: " + NOT_IN_VIEW) in body
    assert "5 responses" not in body
    assert world["theirs"].title not in body
    # The same message as for a cohort that does not exist: the page does not tell which cohorts exist.
    assert escape("Cohort: " + NOT_IN_VIEW) in _page(client, world, "cohort=987654").content.decode()


def test_valid_filters_still_answer_200(client, world):
    client.force_login(world["author"])
    response = _page(client, world, f"cohort={world['mine'].pk}&compare={world['theirs'].pk}")
    assert response.status_code == 200
    assert "5 responses" in response.content.decode()


def test_date_filter_on_a_survey_without_cohorts_is_an_error_not_an_empty_result(client):
    author = MethodologistFactory()
    survey = SurveyFactory(authors=[author])
    section = SectionFactory(survey=survey)
    question = QuestionFactory(section=section, kind=Question.Kind.LIKERT)
    for _ in range(5):
        services.response_submit(survey=survey, user=EnrollmentFactory().teacher, answers={question.pk: 4})
    client.force_login(author)
    url = reverse("surveys:results", args=[survey.pk])
    response = client.get(f"{url}?date_from=2026-01-01")
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        "Cohorts starting from: The survey is not tied to cohorts: it cannot be filtered by their dates."
        in body
    )
    assert "0 responses" not in body
    plain = client.get(url)
    assert plain.status_code == 200 and "5 responses" in plain.content.decode()
    # Cohort filters are not offered on a survey without cohorts.
    assert 'name="date_from"' not in plain.content.decode() and 'name="cohort"' not in plain.content.decode()


@pytest.mark.parametrize(
    "what,fmt", [("distribution", "csv"), ("distribution", "xlsx"), ("raw", "csv"), ("raw", "xlsx")]
)
def test_export_with_a_bad_filter_is_400_not_the_whole_survey(client, world, what, fmt):
    client.force_login(world["author"])
    url = reverse("surveys:export", args=[world["survey"].pk, what, fmt])
    response = client.get(f"{url}?cohort=987654")
    assert response.status_code == 400
    assert escape("Cohort: " + NOT_IN_VIEW) in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_export_by_a_curator_for_another_cohort_is_400(client, world):
    client.force_login(world["curator"])
    url = reverse("surveys:export", args=[world["survey"].pk, "distribution", "csv"])
    assert client.get(f"{url}?cohort={world['theirs'].pk}").status_code == 400


@pytest.mark.parametrize(
    "query,detail",
    [
        ("cohort=987654", ["Cohort: " + NOT_IN_VIEW]),
        ("cohort=abc", ["Cohort: " + NOT_IN_VIEW]),
        ("date_from=not-a-date", ["Cohorts starting from: Enter a valid date."]),
        ("date_to=2026-13-01", ["Cohorts starting up to: Enter a valid date."]),
        ("date_from=2026-05-01&date_to=2026-04-01", ["The end of the period is before its start."]),
        ("course=987654", ["Course: This course has no cohort of the survey that you can see."]),
    ],
)
def test_api_answers_400_in_the_one_error_shape(api, world, query, detail):
    api.force_authenticate(world["author"])
    response = api.get(f"/api/v1/surveys/{world['survey'].pk}/results/?{query}")
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_api_curator_cohort_outside_scope_is_400_not_their_own_numbers(api, world):
    api.force_authenticate(world["curator"])
    response = api.get(f"/api/v1/surveys/{world['survey'].pk}/results/?cohort={world['theirs'].pk}")
    assert response.status_code == 400
    assert response.json() == {"detail": ["Cohort: " + NOT_IN_VIEW]}
    ok = api.get(f"/api/v1/surveys/{world['survey'].pk}/results/?cohort={world['mine'].pk}")
    assert ok.status_code == 200 and ok.json()["responses"] == 5


def test_api_messages_in_the_users_language(api, world):
    api.force_authenticate(world["author"])
    response = api.get(
        f"/api/v1/surveys/{world['survey'].pk}/results/?date_from=x", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": ["Потоки, начинающиеся с: Введите правильную дату."]}
