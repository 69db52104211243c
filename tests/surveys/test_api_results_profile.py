"""API: results with `compare` (validated, each group under the anonymity rule), the caller's own competency
profile, and typed schemas for both (the OpenAPI schema names every field with its type)."""

from datetime import datetime

import pytest
from rest_framework.test import APIClient

from surveys import services
from surveys.models import Response
from tests.factories import CuratorFactory, MethodologistFactory, TeacherFactory

from .factories import CohortFactory, CompetencyFactory, EnrollmentFactory, diagnostic_survey, feedback_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def world():
    author = MethodologistFactory()
    curator, outside_curator = CuratorFactory(), CuratorFactory()
    mine = CohortFactory(curators=[curator], title="Весна")
    second = CohortFactory(curators=[curator], title="Осень")
    theirs = CohortFactory(curators=[outside_curator], title="Чужая")
    small = CohortFactory(curators=[curator], title="Малая")
    survey, questions = feedback_survey(cohorts=[mine, second, theirs, small], authors=[author], likert=1)
    for cohort, value, people in ((mine, 5, 5), (second, 2, 5), (theirs, 1, 5), (small, 4, 4)):
        for _ in range(people):
            e = EnrollmentFactory(cohort=cohort)
            services.response_submit(
                survey=survey, user=e.teacher, cohort=cohort, answers={questions[0].pk: value}
            )
    return {
        "author": author,
        "curator": curator,
        "outside_curator": outside_curator,
        "survey": survey,
        "question": questions[0],
        "mine": mine,
        "second": second,
        "theirs": theirs,
        "small": small,
    }


def _url(world, query=""):
    return f"/api/v1/surveys/{world['survey'].pk}/results/" + (f"?{query}" if query else "")


def test_results_without_compare_have_an_empty_comparison(api, world):
    api.force_authenticate(world["curator"])
    data = api.get(_url(world, f"cohort={world['mine'].pk}")).json()
    assert data["responses"] == 5
    assert data["compare"] == []
    assert data["likert"] == [
        {
            "question": world["question"].pk,
            "text": world["question"].text,
            "section": world["question"].section.title,
            "n": 5,
            "mean": 5.0,
            "percents": [0, 0, 0, 0, 100],
            "counts": [0, 0, 0, 0, 5],
            "negative_percent": 0,
            "vulnerable": False,
        }
    ]


def test_compare_gives_the_other_cohort_side_by_side(api, world):
    api.force_authenticate(world["curator"])
    response = api.get(_url(world, f"cohort={world['mine'].pk}&compare={world['second'].pk}"))
    assert response.status_code == 200
    data = response.json()
    assert data["likert"][0]["percents"] == [0, 0, 0, 0, 100]
    # One pick is compared with the current selection, which comes first (as on the page).
    assert [g["title"] for g in data["compare"]] == [world["mine"].title, "Осень"]
    assert data["compare"][0]["likert"][0]["percents"] == [0, 0, 0, 0, 100]
    group = data["compare"][1]
    assert group["responses"] == 5
    assert group["hidden"] is False
    assert group["likert"][0]["percents"] == [0, 100, 0, 0, 0]
    assert group["likert"][0]["mean"] == 2.0


def test_compare_with_a_group_below_k_shows_nothing_of_it(api, world):
    api.force_authenticate(world["curator"])
    data = api.get(_url(world, f"cohort={world['mine'].pk}&compare={world['small'].pk}")).json()
    assert [g["title"] for g in data["compare"]] == [world["mine"].title, "Малая"]
    assert data["compare"][1] == {
        "title": "Малая",
        "responses": 0,
        "hidden": True,
        "likert": [],
        "choices": [],
    }


def test_compare_with_another_curators_cohort_is_400_and_shows_nothing(api, world):
    api.force_authenticate(world["curator"])
    response = api.get(_url(world, f"compare={world['theirs'].pk}"))
    assert response.status_code == 400
    assert response.json() == {
        "detail": ["Compare cohorts: This cohort is not one of the survey's cohorts you can see."]
    }


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_compare_with_a_bad_value_is_400_in_the_one_shape(api, world, value):
    api.force_authenticate(world["author"])
    response = api.get(_url(world, f"compare={value}"))
    assert response.status_code == 400
    assert response.json() == {
        "detail": ["Compare cohorts: This cohort is not one of the survey's cohorts you can see."]
    }


def test_results_of_another_methodologists_survey_are_404(api, world):
    api.force_authenticate(MethodologistFactory())
    assert api.get(_url(world, f"compare={world['mine'].pk}")).status_code == 404


# --- my competency profile --------------------------------------------------------------------------


