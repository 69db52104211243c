"""API for deficit profiles, recommendations and heat maps, scoped as their pages: a teacher reads only
themself, a school administrator only their school, a municipal administrator their municipality; any
other id is 404 and changes nothing. Query counts pinned at two data sizes."""

import pytest
from rest_framework.test import APIClient

from surveys import services
from tests.cohorts.factories import CohortFactory
from tests.factories import (
    MunicipalAdminFactory,
    SchoolAdminFactory,
    SchoolFactory,
    TeacherFactory,
    api_secret_for,
)

from .factories import CompetencyFactory, CourseFactory, diagnostic_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="ru")
    return client


def _measured(survey, questions, teacher, value):
    services.response_submit(survey=survey, user=teacher, answers={q.pk: value for q in questions})
    return teacher


@pytest.fixture
def world():
    competency = CompetencyFactory(code="K1", name="Формирующее оценивание")
    survey, questions = diagnostic_survey(competencies=[competency], per_competency=1)
    school = SchoolFactory(name="Школа № 1")
    other = SchoolFactory(name="Школа № 2", municipality=school.municipality)
    far = SchoolFactory(name="Дальняя школа")
    mine = _measured(
        survey, questions, TeacherFactory(school=school, full_name="Анна Петрова", preferred_language="ru"), 1
    )
    neighbour = _measured(survey, questions, TeacherFactory(school=other, full_name="Олег Сидоров"), 5)
    stranger = _measured(survey, questions, TeacherFactory(school=far, full_name="Ирина Ко"), 1)
    return {
        "competency": competency,
        "survey": survey,
        "questions": questions,
        "school": school,
        "other": other,
        "far": far,
        "mine": mine,
        "neighbour": neighbour,
        "stranger": stranger,
        "admin": SchoolAdminFactory(school=school),
        "municipal": MunicipalAdminFactory(municipality=school.municipality),
    }


def profile_url(user):
    return f"/api/v1/surveys/profiles/{user.pk}/"


def test_a_teacher_reads_their_own_profile_with_their_token(api, world):
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_secret_for(world['mine'])}")
    response = api.get(profile_url(world["mine"]))
    assert response.status_code == 200
    assert response.json()["deficits"] == ["K1"]
    assert response.json()["competencies"][0]["score"] == 0


def test_a_teacher_reading_anothers_profile_gets_404(api, world):
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_secret_for(world['mine'])}", HTTP_ACCEPT_LANGUAGE="en")
    response = api.get(profile_url(world["neighbour"]))
    assert response.status_code == 404
    # The token holder's language speaks, not the client's header.
    assert response.json() == {"detail": "Среди тех, кого вы можете видеть, такого учителя нет."}


def test_a_school_admin_reads_their_teachers_profile_but_not_another_schools(api, world):
    api.force_authenticate(world["admin"])
    assert api.get(profile_url(world["mine"])).json()["deficits"] == ["K1"]
    assert api.get(profile_url(world["neighbour"])).status_code == 404
    assert api.get(profile_url(world["stranger"])).status_code == 404


def test_a_municipal_admin_reads_profiles_in_the_municipality_only(api, world):
    api.force_authenticate(world["municipal"])
    assert api.get(profile_url(world["neighbour"])).json()["deficits"] == []
    assert api.get(profile_url(world["stranger"])).status_code == 404


def test_a_teacher_without_a_diagnostic_gets_404_with_a_message(api, world):
    fresh = TeacherFactory(school=world["school"])
    api.force_authenticate(world["admin"])
    response = api.get(profile_url(fresh))
    assert response.status_code == 404
    assert response.json() == {"detail": "Этот учитель ещё не проходил профессиональную диагностику."}


def test_my_recommendations_are_the_courses_for_my_deficits(api, world):
    course = CourseFactory(title="Оценивание для обучения", competencies=[world["competency"]])
    cohort = CohortFactory(course=course, capacity=10, title="Поток весна")
    api.force_authenticate(world["mine"])
    data = api.get("/api/v1/surveys/recommendations/").json()
    assert [(r["course"], r["title"], r["competencies"]) for r in data] == [
        (course.pk, "Оценивание для обучения", ["K1"])
    ]
    assert [(c["id"], c["free_seats"]) for c in data[0]["cohorts"]] == [(cohort.pk, 10)]
    api.force_authenticate(world["neighbour"])  # no deficit: nothing to recommend
    assert api.get("/api/v1/surveys/recommendations/").json() == []


def test_the_heat_map_is_for_administrators_as_the_page(api, world):
    api.force_authenticate(world["mine"])
    response = api.get("/api/v1/surveys/heatmap/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Тепловая карта — для администраторов школ и муниципалитетов."}


def test_a_school_admin_sees_their_schools_heat_map_only(api, world):
    api.force_authenticate(world["admin"])
    data = api.get("/api/v1/surveys/heatmap/").json()
    assert [t["name"] for t in data["teachers"]] == ["Анна Петрова"]
    assert data["teachers"][0]["cells"] == [
        {"competency": world["competency"].pk, "score": 0, "is_deficit": True}
    ]
    assert data["schools"] == []
    assert [(c["code"], c["teachers"], c["deficits"]) for c in data["competencies"]] == [("K1", 1, 1)]
    assert data["count"] == 1


@pytest.mark.parametrize("school", ["other", "far"])
def test_a_school_admin_asking_for_another_schools_heat_map_gets_404(api, world, school):
    api.force_authenticate(world["admin"])
    response = api.get(f"/api/v1/surveys/heatmap/?school={world[school].pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Среди ваших школ такой нет."}


def test_a_bad_school_value_is_404_too(api, world):
    api.force_authenticate(world["municipal"])
    assert api.get("/api/v1/surveys/heatmap/?school=abc").status_code == 404


def test_a_municipal_admin_sees_every_school_of_the_municipality(api, world):
    api.force_authenticate(world["municipal"])
    data = api.get("/api/v1/surveys/heatmap/").json()
    assert [s["school"] for s in data["schools"]] == ["Школа № 1", "Школа № 2"]
    assert [t["name"] for t in data["teachers"]] == ["Анна Петрова", "Олег Сидоров"]
    one = api.get(f"/api/v1/surveys/heatmap/?school={world['other'].pk}").json()
    assert [t["name"] for t in one["teachers"]] == ["Олег Сидоров"]


def _grow(world, n):
    for i in range(n):
        teacher = TeacherFactory(school=world["school"], full_name=f"Учитель {i}")
        _measured(world["survey"], world["questions"], teacher, 2)
        CourseFactory(title=f"Курс {i}", competencies=[world["competency"]])


@pytest.mark.parametrize("url", ["/api/v1/surveys/heatmap/", "/api/v1/surveys/recommendations/", "profile"])
def test_constant_queries_at_two_sizes(api, world, django_assert_max_num_queries, url):
    who = world["municipal"] if "heatmap" in url else world["mine"]
    url = profile_url(world["mine"]) if url == "profile" else url
    api.force_authenticate(who)
    _grow(world, 1)
    with django_assert_max_num_queries(20) as small:
        assert api.get(url).status_code == 200
    _grow(world, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get(url).status_code == 200
