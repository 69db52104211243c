"""Surveys across schools: cells by school, breakdown by school and municipality, administrators' results.

Each guarantee is played as an attack: another municipality's administrator, another school's filter,
"municipality minus one school" differencing, the raw export asked for by an administrator.
"""

import pytest
from django.urls import reverse

from surveys import selectors, services
from surveys.models import PendingAnswers, Question, Response, Survey
from tests.factories import (
    MethodologistFactory,
    MunicipalAdminFactory,
    MunicipalityFactory,
    SchoolAdminFactory,
    SchoolFactory,
    TeacherFactory,
)
from tests.surveys.factories import QuestionFactory, SectionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def area_survey(*, municipality, anonymous=True, author=None):
    survey = SurveyFactory(
        is_anonymous=anonymous,
        audience=Survey.Audience.MUNICIPALITY,
        municipality=municipality,
        authors=[author] if author else [],
    )
    section = SectionFactory(survey=survey)
    likert = [
        QuestionFactory(section=section, text="Content", position=1),
        QuestionFactory(section=section, text="Time for learning", position=2),
    ]
    text = QuestionFactory(
        section=section, kind=Question.Kind.TEXT, is_required=False, text="Wishes", position=3
    )
    return survey, likert, text


def answer(survey, school, n, values, text=""):
    likert = list(survey.questions.filter(kind=Question.Kind.LIKERT).order_by("position"))
    free = survey.questions.filter(kind=Question.Kind.TEXT).first()
    for _ in range(n):
        answers = {q.pk: v for q, v in zip(likert, values, strict=True)}
        if text and free:
            answers[free.pk] = text
        services.response_submit(survey=survey, user=TeacherFactory(school=school), answers=answers)


@pytest.fixture
def area():
    """Municipality M: schools A and C with 5 answers each, B with 3 (below K); another municipality O."""
    municipality = MunicipalityFactory(name="North")
    a = SchoolFactory(municipality=municipality, name="A school")
    b = SchoolFactory(municipality=municipality, name="B school")
    c = SchoolFactory(municipality=municipality, name="C school")
    author = MethodologistFactory()
    survey, likert, _text = area_survey(municipality=municipality, author=author)
    answer(survey, a, 5, [4, 2], text="More practice")
    answer(survey, b, 3, [1, 1], text="I am the only chemist and I hate it")
    answer(survey, c, 5, [5, 3])
    return {"m": municipality, "a": a, "b": b, "c": c, "survey": survey, "likert": likert, "author": author}


def results_url(survey, query=""):
    return reverse("surveys:results", args=[survey.pk]) + (f"?{query}" if query else "")


# --- cells by school ----------------------------------------------------------------------------------


def test_anonymous_answers_wait_per_school_and_are_released_with_their_school(area):
    survey = area["survey"]
    assert Response.objects.filter(survey=survey, school=area["a"]).count() == 5
    assert Response.objects.filter(survey=survey, school=area["b"]).count() == 0
    assert len(PendingAnswers.objects.get(survey=survey, school=area["b"]).items) == 3
    assert Response.objects.filter(survey=survey, school__isnull=True).count() == 0


def test_a_school_below_k_counts_nowhere_not_even_in_all(area, client):
    client.force_login(area["author"])
    results = client.get(results_url(area["survey"])).context["results"]
    assert results.responses == 10
    content = next(r for r in results.likert if r.question == area["likert"][0])
    assert content.counts == [0, 0, 0, 5, 5]


def test_named_school_cell_below_k_is_hidden_from_all(client):
    municipality = MunicipalityFactory()
    a, b = SchoolFactory(municipality=municipality), SchoolFactory(municipality=municipality)
    author = MethodologistFactory()
    survey, _likert, _text = area_survey(municipality=municipality, anonymous=False, author=author)
    answer(survey, a, 5, [3, 3])
    answer(survey, b, 2, [1, 1])
    assert Response.objects.filter(survey=survey, school=b).count() == 2
    visible = selectors.visible_responses(survey=survey, flt=selectors.ResultFilter())
    assert visible.count() == 5
    assert set(visible.values_list("school_id", flat=True)) == {a.pk}


def test_responses_stored_before_cells_by_school_stay_in_the_survey_wide_cell(area):
    survey = area["survey"]
    Response.objects.bulk_create(Response(survey=survey) for _ in range(5))  # rows from before 0009
    visible = selectors.visible_responses(survey=survey, flt=selectors.ResultFilter())
    assert visible.count() == 15
    by_school = selectors.results_by_area(
        survey=survey, flt=selectors.ResultFilter(), schools=[area["a"], area["b"], area["c"]], by="school"
    )
    assert [(r.name, r.n) for r in by_school.rows] == [("A school", 5), ("B school", 0), ("C school", 5)]


def test_a_response_cannot_name_both_a_cohort_and_a_school(area):
    from django.db import IntegrityError

    from tests.surveys.factories import CohortFactory

    with pytest.raises(IntegrityError):
        Response.objects.create(survey=area["survey"], school=area["a"], cohort=CohortFactory())


