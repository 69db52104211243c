"""Anonymous catalogue and course pages are the same for every visitor: no CSRF token in them, no cookie
set by them, `Cache-Control: public, max-age=PUBLIC_PAGE_CACHE_SECONDS` and `Vary: Accept-Language,
Cookie`, so the reverse proxy (deploy/nginx.conf) and the application's own cache may keep one copy per
address and language (docs/decisions/0363-reverse-proxy-page-cache.md). Signed-in people's answers are
`private`. The language switcher of anonymous visitors is a GET form; a signed-in person's saves the
preference and stays a POST with a token."""

import pytest
from django.test import Client

from courses import services
from courses.models import Course
from tests.courses.factories import course_with_structure
from tests.factories import MethodologistFactory, TeacherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


def public_pages():
    course = course_with_structure(title="Формирующее оценивание")
    return ["/courses/", "/courses/?q=оценивание&sort=title", course.get_absolute_url()]


@pytest.mark.parametrize("visit", ["miss", "hit"])
def test_anonymous_pages_carry_no_token_and_say_they_may_be_shared(visit):
    for address in public_pages():
        if visit == "hit":
            Client().get(address)  # someone else fills the cache
        response = Client().get(address)
        assert response.status_code == 200
        assert response["X-Page-Cache"] == visit
        assert b"csrfmiddlewaretoken" not in response.content
        assert b"X-CSRFToken" not in response.content
        assert response.cookies == {}  # no csrftoken cookie: a proxy stores no answer that sets one
        assert response["Cache-Control"] == "public, max-age=60"
        assert response["Vary"] == "Accept-Language, Cookie"


def test_a_cache_hit_is_the_same_page_and_needs_no_query(django_assert_num_queries):
    course = course_with_structure(title="Формирующее оценивание")
    first = Client().get(course.get_absolute_url())
    with django_assert_num_queries(0):  # from the cache: no session, no database
        second = Client().get(course.get_absolute_url())
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first.content == second.content


def test_an_anonymous_visitor_switches_the_language_with_a_link_and_gets_that_languages_copy():
    course_with_structure()
    Client().get("/courses/")  # the English copy is cached
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/courses/")
    assert b'<form action="/i18n/setlang/" method="get"' in page.content
    switched = visitor.get("/i18n/setlang/", {"language": "ru", "next": "/courses/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/courses/"
    assert switched.cookies["django_language"].value == "ru"
    russian = visitor.get("/courses/")
    assert russian["X-Page-Cache"] == "miss" and "Каталог курсов" in russian.content.decode()
    assert Client().get("/courses/", HTTP_ACCEPT_LANGUAGE="ru")["X-Page-Cache"] == "hit"


def test_a_language_link_sends_nobody_to_another_site():
    switched = Client().get("/i18n/setlang/", {"language": "uk", "next": "https://evil.example/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/"
    unknown = Client().get("/i18n/setlang/", {"language": "xx", "next": "/courses/"})
    assert unknown.status_code == 302
    assert "django_language" not in unknown.cookies


def test_a_signed_in_persons_language_is_not_changed_by_a_link(client):
    """A GET can be forged by any page (an <img>); the saved preference changes only by POST with a token."""
    teacher = TeacherFactory(preferred_language="en")
    client.force_login(teacher)
    response = client.get("/i18n/setlang/", {"language": "uk", "next": "/cabinet/"})
    assert response.status_code == 405
    assert "django_language" not in response.cookies
    teacher.refresh_from_db()
    assert teacher.preferred_language == "en"


def test_signed_in_people_get_private_pages_with_their_token_and_never_the_cached_copy(client):
    for address in public_pages():
        Client().get(address)
        client.force_login(TeacherFactory())
        response = client.get(address)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert response["Cache-Control"] == "private"
        assert b'name="csrfmiddlewaretoken"' in response.content
        assert b'<form action="/i18n/setlang/" method="post"' in response.content


def test_other_queries_are_other_copies():
    course_with_structure()
    Client().get("/courses/")
    assert Client().get("/courses/?page=1")["X-Page-Cache"] == "miss"


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
    response = Client().get("/courses/")
    assert "X-Page-Cache" not in response
    assert response["Cache-Control"] == "private"
