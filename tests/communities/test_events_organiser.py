"""Events for organisers (issue 20, item 9): the registration list and its export, the waiting list and
its promotion, reminders a day and an hour before (once each), editing that tells the registered and
moves their calendar entry (SEQUENCE), and the time-zone picker with the region's zones first.

Each guarantee is played as the attack or the bad input it stops."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar
from openpyxl import load_workbook

from communities import services
from communities.forms import EventForm
from communities.models import Event, MemberRole, Registration, RegistrationStatus
from communities.reminders import event_reminders_due
from notifications.models import Notification, SentRecord
from notifications.services import preference_set, reminder_rule_run
from tests.communities.factories import CommunityFactory, EventFactory, member
from tests.factories import SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

WAITING, REGISTERED = RegistrationStatus.WAITING, RegistrationStatus.REGISTERED


def full_event(capacity=1, waiting=2, **kwargs):
    """An event with its places taken and `waiting` people queued, in that order."""
    club = kwargs.pop("community", None) or CommunityFactory()
    organiser = member(club, role=MemberRole.MODERATOR)
    event = EventFactory(community=club, capacity=capacity, created_by=organiser, **kwargs)
    placed = [member(club) for _ in range(capacity)]
    queued = [member(club) for _ in range(waiting)]
    for person in [*placed, *queued]:
        services.event_register(event=event, user=person)
    event.refresh_from_db()
    return event, organiser, placed, queued


def statuses(event):
    return list(
        Registration.objects.filter(event=event).order_by("created_at", "pk").values_list("user_id", "status")
    )


# --- the waiting list ------------------------------------------------------------------------------


def test_registering_when_full_queues_in_order_and_takes_no_place():
    event, _organiser, [first], [second, third] = full_event(capacity=1, waiting=2)
    assert statuses(event) == [(first.pk, REGISTERED), (second.pk, WAITING), (third.pk, WAITING)]
    assert event.registered_count == 1
    from communities import selectors

    assert selectors.event_registration_of(third, event)[1] == 2
    assert selectors.event_registration_of(second, event)[1] == 1
    assert selectors.event_registration_of(first, event)[1] is None
    # asking twice keeps one's turn
    services.event_register(event=event, user=second)
    assert selectors.event_registration_of(second, event)[1] == 1


def test_a_cancellation_promotes_the_first_waiting_and_tells_them_in_their_language(
    django_capture_on_commit_callbacks,
):
    event, _organiser, [first], [second, third] = full_event(capacity=1, waiting=2)
    second.preferred_language = "uk"
    second.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.event_unregister(event=event, user=first)
    event.refresh_from_db()
    assert statuses(event) == [(second.pk, REGISTERED), (third.pk, WAITING)]
    assert event.registered_count == 1
    promoted = Registration.objects.get(event=event, user=second)
    assert promoted.promoted_at is not None
    [note] = Notification.objects.filter(recipient=second, kind="event_place")
    assert note.title == f"Для вас звільнилося місце: {event.title}"
    assert note.url == reverse("communities:event", args=[event.pk])
    assert Notification.objects.filter(recipient=third).count() == 0


def test_leaving_the_waiting_list_frees_no_place_and_moves_the_queue_up():
    event, _organiser, [first], [second, third] = full_event(capacity=1, waiting=2)
    services.event_unregister(event=event, user=second)
    event.refresh_from_db()
    assert statuses(event) == [(first.pk, REGISTERED), (third.pk, WAITING)]
    assert event.registered_count == 1
    from communities import selectors

    assert selectors.event_registration_of(third, event)[1] == 1


def test_more_places_promote_the_queue_in_order(django_capture_on_commit_callbacks):
    event, organiser, [first], queued = full_event(capacity=1, waiting=3)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.event_update(event=event, by=organiser, capacity=3)
    assert statuses(event) == [
        (first.pk, REGISTERED),
        (queued[0].pk, REGISTERED),
        (queued[1].pk, REGISTERED),
        (queued[2].pk, WAITING),
    ]
    event.refresh_from_db()
    assert event.registered_count == 3
    assert set(Notification.objects.filter(kind="event_place").values_list("recipient_id", flat=True)) == {
        queued[0].pk,
        queued[1].pk,
    }


def test_the_database_refuses_a_bad_status_a_promoted_waiter_and_overbooking():
    event, _organiser, [first], [second] = full_event(capacity=1, waiting=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(user=second).update(status="vip")
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(user=second).update(promoted_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(registered_count=2)


def test_a_waiting_person_gets_no_join_link_and_no_feed_entry(client):
    event, _organiser, _placed, [waiting] = full_event(
        capacity=1, waiting=1, online_url="https://meet.example.org/secret"
    )
    client.force_login(waiting)
    page = client.get(reverse("communities:event", args=[event.pk])).content.decode()
    assert "meet.example.org/secret" not in page
    assert "You are number 1 on the waiting list" in page
    ics = client.get(reverse("communities:event_ics", args=[event.pk])).content.decode()
    assert "meet.example.org/secret" not in ics
    from communities import selectors

    assert list(selectors.events_registered_by(waiting)) == []


def test_the_page_tells_a_teacher_they_are_waitlisted(client):
    event, _organiser, _placed, _queued = full_event(capacity=1, waiting=1)
    late = member(event.community)
    client.force_login(late)
    page = client.get(reverse("communities:event", args=[event.pk])).content.decode()
    assert "Join the waiting list" in page
    response = client.post(reverse("communities:event", args=[event.pk]), {"action": "register"}, follow=True)
    assert "you are number 2 on the waiting list" in response.content.decode()
    assert Registration.objects.get(event=event, user=late).status == WAITING


def test_the_api_says_waiting_when_full(client):
    event, _organiser, _placed, _queued = full_event(capacity=1, waiting=0)
    late = member(event.community)
    client.force_login(late)
    response = client.post(f"/api/v1/community-events/{event.pk}/register/")
    assert response.status_code == 200
    assert response.json() == {"registered": False, "waiting": True}


# --- the registration list and its export ----------------------------------------------------------


def test_only_the_organiser_and_moderators_see_the_list_and_its_export(client):
    club = CommunityFactory(is_closed=True)
    event, organiser, _placed, _queued = full_event(capacity=1, waiting=1, community=club)
    url = reverse("communities:event_registrations", args=[event.pk])
    client.force_login(member(club))  # a plain member of the community
    for query in ("", "?export=csv", "?export=xlsx"):
        assert client.get(url + query).status_code == 403
    assert client.get(reverse("communities:event_edit", args=[event.pk])).status_code == 403
    client.force_login(TeacherFactory())  # an outsider of the closed community: the event does not exist
    for query in ("", "?export=csv", "?export=xlsx"):
        assert client.get(url + query).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    assert client.get(url + "?export=pdf").status_code == 400


def test_an_organiser_who_is_no_moderator_runs_their_own_event_only(client):
    club = CommunityFactory()
    organiser = member(club)
    own = EventFactory(community=club, created_by=organiser)
    other = EventFactory(community=club)
    client.force_login(organiser)
    assert client.get(reverse("communities:event_registrations", args=[own.pk])).status_code == 200
    assert client.get(reverse("communities:event_registrations", args=[other.pk])).status_code == 403


def test_the_list_shows_both_queues_in_order(client):
    event, organiser, [first], [second, third] = full_event(capacity=1, waiting=2)
    client.force_login(organiser)
    page = client.get(reverse("communities:event_registrations", args=[event.pk])).content.decode()
    registered = page[page.index('id="registered-list"') : page.index('id="waiting-list"')]
    waiting = page[page.index('id="waiting-list"') :]
    assert first.full_name in registered and second.full_name not in registered
    assert waiting.index(second.full_name) < waiting.index(third.full_name)
    assert "1 of 1 places taken" in page and "2 people waiting" in page
    assert first.email not in page


def test_an_empty_list_says_so(client):
    club = CommunityFactory()
    organiser = member(club, role=MemberRole.MODERATOR)
    event = EventFactory(community=club, created_by=organiser)
    client.force_login(organiser)
    page = client.get(reverse("communities:event_registrations", args=[event.pk])).content.decode()
    assert 'id="registered-empty"' in page and 'id="waiting-empty"' in page


def test_the_csv_export_is_for_a_russian_excel_and_runs_no_formula(client):
    club = CommunityFactory()
    event, organiser, [first], [second] = full_event(capacity=1, waiting=1, community=club)
    first.full_name = '=HYPERLINK("http://evil.example")'
    first.school = SchoolFactory(name="Лицей № 2")
    first.save()
    organiser.preferred_language = "ru"
    organiser.save(update_fields=["preferred_language"])
    client.force_login(organiser)
    response = client.get(reverse("communities:event_registrations", args=[event.pk]) + "?export=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}-registrations.csv"'
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[1][:4] == ["1", '\'=HYPERLINK("http://evil.example")', "Лицей № 2", "Записан"]
    assert rows[2][:5] == ["1", second.full_name, second.school.name, "В листе ожидания", "1"]
    assert len(rows) == 3
    assert first.email not in text
    translation.deactivate()


def test_the_xlsx_export_has_both_queues(client):
    event, organiser, [first], [second, third] = full_event(capacity=1, waiting=2)
    client.force_login(organiser)
    response = client.get(reverse("communities:event_registrations", args=[event.pk]) + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("No.", "Name", "School", "Status", "Place on the waiting list", "Asked at")
    assert [(r[0], r[1], r[3], r[4]) for r in rows[1:]] == [
        (1, first.full_name, "Holds a place", None),
        (1, second.full_name, "On the waiting list", 1),
        (2, third.full_name, "On the waiting list", 2),
    ]


def test_the_exports_take_the_chosen_delimiter_and_keep_formula_text_as_text(client):
    """A name like a formula is a string cell in XLSX (shown as typed, no apostrophe); `?sep=` picks the
    CSV delimiter and an unknown one is refused with the message, in the reader's language."""
    event, organiser, [first], _queued = full_event(capacity=1, waiting=1)
    first.full_name = "=1+2"
    first.save(update_fields=["full_name"])
    organiser.preferred_language = "ru"
    organiser.save(update_fields=["preferred_language"])
    client.force_login(organiser)
    url = reverse("communities:event_registrations", args=[event.pk])
    sheet = load_workbook(io.BytesIO(b"".join(client.get(url + "?export=xlsx").streaming_content))).active
    cell = sheet["B2"]
    assert (cell.data_type, cell.value) == ("s", "=1+2")
    text = b"".join(client.get(url + "?export=csv&sep=comma").streaming_content).decode()
    assert text.splitlines()[1].split(",")[1] == "'=1+2"
    response = client.get(url + "?export=csv&sep=tab")
    assert response.status_code == 400
    assert "Неизвестный разделитель CSV" in response.content.decode()


