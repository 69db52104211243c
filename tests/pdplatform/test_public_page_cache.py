"""Anonymous visitors get catalogue and course pages from the cache, with their own working CSRF token."""

import re

import pytest
from django.test import Client

from courses import services
from courses.models import Course
from tests.courses.factories import course_with_structure
from tests.factories import MethodologistFactory, TeacherFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


def test_second_anonymous_visit_is_a_cache_hit_with_the_same_page(client):
    course = course_with_structure(title="Формирующее оценивание")
    first = client.get("/courses/")
    second = Client().get("/courses/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert course.title in second.content.decode()
    strip = lambda html: TOKEN.sub("", re.sub(r'"X-CSRFToken": "[^"]+"', "", html.decode()))  # noqa: E731
    assert strip(first.content) == strip(second.content)
    assert Client().get(course.get_absolute_url())["X-Page-Cache"] == "miss"
    assert Client().get(course.get_absolute_url())["X-Page-Cache"] == "hit"


def test_the_token_in_a_cached_page_belongs_to_the_visitor_and_works():
    course_with_structure()
    Client().get("/courses/")  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/courses/")
    assert page["X-Page-Cache"] == "hit" and b"@@csrf-token@@" not in page.content
    token = TOKEN.search(page.content.decode()).group(1)
    response = visitor.post(
        "/i18n/setlang/", {"language": "ru", "next": "/courses/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    russian = visitor.get("/courses/")
    assert russian["X-Page-Cache"] == "miss" and "Каталог курсов" in russian.content.decode()


def test_signed_in_people_and_other_queries_are_never_served_from_the_cache(client):
    course_with_structure()
    Client().get("/courses/")
    assert Client().get("/courses/?page=1")["X-Page-Cache"] == "miss"
    client.force_login(TeacherFactory())
    response = client.get("/courses/")
    assert response.status_code == 200 and "X-Page-Cache" not in response


def test_publishing_a_course_drops_the_cached_catalogue(django_capture_on_commit_callbacks):
    author = MethodologistFactory()
    draft = course_with_structure(title="Новый курс про наставничество", status=Course.Status.DRAFT)
    draft.authors.set([author])
    assert draft.title not in Client().get("/courses/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.course_publish(user=author, course=draft)
    page = Client().get("/courses/")
    assert page["X-Page-Cache"] == "miss" and draft.title in page.content.decode()


def test_switched_off_with_zero_seconds(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    course_with_structure()
    Client().get("/courses/")
    assert "X-Page-Cache" not in Client().get("/courses/")
