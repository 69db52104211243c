"""Events for organisers in a browser, in Russian: a teacher registers for a full event and is put on the
waiting list; the organiser opens the registration list of that full event and exports it — at 1366 px
and on a phone."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from communities import services
from communities.models import MemberRole, Registration, RegistrationStatus
from tests.communities.factories import CommunityFactory, EventFactory, member
from tests.factories import SchoolFactory, TeacherFactory

pytestmark = pytest.mark.e2e

DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def _full_event():
    club = CommunityFactory(name="Клуб учителей математики", slug="math-events")
    school = SchoolFactory(name="Гимназия № 3")
    organiser = member(
        club,
        TeacherFactory(full_name="Петренко Олена", preferred_language="ru", school=school),
        role=MemberRole.MODERATOR,
    )
    event = EventFactory(
        community=club,
        title="Круглый стол: подготовка к ВПР",
        created_by=organiser,
        capacity=2,
        time_zone="Asia/Yekaterinburg",
        starts_at=timezone.now() + timedelta(days=5),
        place="Онлайн",
    )
    for name in ("Иванова Анна", "Сидоров Пётр"):
        services.event_register(event=event, user=member(club, TeacherFactory(full_name=name, school=school)))
    services.event_register(event=event, user=member(club, TeacherFactory(full_name="Коваль Ирина")))
    return club, organiser, event


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "phone"])
def test_a_teacher_registering_for_a_full_event_is_waitlisted(page, live_server, login_as, shot, viewport):
    club, _organiser, event = _full_event()
    teacher = member(club, TeacherFactory(full_name="Бондаренко Мария", preferred_language="ru"))
    page.set_viewport_size(viewport)
    login_as(teacher)
    page.goto(f"{live_server.url}/communities/e/{event.pk}/")
    assert page.locator("#register").inner_text() == "Встать в лист ожидания"
    page.locator("#register").click()
    page.wait_for_load_state("networkidle")
    assert "вы 2-й в листе ожидания" in page.content()
    assert page.locator("#waiting-position").inner_text() == "Вы 2-й в листе ожидания"
    assert "Екатеринбург (UTC+5)" in page.content()
    assert Registration.objects.get(event=event, user=teacher).status == RegistrationStatus.WAITING
    shot(f"communities-event-waitlisted-{page.viewport_size['width']}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "phone"])
def test_the_organiser_reads_the_registration_list_and_exports_it(
    page, live_server, login_as, shot, viewport
):
    _club, organiser, event = _full_event()
    page.set_viewport_size(viewport)
    login_as(organiser)
    page.goto(f"{live_server.url}/communities/e/{event.pk}/")
    page.locator("#registrations-link").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#registration-summary").inner_text().split() == [
        "занято",
        "2",
        "из",
        "2",
        "мест",
        "·",
        "1",
        "человек",
        "в",
        "ожидании",
    ]
    registered = page.locator("#registered-list").inner_text()
    assert "Иванова Анна" in registered and "Сидоров Пётр" in registered and "Гимназия № 3" in registered
    assert "Коваль Ирина" in page.locator("#waiting-list").inner_text()
    shot(f"communities-event-registrations-{page.viewport_size['width']}")

    with page.expect_download() as info:
        page.locator("#export-csv a.csv-export-main").click()
    text = open(info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [row[1] for row in rows[1:]] == ["Иванова Анна", "Сидоров Пётр", "Коваль Ирина"]
    assert rows[3][3] == "В листе ожидания"

    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    sheet = load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Иванова Анна", "Сидоров Пётр", "Коваль Ирина"]
    assert info.value.suggested_filename == f"event-{event.pk}-registrations.xlsx"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "phone"])
def test_the_organiser_moves_the_event_and_the_registered_are_told(
    page, live_server, login_as, shot, viewport
):
    from notifications.models import Notification

    _club, organiser, event = _full_event()
    page.set_viewport_size(viewport)
    login_as(organiser)
    page.goto(f"{live_server.url}/communities/e/{event.pk}/edit/")
    picker = page.locator("select[name=time_zone]")
    assert picker.locator("optgroup").first.get_attribute("label") == "Наш регион"
    assert picker.locator("option").nth(0).inner_text() == "Москва (UTC+3)"
    assert picker.locator("option:checked").inner_text() == "Екатеринбург (UTC+5)"
    picker.select_option("Europe/Kyiv")
    page.fill("input[name=place]", "Школа № 7, актовый зал")
    shot(f"communities-event-edit-{page.viewport_size['width']}")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "Мероприятие сохранено." in page.content()
    assert "Киев (UTC+2)" in page.content()
    told = Notification.objects.filter(kind="event_changed").values_list("recipient__full_name", flat=True)
    assert sorted(told) == ["Иванова Анна", "Коваль Ирина", "Сидоров Пётр"]
