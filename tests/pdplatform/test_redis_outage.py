"""Redis is not a single point of failure for pages: with the shared cache on a real Redis that goes away
in the middle of the visit, pages that do not need Redis render uncached, sign-in is refused with a clear
message rather than left unlimited, and nothing answers with an empty 500.

The Redis here is a private redis-server started by the test on a free port (so it can be stopped and
started without touching the Redis other tests use); CI installs redis-server, and without it the test fails.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import redis
from django.test import Client
from django.urls import reverse

from accounts.models import Level, User
from core.caching import scope_token
from pdplatform.settings import redis_cache
from tests.conftest import REDIS_SERVER, RedisServer, free_port
from tests.courses.factories import course_with_structure
from tests.factories import SchoolFactory, SubjectFactory, TeacherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_redis(settings):
    """The shared cache on a private Redis, configured as production configures it (REDIS_URL)."""
    if not os.path.exists(REDIS_SERVER):
        pytest.fail(f"{REDIS_SERVER} is needed for this test")
    folder = Path(tempfile.mkdtemp(prefix="pdp-redis-outage-"))
    server = RedisServer(free_port(), folder).start()
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{server.port}/1")}
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.PERSONAL_PAGE_CACHE_SECONDS = 60
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _browser() -> Client:
    # A real browser gets whatever the server sends: the test client must not re-raise the view's error.
    return Client(raise_request_exception=False)


def test_the_catalogue_renders_uncached_while_redis_is_down(private_redis):
    course = course_with_structure(title="Formative assessment in practice")
    assert _browser().get("/courses/")["X-Page-Cache"] == "miss"  # Redis up: the page is cached
    private_redis.stop()

    response = _browser().get("/courses/")

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"
    assert course.title in response.content.decode()


def test_a_redis_that_hangs_is_given_up_on_and_the_catalogue_renders(private_redis):
    course = course_with_structure(title="Formative assessment in practice")
    redis.Redis(port=private_redis.port).client_pause(10_000)  # every command waits 10 s: a hung Redis

    response = _browser().get("/courses/")

    assert response.status_code == 200
    assert course.title in response.content.decode()


def test_a_signed_in_teachers_cabinet_renders_while_redis_is_down(private_redis):
    teacher = TeacherFactory(full_name="Anna Petrenko")
    browser = _browser()
    browser.force_login(teacher)
    assert browser.get(reverse("cabinet")).status_code == 200
    private_redis.stop()

    response = browser.get(reverse("cabinet"))

    assert response.status_code == 200
    assert "Anna Petrenko" in response.content.decode()


def test_a_form_posted_while_redis_is_down_is_saved(private_redis):
    teacher = TeacherFactory(full_name="Anna Petrenko")
    school = SchoolFactory()
    browser = _browser()
    browser.force_login(teacher)
    private_redis.stop()

    response = browser.post(
        reverse("profile_edit"),
        {
            "full_name": "Olena Petrenko",
            "preferred_language": "uk",
            "municipality": school.municipality_id,
            "school": school.pk,
            "subjects": [SubjectFactory().pk],
            "school_levels": [Level.objects.get(code="primary").pk],
            "position": "teacher",
            "years_of_experience": 2,
        },
    )

    assert (response.status_code, response["Location"]) == (302, reverse("cabinet"))
    assert User.objects.get(pk=teacher.pk).full_name == "Olena Petrenko"
    page = browser.get(reverse("cabinet"))
    assert page.status_code == 200
    assert "Olena Petrenko" in page.content.decode()


def test_sign_in_is_refused_with_a_clear_message_while_redis_is_down(private_redis):
    teacher = TeacherFactory(email="anna@example.org")
    private_redis.stop()
    browser = _browser()

    response = browser.post(
        reverse("account_login"), {"login": "anna@example.org", "password": "correct-horse-42"}
    )

    assert response.status_code == 200
    assert (
        "Signing in is paused for a moment: the service that counts sign-in attempts is unavailable. "
        "Please try again in a minute."
    ) in response.content.decode()
    assert "_auth_user_id" not in browser.session
    assert User.objects.get(pk=teacher.pk).last_login is None


def test_redis_back_after_the_outage_serves_from_the_cache_again(private_redis, settings):
    default = settings.CACHES["default"]
    # try Redis again at once (production waits 5 s after a failure)
    settings.CACHES = {"default": {**default, "OPTIONS": {**default["OPTIONS"], "FAILURE_PAUSE": 0}}}
    course_with_structure(title="Formative assessment in practice")
    private_redis.stop()
    assert _browser().get("/courses/").status_code == 200
    private_redis.start()

    assert _browser().get("/courses/")["X-Page-Cache"] == "miss"
    assert _browser().get("/courses/")["X-Page-Cache"] == "hit"
    assert redis.Redis(port=private_redis.port, db=1).dbsize() >= 1


def test_other_rate_limits_let_requests_through_while_redis_is_down(private_redis, mailoutbox):
    TeacherFactory(email="anna@example.org")
    private_redis.stop()

    response = _browser().post(reverse("account_reset_password"), {"email": "anna@example.org"})

    assert (response.status_code, response["Location"]) == (302, reverse("account_reset_password_done"))
    assert [message.to for message in mailoutbox] == [["anna@example.org"]]


def test_pages_rendered_while_scope_tokens_are_unknown_are_never_shared(private_redis):
    private_redis.stop()
    first, second = scope_token("everyone", "cohort:1"), scope_token("everyone", "cohort:1")
    assert first != second  # two curators' review queues cannot land under one cache key
    assert len(first) == len(second) == 65
