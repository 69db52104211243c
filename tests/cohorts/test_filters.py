"""The open-cohorts list's FilterSet: the course is required, named by id or slug; the message is the
project's one error shape in the caller's language."""

import pytest
from rest_framework.test import APIClient

from .factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Course: Give a course id or slug."),
        ("ru", "Курс: Укажите идентификатор или адрес (slug) курса."),
        ("uk", "Курс: Вкажіть ідентифікатор або адресу (slug) курсу."),
    ],
)
def test_a_missing_course_is_a_translated_400(lang, message):
    response = APIClient().get("/api/v1/cohorts/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    assert response.json() == {"detail": [message]}


def test_course_by_id_or_slug_and_an_unknown_one_lists_nothing():
    cohort = CohortFactory()
    CohortFactory()  # another course's
    api = APIClient()
    by_id = api.get("/api/v1/cohorts/", {"course": cohort.course_id}).json()["results"]
    by_slug = api.get("/api/v1/cohorts/", {"course": cohort.course.slug}).json()["results"]
    assert [c["id"] for c in by_id] == [c["id"] for c in by_slug] == [cohort.pk]
    assert api.get("/api/v1/cohorts/", {"course": "no-such-course"}).json()["results"] == []


def test_one_cohort_is_read_without_the_filter():
    cohort = CohortFactory()
    assert APIClient().get(f"/api/v1/cohorts/{cohort.pk}/").json()["id"] == cohort.pk


def test_the_schema_documents_the_course_filter(client):
    schema = client.get("/api/schema/").content.decode()
    operation = schema[schema.index("operationId: v1_cohorts_list") :][:1500]
    assert "name: course\n" in operation and "required: true" in operation
