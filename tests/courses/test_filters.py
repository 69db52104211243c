"""The catalogue's FilterSet: a bad value is the same translated message on the page (shown, the
parameter not applied, 200) and in the API (400, {"detail": [lines]}), in the caller's language."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from courses.filters import CatalogueFilterSet
from courses.models import Course
from tests.factories import SubjectFactory, TeacherFactory

from .factories import CompetencyAreaFactory, CompetencyFactory, CourseFactory

pytestmark = pytest.mark.django_db
CATALOGUE = "/courses/"
API = "/api/v1/courses/"

MESSAGES = {
    "en": {
        "language=xx": "Course language: Unknown value: xx.",
        "format=teleport": "Format: Unknown value: teleport.",
        "hours_min=abc": "At least, hours: Unknown value: abc. Give a whole number.",
        "hours_max=-4": "At most, hours: Ensure this value is greater than or equal to 0.",
        "open=maybe": "Has an open cohort: Unknown value: maybe.",
        "sort=zzz": "Sort: Unknown value: zzz.",
        "subject=nope": "Subject: Unknown value: nope.",
        "competency=NOPE.1": "Competency: Unknown value: NOPE.1.",
    },
    "ru": {
        "language=xx": "Язык курса: Неизвестное значение: xx.",
        "format=teleport": "Формат: Неизвестное значение: teleport.",
        "hours_min=abc": "Не менее, часов: Неизвестное значение: abc. Укажите целое число.",
        "hours_max=-4": "Не более, часов: Убедитесь, что это значение больше либо равно 0.",
        "open=maybe": "Есть поток с открытой записью: Неизвестное значение: maybe.",
        "sort=zzz": "Сортировка: Неизвестное значение: zzz.",
        "subject=nope": "Предмет: Неизвестное значение: nope.",
        "competency=NOPE.1": "Компетенция: Неизвестное значение: NOPE.1.",
    },
}
CASES = [(lang, query, message) for lang, rows in MESSAGES.items() for query, message in rows.items()]


@pytest.fixture
def courses():
    math = SubjectFactory(code="math")
    area = CompetencyAreaFactory(code="ASM")
    CompetencyFactory(code="ASM.1", area=area)
    return [
        CourseFactory(slug="ru-course", language="ru", format="distance", subjects=[math], hours=10),
        CourseFactory(slug="uk-course", language="uk", format="blended", hours=40),
    ]


@pytest.mark.parametrize(("lang", "query", "message"), CASES)
def test_a_bad_value_is_the_same_message_on_the_page_and_in_the_api(client, courses, lang, query, message):
    page = client.get(f"{CATALOGUE}?{query}&language=uk", HTTP_ACCEPT_LANGUAGE=lang)
    api = APIClient().get(f"{API}?{query}", HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    assert page.context["filter_errors"] == [message]
    assert f"<li>{message}</li>" in page.content.decode()
    assert api.status_code == 400
    assert api.json() == {"detail": [message]}


def test_the_page_applies_the_good_filters_and_not_the_bad_one(client, courses):
    response = client.get(CATALOGUE, {"language": "uk", "hours_min": "abc"})
    assert [c.slug for c in response.context["courses"]] == ["uk-course"]
    response = client.get(CATALOGUE, {"language": "xx"})
    assert sorted(c.slug for c in response.context["courses"]) == ["ru-course", "uk-course"]
    assert 'name="language" value="xx"' not in response.content.decode()


def test_one_unknown_value_among_known_ones_is_named(client, courses):
    api = APIClient().get(API, {"format": ["teleport", "blended"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    assert api.json() == {"detail": ["Format: Unknown value: teleport."]}


def test_good_values_filter_alike_on_the_page_and_in_the_api(client, courses):
    for query, expected in [
        ("language=uk", ["uk-course"]),
        ("language=ru,uk&sort=hours", ["ru-course", "uk-course"]),
        ("subject=math", ["ru-course"]),
        ("competency=ASM", []),
        ("hours_min=20&hours_max=40", ["uk-course"]),
        ("format=distance&format=blended&sort=-hours", ["uk-course", "ru-course"]),
    ]:
        page = client.get(f"{CATALOGUE}?{query}")
        api = APIClient().get(f"{API}?{query}")
        assert page.context["filter_errors"] == [], query
        assert api.status_code == 200, query
        if "sort" in query:
            assert [c.slug for c in page.context["courses"]] == expected, query
            assert [c["slug"] for c in api.json()["results"]] == expected, query
        else:
            assert sorted(c.slug for c in page.context["courses"]) == expected, query
            assert sorted(c["slug"] for c in api.json()["results"]) == expected, query


def test_the_api_filters_the_list_only_not_a_course(courses):
    response = APIClient().get(f"{API}ru-course/?language=uk")
    assert response.status_code == 200
    assert response.json()["slug"] == "ru-course"


def test_the_schema_documents_the_filters(client):
    schema = client.get("/api/schema/").content.decode()
    operation = schema[
        schema.index("operationId: v1_courses_list") : schema.index("operationId: v1_courses_create")
    ]
    for name in (
        "q",
        "subject",
        "format",
        "level",
        "language",
        "competency",
        "hours_min",
        "hours_max",
        "open",
        "sort",
    ):
        assert f"name: {name}\n" in operation, name


def test_a_signed_in_teachers_message_is_in_the_request_language(client, courses):
    client.force_login(TeacherFactory(preferred_language="ru"))
    response = client.get(CATALOGUE, {"language": "xx"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.context["filter_errors"] == ["Язык курса: Неизвестное значение: xx."]


def test_the_filterset_alone_reads_nothing_wrongly():
    with translation.override("en"):
        filterset = CatalogueFilterSet(
            {"q": "  a\x00b   c ", "hours_min": "5", "language": "en,xx"}, queryset=Course.objects.none()
        )
        assert filterset.is_valid() is False
        flt = filterset.catalogue_filters()
        assert (flt.q, flt.hours_min, flt.languages) == ("ab c", 5, ["en"])  # the known code kept
        assert filterset.error_lines == ["Course language: Unknown value: xx."]