# --- breakdown ---------------------------------------------------------------------------------------


def test_author_reads_the_breakdown_by_school_and_by_municipality(area, client):
    client.force_login(area["author"])
    response = client.get(results_url(area["survey"]))
    assert response.status_code == 200
    by_school, by_municipality = response.context["breakdowns"]
    assert [(r.name, r.n, r.means) for r in by_school.rows] == [
        ("A school", 5, [4.0, 2.0]),
        ("B school", 0, [None, None]),
        ("C school", 5, [5.0, 3.0]),
    ]
    assert [(r.name, r.n, r.means) for r in by_municipality.rows] == [("North", 10, [4.5, 2.5])]
    assert (
        response.content.decode().count('<td colspan="3" class="hidden-group">fewer than 5 responses</td>')
        == 1
    )


def test_differencing_municipality_minus_a_small_school_reveals_nothing(area, client):
    """The municipality is the sum of its visible schools: minus A and C nothing of B is left."""
    client.force_login(area["author"])
    municipality = client.get(results_url(area["survey"], f"municipality={area['m'].pk}")).context["results"]
    a = client.get(results_url(area["survey"], f"school={area['a'].pk}")).context["results"]
    c = client.get(results_url(area["survey"], f"school={area['c'].pk}")).context["results"]
    b = client.get(results_url(area["survey"], f"school={area['b'].pk}")).context["results"]
    assert (municipality.responses, a.responses, c.responses, b.responses) == (10, 5, 5, 0)
    assert b.hidden is True
    for m_row, a_row, c_row in zip(municipality.likert, a.likert, c.likert, strict=True):
        assert [x - y - z for x, y, z in zip(m_row.counts, a_row.counts, c_row.counts, strict=True)] == [
            0,
            0,
            0,
            0,
            0,
        ]


