"""seed_demo builds a site where every role's main pages open, in each language, without a server error."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from surveys.demo import FEEDBACK_TITLE
from surveys.models import Survey

PAGES = {
    "teacher1@demo.pdplatform.local": [
        "home",
        "cabinet",
        "courses:catalogue",
        "communities:list",
        "communities:latest",
        "communities:new",
        "communities:unread",
        "surveys:list",
        "surveys:profile",
        "mentoring:home",
        "mentoring:plan_list",
        "notifications:list",
        "notifications:preferences",
        "profile_edit",
        "calendar",
    ],
    "curator1@demo.pdplatform.local": [
        "cabinet",
        "cohorts:curate",
        "cohorts:review_queue",
        "cohorts:question_queue",
        "reports:home",
        "admin:index",
    ],
    "methodologist1@demo.pdplatform.local": [
        "cohorts:curate",
        "cohorts:review_queue",
        "reports:home",
        "admin:index",
    ],
    "schooladmin1@demo.pdplatform.local": [
        "cabinet",
        "cohorts:nominations",
        "surveys:heatmap",
        "mentoring:home",
        "mentoring:matching",
        "mentoring:reports",
        "reports:home",
        "reports:teachers",
    ],
    "municipal@demo.pdplatform.local": ["reports:home", "surveys:heatmap", "mentoring:home"],
    "admin@demo.pdplatform.local": ["admin:index", "reports:home", "cohorts:curate"],
}


pytestmark = pytest.mark.django_db

COUNTED = [
    "accounts.User",
    "courses.Course",
    "cohorts.Cohort",
    "cohorts.Enrollment",
    "surveys.Survey",
    "communities.Community",
    "mentoring.MentoringPair",
]


def _counts() -> dict:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """Seed once for the module inside an outer transaction that is rolled back at the end (like setUpTestData)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", verbosity=0)
            counts = _counts()
            call_command("seed_demo", verbosity=0)  # idempotent: nothing doubles
            assert _counts() == counts
            assert all(counts.values()), counts
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.parametrize("email", list(PAGES))
@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_each_roles_pages_open_in_each_language(demo_db, client, email, lang):
    client.force_login(User.objects.get(email=email))
    for name in PAGES[email]:
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=lang, follow=True)
        assert response.status_code == 200, (email, name, response.status_code)
        assert response.redirect_chain == [] or "/accounts/login/" not in response.redirect_chain[-1][0], name


def test_course_pages_of_the_demo_open_for_anonymous_visitors(demo_db, client):
    from courses.models import Course

    for course in Course.objects.filter(status="published")[:5]:
        assert client.get(reverse("courses:detail", args=[course.slug])).status_code == 200


def test_the_demo_teacher_has_a_working_calendar_feed(demo_db, client):
    from icalendar import Calendar

    from accounts.demo import seed_calendar_feed

    teacher = User.objects.get(email="teacher1@demo.pdplatform.local")
    token = seed_calendar_feed(teacher)  # the same secret seed_demo set (derived, so it can be printed)
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    kinds = {str(e["UID"]).split("-")[0] for e in Calendar.from_ical(response.content).events}
    assert {"live", "assignment"} <= kinds


def test_a_demo_certificates_open_badge_downloads_and_verifies(demo_db, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cohorts.certificates.demo import badge_example

    certificate = badge_example()
    client.force_login(certificate.enrollment.teacher)
    page = client.get(reverse("cohorts:certificate_page", args=[certificate.enrollment_id]))
    assert page.status_code == 200
    png = client.get(reverse("cohorts:certificate_badge", args=[certificate.enrollment_id, "png"]))
    assert png.status_code == 200
    client.logout()
    response = client.post(
        reverse("certificate_verify_file"), {"credential": SimpleUploadedFile("badge.png", png.content)}
    )
    assert response.status_code == 200
    assert 'data-status="valid"' in response.text
    assert certificate.holder_name in response.text


def test_the_demo_feedback_survey_has_a_vulnerable_aspect_and_three_cohorts_to_compare(demo_db, client):
    survey = Survey.objects.get(title=FEEDBACK_TITLE)
    client.force_login(survey.authors.get())
    cohorts = list(survey.cohorts.values_list("pk", flat=True))
    response = client.get(
        reverse("surveys:results", args=[survey.pk]), {"compare": cohorts, "sort": "negative"}
    )
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [g.hidden for g in comparison.groups] == [False, False, False]
    results = response.context["results"]
    assert [r.question.text for r in results.vulnerable] == ["Время и продолжительность занятий"]
    assert results.likert[0].section.title == "Организация обучения"


def test_the_demo_teacher_has_unread_and_muted_topics(demo_db, client):
    """decision 0381: the demo shows the reading rule: a muted maths topic is in no list and no count."""
    from communities import selectors
    from communities.models import FollowLevel, TopicFollow

    teacher = User.objects.get(email="teacher1@demo.pdplatform.local")
    muted = TopicFollow.objects.select_related("topic").get(user=teacher, level=FollowLevel.MUTED).topic
    assert (
        selectors.unread_topic_count(teacher) == selectors.topics_reading_for(teacher, view="unread").count()
    )
    assert selectors.unread_topic_count(teacher) > 0
    client.force_login(teacher)
    unread = client.get(reverse("communities:unread")).content.decode()
    assert f'data-topic="{muted.pk}"' not in unread
    assert 'class="list-group-item' in unread


def test_the_demo_forum_shows_every_reaction_kind_and_an_edited_post_with_its_history(demo_db, client):
    from communities.models import PostRevision, Reaction, ReactionKind

    kinds = set(Reaction.objects.values_list("kind", flat=True))
    assert kinds == set(ReactionKind.values)
    revision = PostRevision.objects.select_related("post").get(post__topic__community__slug="math-club")
    assert revision.post.edited_at == revision.edited_at and revision.post.body.startswith(revision.body)


def test_the_demo_has_a_full_event_with_a_waiting_list_and_an_event_with_reminders(demo_db, client):
    from communities.demo import FULL_EVENT, REMINDED_EVENT
    from communities.models import Event
    from notifications.models import SentRecord

    full = Event.objects.get(title=FULL_EVENT)
    assert full.registered_count == full.capacity == 3
    assert full.registrations.filter(status="waiting").count() == 2
    client.force_login(full.created_by)
    page = client.get(reverse("communities:event_registrations", args=[full.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    reminded = Event.objects.get(title=REMINDED_EVENT)
    steps = SentRecord.objects.filter(kind="event_reminder", object_id=reminded.pk).values_list(
        "step", flat=True
    )
    assert list(steps) == ["1d"] * 4  # seeded twice, reminded once


def test_the_demo_school_administrators_api_token_reads_their_heat_map(demo_db, client):
    from accounts.demo import seed_api_token
    from accounts.models import ApiToken

    admin = User.objects.get(email="schooladmin1@demo.pdplatform.local")
    secret = seed_api_token(admin, name="Электронный журнал школы", used_days_ago=0)  # what seed_demo set
    assert ApiToken.objects.filter(user=admin).count() == 2
    response = client.get("/api/v1/surveys/heatmap/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200
    schools = {t["school"] for t in response.json()["teachers"]}
    assert schools == {admin.school.name}
