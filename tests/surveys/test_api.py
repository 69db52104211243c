"""API: pending surveys, questions, submitting (with the bad input), results scoped like the pages."""

import pytest
from rest_framework.test import APIClient

from surveys.models import Participation, Question, Survey
from tests.factories import CuratorFactory, TeacherFactory

from .factories import (
    ChoiceFactory,
    CohortFactory,
    CompetencyFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    diagnostic_survey,
    feedback_survey,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_pending_requires_login(api):
    assert api.get("/api/v1/surveys/pending/").status_code in (401, 403)


def test_pending_questions_and_submit(api):
    enrollment = EnrollmentFactory()
    survey, questions = feedback_survey(cohorts=[enrollment.cohort])
    api.force_authenticate(enrollment.teacher)
    pending = api.get("/api/v1/surveys/pending/").json()
    assert pending == [
        {
            "survey": {
                "id": survey.pk,
                "title": survey.title,
                "kind": "feedback",
                "is_anonymous": True,
                "closes_at": None,
            },
            "cohort_id": enrollment.cohort.pk,
            "cohort_title": enrollment.cohort.title,
        }
    ]
    sections = api.get(f"/api/v1/surveys/{survey.pk}/questions/").json()
    assert [q["id"] for q in sections[0]["questions"]] == [q.pk for q in questions]
    assert sections[0]["questions"][0]["labels"][0] == "Strongly disagree"
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    body = {"cohort": enrollment.cohort.pk, "answers": {str(questions[0].pk): 5, str(questions[1].pk): 4}}
    assert api.post(url, body, format="json").status_code == 201
    again = api.post(url, body, format="json")
    assert again.status_code == 400 and again.json() == {
        "detail": ["You have already responded to this survey."]
    }
    assert api.get("/api/v1/surveys/pending/").json() == []


def test_submit_bad_input_gives_errors_and_stores_nothing(api):
    survey = SurveyFactory()
    q = QuestionFactory(section=SectionFactory(survey=survey), survey=survey)
    single = QuestionFactory(section=q.section, survey=survey, kind=Question.Kind.SINGLE)
    ChoiceFactory(question=single)
    foreign = ChoiceFactory()
    api.force_authenticate(TeacherFactory())
    response = api.post(
        f"/api/v1/surveys/{survey.pk}/responses/",
        {"answers": {str(q.pk): 7, str(single.pk): foreign.pk}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == [
        f"“{q.text}”: choose a value from 1 to 5.",
        f"“{single.text}”: choose one of the options offered.",
    ]
    assert not Participation.objects.exists()


def test_submit_to_a_cohort_i_am_not_in_is_404(api):
    cohort = CohortFactory()
    survey, questions = feedback_survey(cohorts=[cohort])
    api.force_authenticate(TeacherFactory())
    response = api.post(
        f"/api/v1/surveys/{survey.pk}/responses/",
        {"cohort": cohort.pk, "answers": {str(questions[0].pk): 3}},
        format="json",
    )
    assert response.status_code == 404


def test_diagnostic_submit_returns_scores(api):
    comp = CompetencyFactory()
    survey, (q,) = diagnostic_survey(competencies=[comp], per_competency=1)
    api.force_authenticate(TeacherFactory())
    response = api.post(f"/api/v1/surveys/{survey.pk}/responses/", {"answers": {str(q.pk): 4}}, format="json")
    assert response.json() == {"level": "", "scores": {str(comp.pk): 75}}


def test_results_for_curator_only(api, settings):
    settings.SURVEYS_ANONYMITY_K = 3  # the distribution math, not the release batches
    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator])
    survey, questions = feedback_survey(cohorts=[cohort])
    for value in (1, 2, 2, 5, 5, 5):
        e = EnrollmentFactory(cohort=cohort)
        api.force_authenticate(e.teacher)
        api.post(
            f"/api/v1/surveys/{survey.pk}/responses/",
            {"cohort": cohort.pk, "answers": {str(questions[0].pk): value, str(questions[1].pk): 3}},
            format="json",
        )
    api.force_authenticate(TeacherFactory())
    assert api.get(f"/api/v1/surveys/{survey.pk}/results/").status_code == 404
    api.force_authenticate(curator)
    data = api.get(f"/api/v1/surveys/{survey.pk}/results/").json()
    assert data["responses"] == 6 and data["hidden"] is False
    assert data["likert"][0]["percents"] == [17, 33, 0, 0, 50]
    assert data["likert"][0]["mean"] == 3.33


def test_schema_builds(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200 and b"/api/v1/surveys/pending/" in response.content


def test_survey_kind_values():
    assert set(Survey.Kind.values) == {"diagnostic", "feedback", "placement", "general"}
