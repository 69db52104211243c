"""The private calendar feeds: what each address shows, to whom, and that nothing leaks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import CalendarFeed
from accounts.services import calendar_feed_renew, calendar_feed_revoke
from cohorts.models import Enrollment, LiveSession
from communities.models import Registration
from core.ical import sequence_bump_on_change
from tests.cohorts.factories import (
    AssignmentFactory,
    CohortFactory,
    EnrollmentFactory,
    LiveSessionFactory,
    ModuleFactory,
)
from tests.communities.factories import EventFactory, member
from tests.factories import CuratorFactory, TeacherFactory
from tests.mentoring.factories import ActivePairFactory, MeetingFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


def feed(client, token):
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    return Calendar.from_ical(response.content)


def by_uid(cal):
    return {str(e["UID"]).split("@")[0]: e for e in cal.events}


def teacher_world(teacher=None):
    """A teacher with one of everything: a cohort with a past (recorded) and an upcoming session and
    a deadline, a registered community event, a mentoring meeting."""
    teacher = teacher or TeacherFactory()
    cohort = CohortFactory(
        title="Функциональная грамотность", starts_on=date(2030, 3, 1), ends_on=date(2030, 5, 1)
    )
    enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher)
    assignment = AssignmentFactory(module=ModuleFactory(course=cohort.course), title="Эссе", due_days=14)
    past = LiveSessionFactory(
        cohort=cohort,
        title="Вводный вебинар",
        starts_at=datetime(2030, 3, 2, 7, 0, tzinfo=ZoneInfo("UTC")),
        duration_minutes=90,
        recording_url="https://video.example.org/rec1",
    )
    upcoming = LiveSessionFactory(
        cohort=cohort, title="Разбор заданий", starts_at=datetime(2030, 3, 9, 12, 30, tzinfo=ZoneInfo("UTC"))
    )
    event = EventFactory(
        title="Круглый стол",
        online_url="https://meet.example.org/rt",
        time_zone="Asia/Yekaterinburg",
        starts_at=timezone.now() + timedelta(days=5),
    )
    member(event.community, teacher)
    Registration.objects.create(event=event, user=teacher)
    pair = ActivePairFactory(mentee=teacher)
    meeting = MeetingFactory(pair=pair, date=date(2030, 3, 4), notes="Личные заметки пары")
    return {
        "teacher": teacher,
        "cohort": cohort,
        "enrollment": enrollment,
        "assignment": assignment,
        "past": past,
        "upcoming": upcoming,
        "event": event,
        "pair": pair,
        "meeting": meeting,
    }


def test_personal_feed_has_every_entry_in_its_zone(client):
    w = teacher_world()
    token = calendar_feed_renew(user=w["teacher"])
    cal = feed(client, token)
    entries = by_uid(cal)
    c, a = w["cohort"], w["assignment"]
    assert sorted(entries) == sorted(
        [
            f"live-session-{w['past'].pk}",
            f"live-session-{w['upcoming'].pk}",
            f"assignment-{a.pk}-cohort-{c.pk}",
            f"community-event-{w['event'].pk}",
            f"mentoring-meeting-{w['meeting'].pk}",
        ]
    )
    assert {tz.tz_name for tz in cal.timezones} == {"Europe/Moscow", "Asia/Yekaterinburg"}

    past = entries[f"live-session-{w['past'].pk}"]
    assert str(past["SUMMARY"]) == "Вводный вебинар · Функциональная грамотность"
    assert past.start == datetime(2030, 3, 2, 10, 0, tzinfo=MSK)
    assert past.start.tzinfo.key == "Europe/Moscow"
    assert past.end == datetime(2030, 3, 2, 11, 30, tzinfo=MSK)
    assert past["SEQUENCE"] == 0
    assert str(past["LOCATION"]) == "https://meet.example.org/room"
    assert "https://video.example.org/rec1" in str(past["DESCRIPTION"])
    assert str(past["URL"]) == f"http://testserver/learn/my/{w['enrollment'].pk}/"
    upcoming = entries[f"live-session-{w['upcoming'].pk}"]
    assert upcoming.start == datetime(2030, 3, 9, 15, 30, tzinfo=MSK)
    assert "video.example.org" not in str(upcoming["DESCRIPTION"])

    due = entries[f"assignment-{a.pk}-cohort-{c.pk}"]
    assert due.start == date(2030, 3, 15)
    assert due.end == date(2030, 3, 16)
    assert str(due["SUMMARY"]) == "Due: Эссе · Функциональная грамотность"
    assert str(due["URL"]) == f"http://testserver/learn/my/{w['enrollment'].pk}/assignment/{a.pk}/"

    event = entries[f"community-event-{w['event'].pk}"]
    assert event.start.tzinfo.key == "Asia/Yekaterinburg"
    assert event.start == w["event"].starts_at.replace(microsecond=0)
    assert str(event["LOCATION"]) == "https://meet.example.org/rt"

    meeting = entries[f"mentoring-meeting-{w['meeting'].pk}"]
    assert meeting.start == date(2030, 3, 4)
    assert str(meeting["SUMMARY"]) == f"Consultation with {w['pair'].mentor}"
    assert str(meeting["DESCRIPTION"]) == "Held"
    assert "Личные заметки" not in cal.to_ical().decode()  # the pair's notes stay private


def test_changes_raise_sequence_and_keep_the_uid(client):
    w = teacher_world()
    token = calendar_feed_renew(user=w["teacher"])
    before = by_uid(feed(client, token))

    class SessionForm(forms.ModelForm):
        class Meta:
            model = LiveSession
            fields = ["title", "starts_at", "duration_minutes", "link", "recording_url", "checkin_code"]

    session = w["upcoming"]
    data = {
        "title": session.title,
        "starts_at": "2030-03-10 15:30",
        "duration_minutes": 60,
        "link": session.link,
        "recording_url": "",
        "checkin_code": "",
    }
    form = SessionForm(data, instance=session)
    assert form.is_valid()
    sequence_bump_on_change(
        form=form, fields=["title", "starts_at", "duration_minutes", "link", "recording_url"]
    )
    form.save()
    unchanged = SessionForm({**data}, instance=LiveSession.objects.get(pk=session.pk))
    assert unchanged.is_valid()
    sequence_bump_on_change(
        form=unchanged, fields=["title", "starts_at", "duration_minutes", "link", "recording_url"]
    )
    unchanged.save()

    after = by_uid(feed(client, token))
    key = f"live-session-{session.pk}"
    assert after.keys() == before.keys()
    assert after[key]["SEQUENCE"] == 1
    assert after[key].start == datetime(2030, 3, 10, 15, 30, tzinfo=MSK)
    assert str(after[key]["UID"]) == str(before[key]["UID"])


def test_deadline_sequence_follows_cohort_and_assignment(client):
    w = teacher_world()
    token = calendar_feed_renew(user=w["teacher"])
    w["cohort"].sequence = 2
    w["cohort"].save(update_fields=["sequence"])
    w["assignment"].sequence = 1
    w["assignment"].save(update_fields=["sequence"])
    entry = by_uid(feed(client, token))[f"assignment-{w['assignment'].pk}-cohort-{w['cohort'].pk}"]
    assert entry["SEQUENCE"] == 3


# --- attacks ----------------------------------------------------------------------------------------


def test_anothers_token_shows_only_its_owner_and_nothing_of_mine(client):
    mine = teacher_world()
    theirs = teacher_world()
    my_token = calendar_feed_renew(user=mine["teacher"])
    their_token = calendar_feed_renew(user=theirs["teacher"])
    mine_uids = set(by_uid(feed(client, my_token)))
    their_uids = set(by_uid(feed(client, their_token)))
    assert len(mine_uids) == 5
    assert len(their_uids) == 5
    assert mine_uids.isdisjoint(their_uids)
    # Signed in as me, the other person's address still shows only theirs (the secret decides, not the session).
    client.force_login(mine["teacher"])
    assert set(by_uid(feed(client, their_token))) == their_uids


@pytest.mark.parametrize("how", ["revoked", "renewed", "forged", "deactivated", "empty-ish"])
def test_dead_tokens_get_404_and_no_calendar(client, how):
    w = teacher_world()
    token = calendar_feed_renew(user=w["teacher"])
    if how == "revoked":
        assert calendar_feed_revoke(user=w["teacher"]) is True
    elif how == "renewed":
        calendar_feed_renew(user=w["teacher"])
    elif how == "forged":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif how == "deactivated":
        w["teacher"].is_active = False
        w["teacher"].save(update_fields=["is_active"])
    else:
        token = "-"
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content
    assert "Функциональная".encode() not in response.content


def test_no_token_gets_404(client):
    teacher_world()
    assert client.get("/calendar/.ics").status_code == 404
    assert client.get("/calendar//cohort/1.ics").status_code == 404


def test_the_hash_is_stored_not_the_secret():
    teacher = TeacherFactory()
    token = calendar_feed_renew(user=teacher)
    row = CalendarFeed.objects.get(user=teacher)
    assert row.token_hash == CalendarFeed.hash_of(token)
    assert token not in row.token_hash
    assert len(token) == 43


def test_cohort_feed_for_its_curator_only(client):
    curator = CuratorFactory()
    run = CohortFactory(
        curators=[curator], title="Моя группа", starts_on=date(2030, 3, 1), ends_on=date(2030, 5, 1)
    )
    other = CohortFactory(title="Чужая группа")
    session = LiveSessionFactory(cohort=run, starts_at=datetime(2030, 3, 3, 9, 0, tzinfo=ZoneInfo("UTC")))
    LiveSessionFactory(cohort=other, title="Чужой вебинар")
    assignment = AssignmentFactory(module=ModuleFactory(course=run.course), due_days=7)
    token = calendar_feed_renew(user=curator)

    ok = client.get(reverse("calendar_cohort_feed", args=[token, run.pk]))
    assert ok.status_code == 200
    cal = Calendar.from_ical(ok.content)
    entries = by_uid(cal)
    assert sorted(entries) == sorted(
        [f"live-session-{session.pk}", f"assignment-{assignment.pk}-cohort-{run.pk}"]
    )
    assert entries[f"live-session-{session.pk}"].start == datetime(2030, 3, 3, 12, 0, tzinfo=MSK)
    assert entries[f"assignment-{assignment.pk}-cohort-{run.pk}"].start == date(2030, 3, 8)
    assert str(cal["X-WR-CALNAME"]) == "Моя группа"

    denied = client.get(reverse("calendar_cohort_feed", args=[token, other.pk]))
    assert denied.status_code == 404
    assert "Чужой".encode() not in denied.content


def test_a_teacher_cannot_read_their_cohorts_curator_feed(client):
    w = teacher_world()
    token = calendar_feed_renew(user=w["teacher"])
    response = client.get(reverse("calendar_cohort_feed", args=[token, w["cohort"].pk]))
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_withdrawn_teacher_and_unregistered_event_leave_the_feed(client):
    w = teacher_world()
    token = calendar_feed_renew(user=w["teacher"])
    Enrollment.objects.filter(pk=w["enrollment"].pk).update(state=Enrollment.State.WITHDRAWN)
    Registration.objects.filter(user=w["teacher"]).delete()
    assert sorted(by_uid(feed(client, token))) == [f"mentoring-meeting-{w['meeting'].pk}"]


# --- query counts -----------------------------------------------------------------------------------


def _grow(teacher, n):
    for _i in range(n):
        teacher_world(teacher)


@pytest.mark.parametrize("size", [1, 4])
def test_personal_feed_queries_do_not_grow(client, django_assert_num_queries, size):
    teacher = TeacherFactory()
    _grow(teacher, size)
    token = calendar_feed_renew(user=teacher)
    with django_assert_num_queries(6):
        cal = feed(client, token)
    assert len(cal.events) == 5 * size


@pytest.mark.parametrize("size", [1, 4])
def test_cohort_feed_queries_do_not_grow(client, django_assert_num_queries, size):
    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator])
    module = ModuleFactory(course=cohort.course)
    for _i in range(size):
        LiveSessionFactory(cohort=cohort)
        AssignmentFactory(module=module)
    token = calendar_feed_renew(user=curator)
    with django_assert_num_queries(4):
        response = client.get(reverse("calendar_cohort_feed", args=[token, cohort.pk]))
    assert len(Calendar.from_ical(response.content).events) == 2 * size


# --- the page ---------------------------------------------------------------------------------------


def test_page_makes_shows_once_renews_and_revokes_with_confirmation(client):
    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator], title="Группа куратора")
    client.force_login(curator)
    page = client.get(reverse("calendar"))
    assert page.status_code == 200
    assert "You have no calendar address yet." in page.content.decode()
    assert client.get(reverse("calendar_revoke")).status_code == 302

    made = client.post(reverse("calendar_renew"), follow=True)
    assert made.status_code == 200
    html = made.content.decode()
    token = made.context["token"]
    assert f"/calendar/{token}.ics" in html
    assert f"/calendar/{token}/cohort/{cohort.pk}.ics" in html
    again = client.get(reverse("calendar")).content.decode()
    assert token not in again
    assert "Get a new address" in again

    confirm = client.get(reverse("calendar_renew"))
    assert confirm.status_code == 200
    assert "The current address stops working at once" in confirm.content.decode()
    assert CalendarFeed.objects.get(user=curator).token_hash == CalendarFeed.hash_of(token)

    client.post(reverse("calendar_renew"))
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404

    confirm = client.get(reverse("calendar_revoke"))
    assert confirm.status_code == 200
    assert "Yes, turn it off" in confirm.content.decode()
    assert CalendarFeed.objects.filter(user=curator).count() == 1
    client.post(reverse("calendar_revoke"))
    assert CalendarFeed.objects.filter(user=curator).count() == 0


def test_profile_shows_the_feed_state(client):
    teacher = TeacherFactory()
    client.force_login(teacher)
    assert "Set up a calendar feed" in client.get(reverse("profile_edit")).content.decode()
    calendar_feed_renew(user=teacher)
    html = client.get(reverse("profile_edit")).content.decode()
    assert "Your calendar address is on since" in html
    assert reverse("calendar_revoke") in html


def test_pages_need_sign_in(client):
    for name in ("calendar", "calendar_renew", "calendar_revoke"):
        assert client.get(reverse(name)).status_code == 302
    assert client.post(reverse("calendar_renew")).status_code == 302
    assert CalendarFeed.objects.count() == 0


def test_the_curators_cohort_page_points_to_the_calendar_page(client):
    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator])
    client.force_login(curator)
    html = client.get(reverse("cohorts:curate_cohort", args=[cohort.pk])).content.decode()
    assert f'href="{reverse("calendar")}"' in html


@pytest.mark.parametrize(
    ("language", "kind"), [("ru", "Консультация"), ("uk", "Консультація"), ("en", "Consultation")]
)
def test_the_feed_speaks_its_owners_language_whoever_fetches_it(client, language, kind):
    w = teacher_world()
    w["teacher"].preferred_language = language
    w["teacher"].save(update_fields=["preferred_language"])
    token = calendar_feed_renew(user=w["teacher"])
    response = client.get(
        reverse("calendar_feed", args=[token]), HTTP_ACCEPT_LANGUAGE="en" if language != "en" else "ru"
    )
    entry = by_uid(Calendar.from_ical(response.content))[f"mentoring-meeting-{w['meeting'].pk}"]
    assert str(entry["SUMMARY"]).startswith(kind)