def test_profile_with_growth_and_deficits(api):
    digital = CompetencyFactory(
        code="D4", name="Искусственный интеллект в работе учителя: инструменты и этика"
    )
    assessment = CompetencyFactory(code="A1", name="Оценивание")
    teacher = TeacherFactory()
    first, q1 = diagnostic_survey(competencies=[digital, assessment], per_competency=1, threshold=60)
    services.response_submit(survey=first, user=teacher, cohort=None, answers={q1[0].pk: 2, q1[1].pk: 3})
    second, q2 = diagnostic_survey(competencies=[digital, assessment], per_competency=1, threshold=60)
    services.response_submit(survey=second, user=teacher, cohort=None, answers={q2[0].pk: 4, q2[1].pk: 2})
    api.force_authenticate(teacher)
    response = api.get("/api/v1/surveys/profile/")
    assert response.status_code == 200
    data = response.json()
    assert data["survey"] == second.pk
    assert data["threshold"] == 60
    taken = dict(Response.objects.filter(respondent=teacher).values_list("survey_id", "submitted_at"))
    assert datetime.fromisoformat(data["measured_at"]) == taken[second.pk]
    assert datetime.fromisoformat(data["before_at"]) == taken[first.pk]
    by_code = {row["code"]: row for row in data["competencies"]}
    assert by_code["D4"] == {
        "competency": digital.pk,
        "code": "D4",
        "name": "Искусственный интеллект в работе учителя: инструменты и этика",
        "score": 75,
        "before": 25,
        "growth": 50,
        "is_deficit": False,
    }
    assert by_code["A1"] == {
        "competency": assessment.pk,
        "code": "A1",
        "name": "Оценивание",
        "score": 25,
        "before": 50,
        "growth": -25,
        "is_deficit": True,
    }
    assert data["deficits"] == ["A1"]


def test_profile_is_only_ever_my_own(api):
    comp = CompetencyFactory(code="B2")
    other = TeacherFactory()
    survey, questions = diagnostic_survey(competencies=[comp], per_competency=1)
    services.response_submit(survey=survey, user=other, cohort=None, answers={questions[0].pk: 1})
    api.force_authenticate(TeacherFactory())
    response = api.get(f"/api/v1/surveys/profile/?user={other.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "You have not taken a professional diagnostic yet."}


def test_profile_needs_login(api):
    assert api.get("/api/v1/surveys/profile/").status_code == 401


# --- typed schemas ----------------------------------------------------------------------------------


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _props(schema, name):
    """Each field's type (its description, the help text, left out)."""
    return {
        field: {k: v for k, v in spec.items() if k != "description"}
        for field, spec in schema["components"]["schemas"][name]["properties"].items()
    }


def test_results_schema_types_every_field(schema):
    results = _props(schema, "SurveyResults")
    assert results["responses"] == {"type": "integer"}
    assert results["hidden"] == {"type": "boolean"}
    assert results["likert"]["items"] == {"$ref": "#/components/schemas/LikertResult"}
    assert results["choices"]["items"] == {"$ref": "#/components/schemas/ChoiceResult"}
    assert results["compare"]["items"] == {"$ref": "#/components/schemas/ComparedResults"}
    likert = _props(schema, "LikertResult")
    assert likert["question"] == {"type": "integer"}
    assert likert["text"] == {"type": "string"}
    assert likert["n"] == {"type": "integer"}
    assert likert["mean"] == {"type": "number", "format": "double", "nullable": True}
    assert likert["percents"]["items"] == {"type": "integer"}
    assert likert["counts"]["items"] == {"type": "integer"}
    option = _props(schema, "ChoiceOptionResult")
    assert option == {
        "text": {"type": "string"},
        "count": {"type": "integer"},
        "percent": {"type": "integer"},
    }
    compared = _props(schema, "ComparedResults")
    assert "cohort" not in compared  # a group is a cohort, a course or a year: named by its title
    assert compared["title"] == {"type": "string"}
    assert likert["negative_percent"] == {"type": "integer"}
    assert likert["vulnerable"] == {"type": "boolean"}


def test_results_schema_lists_the_compare_parameter(schema):
    operation = schema["paths"]["/api/v1/surveys/{id}/results/"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert params["compare"] == {"type": "array", "items": {"type": "integer"}}
    assert params["compare_course"] == {"type": "array", "items": {"type": "integer"}}
    assert params["compare_year"] == {"type": "array", "items": {"type": "integer"}}


def test_profile_schema_types_every_field(schema):
    profile = _props(schema, "CompetencyProfile")
    assert profile["survey"] == {"type": "integer"}
    assert profile["threshold"] == {"type": "integer"}
    assert profile["measured_at"] == {"type": "string", "format": "date-time"}
    assert profile["before_at"] == {"type": "string", "format": "date-time", "nullable": True}
    assert profile["deficits"]["items"] == {"type": "string"}
    row = _props(schema, "CompetencyProfileRow")
    assert row["score"] == {"type": "integer"}
    assert row["before"] == {"type": "integer", "nullable": True}
    assert row["growth"] == {"type": "integer", "nullable": True}
    assert row["is_deficit"] == {"type": "boolean"}
    answers = schema["paths"]["/api/v1/surveys/profile/"]["get"]["responses"]
    assert answers["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CompetencyProfile"
    }
    assert answers["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NoProfileYet"
    }
