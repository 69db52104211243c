"""Server-Timing reports each response's real query count (bench/run reads it); robots.txt is the trivial view."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

TIMING = re.compile(r'sql;dur=[\d.]+;desc="(\d+) queries", app;dur=[\d.]+')


def test_header_counts_the_queries_the_page_made(client, settings):
    settings.SERVER_TIMING = True
    client.force_login(TeacherFactory())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/cabinet/")
    assert response.status_code == 200
    match = TIMING.fullmatch(response["Server-Timing"])
    assert match, response["Server-Timing"]
    assert int(match.group(1)) == len(ctx.captured_queries) > 0


def test_header_is_off_by_default(client, settings):
    settings.SERVER_TIMING = False
    response = client.get("/robots.txt")
    assert "Server-Timing" not in response


def test_robots_txt_is_trivial_and_keeps_crawlers_out_of_personal_pages(
    client, settings, django_assert_num_queries
):
    settings.SERVER_TIMING = True
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /cabinet/" in body and "Disallow: /admin/" in body and "Allow: /courses/" in body
    assert TIMING.fullmatch(response["Server-Timing"]).group(1) == "0"