@pytest.mark.parametrize("waiting", [2, 12])
def test_the_list_page_costs_the_same_whatever_its_length(client, waiting, django_assert_max_num_queries):
    event, organiser, _placed, _queued = full_event(capacity=3, waiting=waiting)
    client.force_login(organiser)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("communities:event_registrations", args=[event.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(reverse("communities:event_registrations", args=[event.pk]) + "?export=xlsx")
        assert response.status_code == 200


# --- reminders ------------------------------------------------------------------------------------


def test_reminders_go_a_day_and_an_hour_before_exactly_once_each():
    start = timezone.now() + timedelta(days=2)
    event, _organiser, placed, [waiting] = full_event(capacity=2, waiting=1, starts_at=start)
    placed[0].preferred_language = "ru"
    placed[0].save(update_fields=["preferred_language"])
    rule = "communities.reminders.event_reminders_due"
    assert reminder_rule_run(rule=rule, now=start - timedelta(hours=25)) == 0  # too early
    day_before = start - timedelta(hours=23)
    assert reminder_rule_run(rule=rule, now=day_before) == 2
    assert reminder_rule_run(rule=rule, now=day_before) == 0  # the sweep ran twice: nothing twice
    assert reminder_rule_run(rule=rule, now=day_before + timedelta(hours=5)) == 0
    hour_before = start - timedelta(minutes=50)
    assert reminder_rule_run(rule=rule, now=hour_before) == 2
    assert reminder_rule_run(rule=rule, now=hour_before + timedelta(minutes=5)) == 0
    assert reminder_rule_run(rule=rule, now=start + timedelta(minutes=1)) == 0  # started: nothing more
    steps = sorted(SentRecord.objects.filter(kind="event_reminder").values_list("recipient_id", "step"))
    assert steps == sorted([(p.pk, s) for p in placed for s in ("1d", "1h")])
    assert not Notification.objects.filter(recipient=waiting).exists()
    titles = sorted(Notification.objects.filter(recipient=placed[0]).values_list("title", flat=True))
    assert titles == sorted(
        [f"Начнётся в течение 24 часов: {event.title}", f"Начнётся в течение часа: {event.title}"]
    )
    assert ", Москва (UTC+3)" in Notification.objects.filter(recipient=placed[0]).first().body


def test_a_late_registration_gets_only_the_hour_reminder_and_preferences_are_obeyed():
    start = timezone.now() + timedelta(minutes=40)
    club = CommunityFactory()
    event = EventFactory(community=club, starts_at=start)
    late, silent = member(club), member(club)
    preference_set(user=silent, kind="event_reminder", delivery="off")
    for person in (late, silent):
        services.event_register(event=event, user=person)
    assert reminder_rule_run(rule="communities.reminders.event_reminders_due") == 2
    assert list(
        Notification.objects.filter(kind="event_reminder").values_list("recipient_id", flat=True)
    ) == [late.pk]
    assert list(SentRecord.objects.filter(recipient=late).values_list("step", flat=True)) == ["1h"]


def test_the_reminder_rule_reads_in_one_query(django_assert_num_queries):
    start = timezone.now() + timedelta(hours=3)
    full_event(capacity=5, waiting=2, starts_at=start)
    with django_assert_num_queries(1):
        assert len(list(event_reminders_due(timezone.now()))) == 5


def test_the_beat_runs_the_event_reminders(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["communities-event-reminders"]
    assert entry["task"] == "notifications.tasks.reminder_sweep"
    assert entry["args"] == ["communities.reminders.event_reminders_due"]


# --- editing --------------------------------------------------------------------------------------


def edit_data(event, **changes):
    data = {k: ("" if v is None else v) for k, v in EventForm.initial_for(event).items()}
    data.update(changes)
    return data


def test_editing_the_time_tells_the_registered_and_moves_their_calendar(
    client, django_capture_on_commit_callbacks
):
    event, organiser, [first], [second] = full_event(capacity=1, waiting=1)
    first.preferred_language = "ru"
    first.save(update_fields=["preferred_language"])
    client.force_login(organiser)
    url = reverse("communities:event_edit", args=[event.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            edit_data(
                event, starts_at="2030-05-20T10:00", ends_at="2030-05-20T11:30", time_zone="Europe/Kyiv"
            ),
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:event", args=[event.pk])
    event.refresh_from_db()
    assert event.starts_at.isoformat() == "2030-05-20T07:00:00+00:00"
    assert event.sequence == 1
    [note] = Notification.objects.filter(recipient=first, kind="event_changed")
    assert note.title == f"Мероприятие «{event.title}» изменилось"
    assert "20.05.2030 10:00–11:30, Киев (UTC+2)" in note.body
    assert Notification.objects.filter(recipient=second, kind="event_changed").count() == 1
    client.force_login(first)
    [entry] = Calendar.from_ical(client.get(reverse("communities:event_ics", args=[event.pk])).content).events
    assert entry["SEQUENCE"] == 1
    # the task retried: nobody is told twice
    from communities.tasks import event_changed_notify

    event_changed_notify(event.pk, 1)
    assert Notification.objects.filter(kind="event_changed").count() == 2


def test_a_new_description_alone_bumps_the_calendar_but_tells_nobody(django_capture_on_commit_callbacks):
    event, organiser, _placed, _queued = full_event(capacity=1, waiting=1)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.event_update(event=event, by=organiser, description="Возьмите **тетради**")
    assert event.sequence == 1
    assert Notification.objects.filter(kind="event_changed").count() == 0


def test_a_bad_edit_changes_nothing_and_says_why(client):
    event, organiser, _placed, _queued = full_event(capacity=2, waiting=0)
    client.force_login(organiser)
    url = reverse("communities:event_edit", args=[event.pk])
    before = Event.objects.values().get(pk=event.pk)
    response = client.post(url, edit_data(event, capacity="1", title="Новое название"))
    assert response.status_code == 200
    assert "2 people are already registered; the limit cannot be lower." in response.content.decode()
    response = client.post(url, edit_data(event, time_zone="Mars/Olympus"))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert Event.objects.values().get(pk=event.pk) == before


def test_a_member_cannot_edit_through_the_service():
    event, _organiser, [first], _queued = full_event(capacity=1, waiting=0)
    with pytest.raises(services.CommunityError):
        services.event_update(event=event, by=first, title="Захвачено")


# --- the time-zone picker -------------------------------------------------------------------------


def test_the_picker_lists_the_region_first_readably_then_every_zone_grouped():
    with translation.override("ru"):
        choices = list(EventForm().fields["time_zone"].choices)
    region_name, region = choices[0]
    assert region_name == "Наш регион"
    assert [name for name, _label in region[:4]] == [
        "Europe/Moscow",
        "Europe/Kyiv",
        "Europe/Minsk",
        "Europe/Kaliningrad",
    ]
    assert dict(region)["Europe/Moscow"] == "Москва (UTC+3)"
    assert dict(region)["Asia/Yekaterinburg"] == "Екатеринбург (UTC+5)"
    groups = [name for name, _zones in choices[1:]]
    assert groups == sorted(groups) and "Europe" in groups and "America" in groups
    listed = [name for _group, zones in choices for name, _label in zones]
    assert len(listed) == len(set(listed))
    assert "Africa/Abidjan" in listed and listed.index("Africa/Abidjan") == len(region)
    with translation.override("uk"):
        assert dict(list(EventForm().fields["time_zone"].choices)[0][1])["Europe/Kyiv"] == "Київ (UTC+2)"


def test_the_event_page_shows_the_zone_by_name(client):
    club = CommunityFactory()
    event = EventFactory(community=club, time_zone="Asia/Yekaterinburg")
    client.force_login(member(club))
    assert (
        "Yekaterinburg (UTC+5)" in client.get(reverse("communities:event", args=[event.pk])).content.decode()
    )


def test_the_events_list_and_the_cabinet_say_waiting_not_registered(client):
    event, _organiser, _placed, [waiting] = full_event(capacity=1, waiting=1)
    client.force_login(waiting)
    for url in (reverse("communities:events", args=[event.community.slug]), reverse("communities:list")):
        page = client.get(url).content.decode()
        item = page[page.index(event.title) :]
        item = item[: item.index("</div>")]
        assert "On the waiting list" in item and "Registered" not in item


@pytest.mark.parametrize("size", [1, 10])
def test_the_event_page_costs_the_same_whatever_the_queue(client, size, django_assert_max_num_queries):
    event, organiser, _placed, queued = full_event(capacity=size, waiting=size)
    for person in (organiser, queued[-1]):
        client.force_login(person)
        with django_assert_max_num_queries(16):
            assert client.get(reverse("communities:event", args=[event.pk])).status_code == 200


def test_the_admin_cannot_change_the_limit_behind_the_waiting_list(admin_client):
    event, _organiser, _placed, _queued = full_event(capacity=1, waiting=1)
    page = admin_client.get(reverse("admin:communities_event_change", args=[event.pk])).content.decode()
    assert 'name="capacity"' not in page
    assert 'name="capacity"' in admin_client.get(reverse("admin:communities_event_add")).content.decode()


def test_a_cancellation_after_the_event_promotes_nobody():
    event, organiser, [first], [second] = full_event(capacity=1, waiting=1)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    services.event_unregister(event=event, user=first)
    services.event_update(
        event=Event.objects.get(pk=event.pk), by=organiser, recording_url="https://v.example.org/1"
    )
    assert statuses(event) == [(second.pk, WAITING)]
    assert Notification.objects.filter(kind="event_place").count() == 0
