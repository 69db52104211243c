"""An author opens a general survey's non-respondents from its admin page, filters them by school, reminds
them now (after a confirmation page), and a second click says nothing more was sent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import SentRecord
from surveys.models import Participation
from tests.factories import MethodologistFactory, SchoolFactory, TeacherFactory
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.e2e


def test_author_sees_non_respondents_and_reminds_them_now(page, live_server, login_as, shot):
    author = MethodologistFactory(full_name="Мария Методистова", preferred_language="ru")
    now = timezone.now()
    survey = SurveyFactory(
        title="Цифровая образовательная среда школы",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=14),
        authors=[author],
    )
    lyceum, gymnasium = SchoolFactory(name="Лицей № 7"), SchoolFactory(name="Гимназия № 3")
    TeacherFactory(full_name="Анна Сергеевна Белова", school=lyceum, preferred_language="ru")
    TeacherFactory(full_name="Олександр Петренко", school=gymnasium, preferred_language="uk")
    TeacherFactory(full_name="Ирина Викторовна Ким", school=gymnasium, preferred_language="ru")
    answered = TeacherFactory(full_name="Павел Орлов", school=lyceum)
    Participation.objects.create(survey=survey, user=answered, submitted_on=timezone.localdate())

    login_as(author)
    page.set_viewport_size({"width": 1366, "height": 860})
    page.goto(f"{live_server.url}/admin/surveys/survey/{survey.pk}/change/")
    page.locator("#non-respondents-link").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#non-respondents-count").inner_text() == "3"
    names = page.locator("#non-respondents tbody tr td:first-child").all_inner_texts()
    assert names == ["Ирина Викторовна Ким", "Олександр Петренко", "Анна Сергеевна Белова"]
    assert "Павел Орлов" not in page.content()
    shot("surveys-follow-up-list")

    page.locator("#id_school").select_option(str(lyceum.pk))
    page.locator("#non-respondents-filter button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#non-respondents tbody tr td:first-child").all_inner_texts() == [
        "Анна Сергеевна Белова"
    ]

    page.locator("#remind-now").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#remind-confirm-count").inner_text().startswith("3 ")
    assert SentRecord.objects.filter(kind="survey_reminder").count() == 0  # nothing before confirming
    shot("surveys-follow-up-confirm")
    page.locator("#confirm-remind").click()
    page.wait_for_load_state("networkidle")
    assert "отправляется 3 людям" in page.locator(".alert-success").inner_text()
    assert SentRecord.objects.filter(kind="survey_reminder").count() == 3
    assert "Шаг «3 дня после открытия»: ещё не получили напоминание 0 человек." in page.content()
    shot("surveys-follow-up-reminded")

    page.locator("#remind-now").click()
    page.locator("#confirm-remind").click()
    page.wait_for_load_state("networkidle")
    assert "Ничего не отправлено" in page.locator(".alert-info").inner_text()
    assert SentRecord.objects.filter(kind="survey_reminder").count() == 3

    page.set_viewport_size({"width": 390, "height": 844})
    shot("surveys-follow-up-phone")


def test_an_anonymous_survey_shows_its_author_a_count_and_no_names(page, live_server, login_as, shot):
    author = MethodologistFactory(full_name="Мария Методистова", preferred_language="ru")
    survey = SurveyFactory(
        title="Климат в педагогическом коллективе",
        is_anonymous=True,
        opens_at=timezone.now() - timedelta(days=1),
        authors=[author],
    )
    TeacherFactory(full_name="Анна Сергеевна Белова")
    answered = TeacherFactory(full_name="Павел Орлов")
    Participation.objects.create(survey=survey, user=answered, submitted_on=timezone.localdate())

    login_as(author)
    page.set_viewport_size({"width": 1366, "height": 860})
    page.goto(f"{live_server.url}/surveys/{survey.pk}/non-respondents/")
    assert page.locator("#non-respondents-count").inner_text() == "1"
    assert page.locator("#anonymous-note").is_visible()
    assert page.locator("#non-respondents").count() == 0
    content = page.content()
    assert "Анна Сергеевна Белова" not in content
    assert "Павел Орлов" not in content
    shot("surveys-follow-up-anonymous")
