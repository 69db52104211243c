"""Signed-in people's busiest pages are served from the cache until a row they show changes
(each app's scopes.py, core/caching.py), never to another person, and a change made through a service, a signal-less
bulk update included, shows on the very next view."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.models import Enrollment
from core.caching import scope_token, scopes_changed
from tests.cohorts.factories import (
    AssignmentFactory,
    CohortFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
)
from tests.factories import CuratorFactory, SchoolAdminFactory, TeacherFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_cache_backends")]

MAIN = re.compile(r"<main.*</main>", re.S)


def _view(client, url) -> tuple[int, str]:
    """(SQL queries, page) of one GET."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx), response.content.decode()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def learning():
    curator = CuratorFactory()
    module = ModuleFactory()
    lessons = LessonFactory.create_batch(2, module=module)
    assignment = AssignmentFactory(module=module, title="Lesson plan with a digital tool")
    cohort = CohortFactory(
        course=module.course,
        curators=[curator],
        title="Autumn group",
        starts_on=timezone.localdate() - timedelta(days=3),
    )
    teacher = TeacherFactory(full_name="Anna Petrenko")
    enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher)
    return SimpleNamespace(
        curator=curator,
        cohort=cohort,
        teacher=teacher,
        enrollment=enrollment,
        lessons=lessons,
        assignment=assignment,
        client=_signed_in(teacher),
    )


def test_a_repeated_cabinet_view_comes_from_the_cache(learning, django_assert_num_queries):
    first, page = _view(learning.client, reverse("cabinet"))
    # a hit reads the session, the user, their roles, their cohorts (the key) and the unread badge, nothing of
    # the cabinet (sessions are in the database: docs/decisions/0151-redisfault-redis-outage.md)
    with django_assert_num_queries(5):
        again = learning.client.get(reverse("cabinet")).content.decode()
    assert MAIN.search(again).group() == MAIN.search(page).group()
    assert first > 5


def test_the_cache_can_be_turned_off(learning, settings):
    settings.PERSONAL_PAGE_CACHE_SECONDS = 0
    first, _ = _view(learning.client, reverse("cabinet"))
    again, _ = _view(learning.client, reverse("cabinet"))
    assert again == first


def _announce(w):
    services.announcement_publish(
        cohort=w.cohort, author=w.curator, title="Webinar moved to Friday", body="At 16:00."
    )
    return "Webinar moved to Friday"


def _review(w):
    submission = services.submission_submit(enrollment=w.enrollment, assignment=w.assignment, text="My plan")
    services.review_submit(
        submission=submission,
        reviewer=w.curator,
        decision="revise",
        score=1,
        comment="Add the goals of each lesson stage.",
    )
    return "“Lesson plan with a digital tool” is reviewed"


def _answer(w):
    question = services.question_ask(enrollment=w.enrollment, text="Where is the recording?")
    services.question_answer(question=question, curator=w.curator, answer="Under the session.")
    return "has an answer"


@pytest.mark.parametrize("change", [_announce, _review, _answer], ids=["announcement", "review", "answer"])
def test_the_cabinet_shows_a_change_on_the_next_view(learning, change):
    _view(learning.client, reverse("cabinet"))
    expected = change(learning)
    assert expected in _view(learning.client, reverse("cabinet"))[1]


@pytest.mark.parametrize("seen", ["review", "answer"])
def test_bulk_updates_without_signals_still_renew_the_cabinet(learning, seen):
    """review_mark_seen and question_mark_seen update rows in bulk (no save signal)."""
    shown = _review(learning) if seen == "review" else _answer(learning)
    assert shown in _view(learning.client, reverse("cabinet"))[1]
    if seen == "review":
        services.review_mark_seen(submission=learning.enrollment.submissions.get())
    else:
        services.question_mark_seen(enrollment=learning.enrollment)
    assert shown not in _view(learning.client, reverse("cabinet"))[1]


def test_two_teachers_never_get_each_others_cabinet(learning):
    other = TeacherFactory(full_name="Boris Kovalenko")
    EnrollmentFactory(cohort=learning.cohort, teacher=other)
    assert "Anna Petrenko" in _view(learning.client, reverse("cabinet"))[1]
    page = _view(_signed_in(other), reverse("cabinet"))[1]
    assert "Boris Kovalenko" in page and "Anna Petrenko" not in page


def test_the_player_and_lesson_follow_the_teachers_progress(learning):
    player = reverse("cohorts:player", args=[learning.enrollment.pk])
    lesson = reverse("cohorts:lesson", args=[learning.enrollment.pk, learning.lessons[0].pk])
    assert 'aria-valuenow="0"' in _view(learning.client, player)[1]
    _view(learning.client, lesson)
    learning.client.post(lesson, {"done": "1"})
    assert 'aria-valuenow="50"' in _view(learning.client, player)[1]
    learning.client.post(lesson, {"done": "0"})  # the mark is deleted: a delete signal
    assert 'aria-valuenow="0"' in _view(learning.client, player)[1]


