"""The school report's columns (issue #21 item 4): the reader chooses them in the URL, the choice is
remembered, unknown keys change nothing, the teacher's name always shows, exports keep every column, and the
page's queries do not grow with the rows."""

import csv
import io
import re

import pytest
from django.utils import translation

from tests.cohorts.factories import EnrollmentFactory
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


def _headers(response) -> list[str]:
    assert response.status_code == 200
    table = response.content.decode().split('id="report-rows"', 1)[1].split("</thead>", 1)[0]
    return re.findall(r"<th[^>]*>([^<]*)</th>", table)


def _cells(response) -> list[int]:
    body = response.content.decode().split('id="report-rows"', 1)[1].split("</tbody>", 1)[0]
    return [row.count("<td") for row in body.split("<tr>")[2:]]


def test_default_columns_are_eight_with_the_teacher_first(client, world):
    client.force_login(world["admin_a"])
    with translation.override("en"):
        response = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="en")
    assert _headers(response) == [
        "Teacher",
        "Email",
        "School",
        "Course",
        "Cohort",
        "State",
        "Progress, %",
        "Completed on",
    ]
    assert _cells(response) == [8, 8]
    assert 'class="table-responsive table-sticky-first"' in response.content.decode()


def test_chosen_columns_show_in_their_order_and_the_teacher_always(client, world):
    client.force_login(world["admin_a"])
    response = client.get("/reports/", {"cols": "attendance,course"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _headers(response) == ["Teacher", "Course", "Attendance, %"]
    assert _cells(response) == [3, 3]
    # repeated parameters (the chooser's checkboxes) say the same
    again = client.get("/reports/?cols=teacher&cols=course&cols=attendance", HTTP_ACCEPT_LANGUAGE="en")
    assert _headers(again) == ["Teacher", "Course", "Attendance, %"]


def test_unknown_column_keys_are_dropped_and_none_left_means_the_default(client, world):
    client.force_login(world["admin_a"])
    response = client.get("/reports/", {"cols": "course,<script>,password"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _headers(response) == ["Teacher", "Course"]
    assert "<script>" not in response.content.decode().split("<main", 1)[-1].split("</main>", 1)[0]
    only_bad = client.get("/reports/", {"cols": "nope"}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(_headers(only_bad)) == 8


def test_the_choice_is_remembered_and_restored_by_a_redirect(client, world):
    client.force_login(world["admin_a"])
    client.get("/reports/", {"cols": "score"})
    response = client.get("/reports/", {"state": "completed"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/?state=completed&cols=teacher%2Cscore"
    assert client.get("/reports/", {"cols": "default"}).status_code == 200
    assert client.get("/reports/").status_code == 302
    assert (
        client.get("/reports/", follow=True)
        .redirect_chain[-1][0]
        .endswith("cols=teacher%2Cemail%2Cschool%2Ccourse%2Ccohort%2Cstate%2Cprogress%2Ccompleted")
    )


def test_another_persons_choice_is_not_theirs(client, world):
    client.force_login(world["admin_a"])
    client.get("/reports/", {"cols": "score"})
    client.force_login(world["admin_b"])
    assert client.get("/reports/").status_code == 200


def test_exports_keep_every_column_whatever_the_page_shows(client, world):
    client.force_login(world["admin_a"])
    client.get("/reports/", {"cols": "score"})
    response = client.get("/reports/export.csv", {"cols": "score", "sep": "comma"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows[0]) == 17


def test_query_count_with_chosen_columns_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world["admin_a"])
    params = {"cols": "teacher,email,school,course,hours,cohort,starts,ends,state,progress,attendance"}
    with django_assert_max_num_queries(16):
        assert client.get("/reports/", params).status_code == 200
    for i in range(25):
        EnrollmentFactory(
            cohort=world["cohort"], teacher=TeacherFactory(school=world["school_a"], full_name=f"T{i}")
        )
    with django_assert_max_num_queries(16):
        response = client.get("/reports/", params)
    assert response.status_code == 200
    assert len(_headers(response)) == 11