def test_breakdown_export_lists_hidden_schools_without_figures(area, client):
    client.force_login(area["author"])
    response = client.get(reverse("surveys:export", args=[area["survey"].pk, "school", "csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = [line.strip() for line in text.strip().splitlines()]
    assert lines[1:] == ["A school,5,4.0,2.0", "B school,fewer than 5 responses,,", "C school,5,5.0,3.0"]


def test_api_results_carry_the_breakdowns(area, client):
    client.force_login(area["author"])
    response = client.get(f"/api/v1/surveys/{area['survey'].pk}/results/")
    assert response.status_code == 200
    body = response.json()
    assert [(r["name"], r["n"], r["hidden"]) for r in body["by_school"]] == [
        ("A school", 5, False),
        ("B school", 0, True),
        ("C school", 5, False),
    ]
    assert body["by_school"][1]["means"] == [
        {"question": area["likert"][0].pk, "mean": None},
        {"question": area["likert"][1].pk, "mean": None},
    ]
    assert [(r["name"], r["n"]) for r in body["by_municipality"]] == [("North", 10)]


def test_results_page_queries_do_not_grow_with_schools(area, client, django_assert_num_queries):
    client.force_login(area["author"])
    client.get(results_url(area["survey"]))  # warm the session and role caches
    with django_assert_num_queries(27) as small:
        client.get(results_url(area["survey"]))
    for i in range(3):
        answer(area["survey"], SchoolFactory(municipality=area["m"], name=f"D{i}"), 5, [2, 2])
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(results_url(area["survey"]))
    assert len(response.context["breakdowns"][0].rows) == 6


# --- administrators -----------------------------------------------------------------------------------


def test_municipal_admin_sees_aggregates_of_their_schools_without_texts(area, client):
    admin = MunicipalAdminFactory(municipality=area["m"])
    client.force_login(admin)
    response = client.get(results_url(area["survey"]))
    assert response.status_code == 200
    assert response.context["results"].responses == 10
    assert response.context["results"].texts == []
    content = response.content.decode()
    assert "More practice" not in content
    assert "only chemist" not in content
    assert reverse("surveys:export", args=[area["survey"].pk, "raw", "csv"]) not in content
    assert [r.name for r in response.context["breakdowns"][0].rows] == ["A school", "B school", "C school"]


def test_admins_find_the_survey_in_their_results_list(area):
    assert list(selectors.surveys_with_results_for(MunicipalAdminFactory(municipality=area["m"]))) == [
        area["survey"]
    ]
    assert list(selectors.surveys_with_results_for(SchoolAdminFactory(school=area["a"]))) == [area["survey"]]
    assert list(selectors.surveys_with_results_for(MunicipalAdminFactory())) == []


def test_attack_admin_of_another_municipality_gets_404_everywhere(area, client):
    client.force_login(MunicipalAdminFactory(municipality=MunicipalityFactory(name="Other")))
    survey = area["survey"]
    assert client.get(results_url(survey)).status_code == 404
    assert client.get(f"/api/v1/surveys/{survey.pk}/results/").status_code == 404
    assert client.get(reverse("surveys:export", args=[survey.pk, "school", "csv"])).status_code == 404
    assert client.get(reverse("surveys:export", args=[survey.pk, "distribution", "csv"])).status_code == 404


def test_school_admin_sees_only_their_school(area, client):
    client.force_login(SchoolAdminFactory(school=area["a"]))
    response = client.get(results_url(area["survey"]))
    assert response.status_code == 200
    assert response.context["results"].responses == 5
    by_school, by_municipality = response.context["breakdowns"]
    assert [(r.name, r.n) for r in by_school.rows] == [("A school", 5)]
    assert [(r.name, r.n) for r in by_municipality.rows] == [("North", 5)]


def test_attack_school_admin_asks_for_another_schools_filter(area, client):
    client.force_login(SchoolAdminFactory(school=area["a"]))
    survey = area["survey"]
    response = client.get(results_url(survey, f"school={area['c'].pk}"))
    assert response.status_code == 400
    assert response.context["results"] is None
    assert response.context["form"].error_lines() == [
        "School: This school is not one of the survey's schools you can see."
    ]
    api = client.get(f"/api/v1/surveys/{survey.pk}/results/?school={area['c'].pk}")
    assert api.status_code == 400
    assert api.json() == {"detail": ["School: This school is not one of the survey's schools you can see."]}
    export = client.get(
        reverse("surveys:export", args=[survey.pk, "school", "csv"]) + f"?school={area['c'].pk}"
    )
    assert export.status_code == 400


def test_attack_municipal_admin_filters_by_another_municipality(area, client):
    other = SchoolFactory(municipality=MunicipalityFactory(name="Other"))
    client.force_login(MunicipalAdminFactory(municipality=area["m"]))
    response = client.get(results_url(area["survey"], f"municipality={other.municipality_id}"))
    assert response.status_code == 400
    assert response.context["form"].error_lines() == [
        "Municipality: This municipality is not one of the survey's municipalities you can see."
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_attack_raw_export_refused_to_administrators(area, client, fmt):
    client.force_login(MunicipalAdminFactory(municipality=area["m"]))
    response = client.get(reverse("surveys:export", args=[area["survey"].pk, "raw", fmt]))
    assert response.status_code == 403
    assert area["survey"].export_jobs.count() == 0


def test_admins_do_not_see_surveys_of_cohorts(client):
    from tests.surveys.factories import CohortFactory, feedback_survey

    school = SchoolFactory()
    survey, _questions = feedback_survey(cohorts=[CohortFactory()])
    client.force_login(SchoolAdminFactory(school=school))
    assert client.get(results_url(survey)).status_code == 404


# --- a municipality's survey is for its teachers ---------------------------------------------------------


def test_teacher_of_another_municipality_cannot_open_or_answer(area, client):
    outsider = TeacherFactory(school=SchoolFactory(municipality=MunicipalityFactory(name="Other")))
    client.force_login(outsider)
    assert client.get(reverse("surveys:fill", args=[area["survey"].pk])).status_code == 404
    assert selectors.surveys_pending_for(outsider) == []
    with pytest.raises(services.SurveyError) as error:
        services.response_submit(survey=area["survey"], user=outsider, answers={})
    assert error.value.messages == ["This survey is for the teachers of another municipality."]
    insider = TeacherFactory(school=area["a"])
    assert [p.survey for p in selectors.surveys_pending_for(insider)] == [area["survey"]]


def test_results_permission_matrix(area, client):
    from tests.factories import CuratorFactory

    url = results_url(area["survey"])
    other_school = SchoolFactory(municipality=MunicipalityFactory(name="Elsewhere"))
    matrix = [
        (None, 302),
        (TeacherFactory(school=area["a"]), 404),
        (CuratorFactory(), 404),
        (MethodologistFactory(), 404),
        (SchoolAdminFactory(school=other_school), 404),
        (SchoolAdminFactory(school=area["b"]), 200),
        (MunicipalAdminFactory(municipality=area["m"]), 200),
        (area["author"], 200),
    ]
    for user, status in matrix:
        client.logout()
        if user is not None:
            client.force_login(user)
        assert (user, client.get(url).status_code) == (user, status)
    assert Response.objects.filter(survey=area["survey"]).count() == 10  # reading changed nothing


def test_school_admin_of_a_small_school_sees_nothing_of_it(area, client):
    client.force_login(SchoolAdminFactory(school=area["b"]))
    response = client.get(results_url(area["survey"]))
    assert (response.context["results"].hidden, response.context["results"].responses) == (True, 0)
    assert response.context["breakdowns"] == []
    assert "only chemist" not in response.content.decode()


def test_breakdown_by_municipality_exports_as_xlsx(area, client):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(MunicipalAdminFactory(municipality=area["m"]))
    response = client.get(reverse("surveys:export", args=[area["survey"].pk, "municipality", "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Municipality", "n", "Content", "Time for learning"],
        ["North", 10, 4.5, 2.5],
    ]


def test_unknown_breakdown_export_is_404(area, client):
    client.force_login(area["author"])
    assert client.get(reverse("surveys:export", args=[area["survey"].pk, "cohort", "csv"])).status_code == 404
