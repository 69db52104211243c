"""The curator's home: what waits, oldest first, counted the same way as the queues, never another
curator's cohorts, and a constant number of queries whatever the data size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Announcement, AnnouncementRead, Question, Submission
from cohorts.selectors import curator_day, questions_for_curator, review_queue
from cohorts.services import question_ask, submission_submit
from tests.factories import CuratorFactory

from .factories import AssignmentFactory, CohortFactory, EnrollmentFactory, LiveSessionFactory, ModuleFactory

pytestmark = pytest.mark.django_db


def _morning(curator, *, teachers=3):
    """A running cohort two weeks in: work waiting, questions, a session today, an overdue assignment."""
    module = ModuleFactory()
    cohort = CohortFactory(
        course=module.course,
        curators=[curator],
        status="running",
        response_target_hours=24,
        starts_on=timezone.localdate() - timedelta(days=14),
    )
    due = AssignmentFactory(module=module, title="Lesson plan", due_days=7)
    later = AssignmentFactory(module=module, title="Reflection", due_days=30)
    enrollments = [EnrollmentFactory(cohort=cohort) for _ in range(teachers)]
    submission_submit(enrollment=enrollments[0], assignment=due, text="My plan for the lesson on fractions.")
    old = question_ask(enrollment=enrollments[1], text="Where is the recording?")
    Question.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=30))
    question_ask(enrollment=enrollments[2], text="Can I send a file?")
    # 15:00 of the platform's own day: a UTC clock is a day behind Moscow after 21:00 UTC.
    today = timezone.localtime().replace(hour=15, minute=0, second=0, microsecond=0)
    LiveSessionFactory(cohort=cohort, title="Round table", starts_at=today, checkin_code="PD42")
    LiveSessionFactory(cohort=cohort, title="Next week", starts_at=today + timedelta(days=7))
    note = Announcement.objects.create(cohort=cohort, author=curator, title="Schedule", body="Text")
    AnnouncementRead.objects.create(announcement=note, enrollment=enrollments[0])
    return cohort, enrollments, due, later


def test_the_day_lists_what_waits_oldest_first():
    curator = CuratorFactory()
    cohort, enrollments, due, _later = _morning(curator)
    _morning(CuratorFactory())  # another curator's cohort: none of it shows

    day = curator_day(user=curator)

    assert [s.enrollment_id for s in day.reviews] == [enrollments[0].pk]
    assert day.reviews_count == review_queue(user=curator).count() == 1
    assert [(q.text, q.late) for q in day.questions] == [
        ("Where is the recording?", True),
        ("Can I send a file?", False),
    ]
    assert day.questions[0].age_hours == 30
    assert day.questions_count == questions_for_curator(user=curator).count() == 2
    assert [(s.title, s.checkin_code) for s in day.sessions_today] == [("Round table", "PD42")]
    assert [(n.title, n.confirmed, n.enrolled) for n in day.announcements] == [("Schedule", 1, 3)]
    # Ordered by name (the factory's names are random): compare as a set of (teacher, missing work).
    assert sorted((e.pk, tuple(e.missing)) for e in day.behind) == [
        (enrollments[1].pk, ("Lesson plan",)),
        (enrollments[2].pk, ("Lesson plan",)),
    ]
    assert day.behind_count == 2


def test_an_empty_day_says_so(client):
    curator = CuratorFactory()
    CohortFactory(curators=[curator])
    client.force_login(curator)
    page = client.get(reverse("cohorts:curate")).content.decode()
    assert (
        "Nothing waits for you: no work to review, no unanswered question, every announcement confirmed."
        in page
    )


def test_the_page_shows_the_day(client):
    curator = CuratorFactory()
    cohort, enrollments, due, _later = _morning(curator)
    client.force_login(curator)
    page = client.get(reverse("cohorts:curate")).content.decode()
    submission = Submission.objects.get(enrollment=enrollments[0])
    assert f'href="{reverse("cohorts:review", args=[submission.pk])}"' in page
    assert 'data-late="1"' in page
    assert "past the response target" in page
    assert '<code class="fs-6">PD42</code>' in page
    assert "1 of 3 confirmed" in page
    assert "not handed in: Lesson plan" in page


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("cohorts:curate")).status_code == 200
    return len(ctx)


def test_the_curators_home_queries_do_not_grow(client):
    curator = CuratorFactory()
    client.force_login(curator)
    _morning(curator, teachers=3)
    small = _queries(client)
    for _ in range(3):
        _morning(curator, teachers=8)
    assert _queries(client) == small