def test_a_lesson_of_another_course_is_still_not_found(learning):
    _view(learning.client, reverse("cohorts:lesson", args=[learning.enrollment.pk, learning.lessons[0].pk]))
    foreign = LessonFactory()
    response = learning.client.get(reverse("cohorts:lesson", args=[learning.enrollment.pk, foreign.pk]))
    assert response.status_code == 404


def test_the_review_queue_shows_new_work_at_once_and_only_to_its_cohorts_curators(learning):
    queue = reverse("cohorts:review_queue")
    curator_client = _signed_in(learning.curator)
    assert "Nothing is waiting for review" in _view(curator_client, queue)[1]
    other_curator = CuratorFactory()
    CohortFactory(curators=[other_curator])
    _view(_signed_in(other_curator), queue)
    services.submission_submit(enrollment=learning.enrollment, assignment=learning.assignment, text="My plan")
    assert "Lesson plan with a digital tool" in _view(curator_client, queue)[1]
    assert "Nothing is waiting for review" in _view(_signed_in(other_curator), queue)[1]


def test_the_school_report_follows_enrollments_of_its_school_only(learning):
    admin = SchoolAdminFactory(school=learning.teacher.school)
    other_admin = SchoolAdminFactory()
    report = reverse("reports:home")
    assert "1 row" in _view(_signed_in(admin), report)[1]
    assert "0 rows" in _view(_signed_in(other_admin), report)[1]
    EnrollmentFactory(cohort=learning.cohort, teacher=TeacherFactory(school=learning.teacher.school))
    assert "2 rows" in _view(_signed_in(admin), report)[1]
    Enrollment.objects.filter(pk=learning.enrollment.pk).get().delete()
    assert "1 row" in _view(_signed_in(admin), report)[1]
    assert "0 rows" in _view(_signed_in(other_admin), report)[1]


def test_a_report_with_wrong_filters_is_never_cached(learning):
    client = _signed_in(SchoolAdminFactory(school=learning.teacher.school))
    url = reverse("reports:home") + "?cohort=999999"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 400
    assert "filter-error" in second.content.decode()


def test_a_scope_gets_a_new_token_at_the_change_and_again_at_commit(django_capture_on_commit_callbacks):
    before = scope_token("person:7", "everyone")
    assert scope_token("person:7", "everyone") == before
    with django_capture_on_commit_callbacks() as callbacks:
        scopes_changed("person:7")
        at_change = scope_token("person:7", "everyone")
    assert at_change != before
    assert len(callbacks) == 1
    callbacks[0]()
    assert scope_token("person:7", "everyone") not in (before, at_change)
    assert scope_token("everyone") == before.split(".")[1]


def test_the_hours_report_follows_its_schools_teachers(learning):
    client = _signed_in(SchoolAdminFactory(school=learning.teacher.school))
    url = reverse("reports:teachers")
    assert "Anna Petrenko" in _view(client, url)[1]
    TeacherFactory(school=learning.teacher.school, full_name="Olena Newcomer")
    assert "Olena Newcomer" in _view(client, url)[1]
    TeacherFactory(full_name="Taras Elsewhere")  # another school
    assert "Taras Elsewhere" not in _view(client, url)[1]


def test_the_cached_navigation_is_each_persons_own_and_marks_the_section(learning):
    other = TeacherFactory(full_name="Boris Kovalenko", email="boris@example.org")
    mine = _view(learning.client, reverse("cabinet"))[1]
    theirs = _view(_signed_in(other), reverse("cabinet"))[1]
    assert learning.teacher.email in mine and "boris@example.org" not in mine
    assert "boris@example.org" in theirs and learning.teacher.email not in theirs
    queue = _view(_signed_in(learning.curator), reverse("cohorts:review_queue"))[1]
    assert re.search(r'class="nav-link py-2 active" href="/learn/reviews/"', queue)
    assert not re.search(r'class="nav-link active" href="/cabinet/"', queue)


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/courses/digital-school/", "courses"),
        ("/cabinet/", "cabinet"),
        ("/cabinet/other/", ""),
        ("/surveys/heatmap/", "heatmap"),
        ("/surveys/3/", "surveys"),
        ("/notifications/", "notifications"),
        ("/notifications/preferences/", ""),
        ("/learn/reviews/5/", "reviews"),
        ("/", ""),
    ],
)
def test_navigation_sections(path, section):
    from pdplatform.context_processors import nav_section

    assert nav_section(path) == section
