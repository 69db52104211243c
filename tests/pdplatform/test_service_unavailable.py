"""A dependency that is down answers a 503 page with Retry-After, never an empty 500 (core/unavailable.py)."""

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests.courses.factories import course_with_structure
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

HEADING = "The site is briefly unavailable"


def _browser() -> Client:
    return Client(raise_request_exception=False)  # what a browser gets, not the view's exception


def _database_down(execute, sql, params, many, context):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def _assert_unavailable(response, heading=HEADING):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page


def test_the_catalogue_with_the_database_down_answers_503_with_retry_after():
    course_with_structure(title="Formative assessment in practice")
    with connection.execute_wrapper(_database_down):
        response = _browser().get("/courses/")
    _assert_unavailable(response)
    assert '<html lang="en">' in response.content.decode()


def test_a_signed_in_page_with_the_database_down_answers_503_not_an_empty_500():
    browser = _browser()
    browser.force_login(TeacherFactory())
    with connection.execute_wrapper(_database_down):  # the session itself cannot be read
        response = browser.get(reverse("cabinet"))
    _assert_unavailable(response)


def test_the_503_page_is_in_the_visitors_language():
    with connection.execute_wrapper(_database_down):
        response = _browser().get("/courses/", HTTP_ACCEPT_LANGUAGE="uk")
    _assert_unavailable(response, heading="Сайт ненадовго недоступний")
    assert '<html lang="uk">' in response.content.decode()


def test_a_form_posted_with_the_database_down_answers_503():
    browser = _browser()
    browser.force_login(TeacherFactory())
    with connection.execute_wrapper(_database_down):
        response = browser.post(reverse("profile_edit"), {"full_name": "Olena Petrenko"})
    _assert_unavailable(response)


@pytest.mark.urls("tests.pdplatform.outage_urls")
def test_redis_unreachable_from_a_view_answers_503():
    _assert_unavailable(_browser().get("/outage/redis/"))


@pytest.mark.urls("tests.pdplatform.outage_urls")
def test_a_task_queued_while_the_broker_is_unreachable_answers_503():
    _assert_unavailable(_browser().get("/outage/broker/"))


@pytest.mark.urls("tests.pdplatform.outage_urls")
def test_any_other_error_still_gets_the_500_page():
    response = _browser().get("/outage/bug/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "<h1>Something went wrong</h1>" in response.content.decode()
