"""Russian first: the site speaks Russian by default, and each person's language is settled at sign-up.

These tests run on the site's real default (`site_language`), not the English test site.
"""

import re

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from cohorts.models import Submission
from cohorts.services import review_submit, submission_submit
from core.i18n import language_from_request, language_of, supported_language
from notifications.models import Notification
from tests.cohorts.factories import AssignmentFactory, CohortFactory, EnrollmentFactory, ModuleFactory
from tests.factories import CuratorFactory, TeacherFactory

pytestmark = [pytest.mark.django_db, pytest.mark.site_language]

SIGNUP = {
    "email": "olga.petrova@example.org",
    "full_name": "Петрова Ольга Ивановна",
    "password1": "Str0ng-enough-pass",
    "password2": "Str0ng-enough-pass",
}
CYRILLIC = re.compile("[а-яёіїєґ]", re.IGNORECASE)


def test_the_sites_default_language_is_russian(settings):
    assert settings.LANGUAGE_CODE == "ru"
    assert User.objects.create_user(email="plain@example.org").preferred_language == "ru"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("uk", "uk"), ("ru-RU", "ru"), ("en-GB", "en"), ("de", "ru"), ("", "ru"), (None, "ru")],
)
def test_only_languages_the_site_speaks_are_stored(code, expected):
    assert supported_language(code) == expected


def test_an_account_cannot_be_without_a_language():
    user = TeacherFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(preferred_language="")


@pytest.mark.parametrize(
    ("accept", "stored"),
    [
        ("uk-UA,uk;q=0.9", "uk"),
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", "ru"),
    ],
)
def test_sign_up_stores_the_language_the_browser_asked_for(client, accept, stored):
    form = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE=accept)
    assert re.search(rf'<option value="{stored}" selected>', form.content.decode())
    response = client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert User.objects.get(email=SIGNUP["email"]).preferred_language == stored


def test_a_language_chosen_on_the_form_wins_over_the_browser(client):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "preferred_language": "uk"}, HTTP_ACCEPT_LANGUAGE="ru-RU,ru"
    )
    assert response.status_code == 302
    assert User.objects.get(email=SIGNUP["email"]).preferred_language == "uk"


def test_the_sign_up_mail_is_russian_and_names_the_platform_not_example_com(client, settings):
    assert Site.objects.get_current().name == settings.SITE_NAME == "pdplatform"
    client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="ru-RU,ru")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "example.com" not in message.subject + message.body
    assert "pdplatform" in message.subject + message.body
    assert "подтвердите" in message.subject
    assert "Confirm" not in message.subject


def test_a_mail_after_sign_up_is_in_the_stored_language_whatever_the_page(client):
    client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="uk")
    mail.outbox.clear()
    # Later the same person asks for a new password from an English browser: the mail stays Ukrainian.
    client.post(reverse("account_reset_password"), {"email": SIGNUP["email"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(mail.outbox) == 1
    assert "Відновлення Пароля" in mail.outbox[0].subject
    assert "Password" not in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "Работа «Эссе о формирующем оценивании» проверена: Принято"),
        ("uk", "Роботу «Эссе о формирующем оценивании» перевірено: Прийнято"),
        ("en", "Your work “Эссе о формирующем оценивании” is reviewed: Accepted"),
    ],
)
def test_a_review_notification_is_in_the_teachers_language(
    language, expected, django_capture_on_commit_callbacks
):
    module = ModuleFactory()
    cohort = CohortFactory(course=module.course)
    assignment = AssignmentFactory(module=module, title="Эссе о формирующем оценивании")
    teacher = TeacherFactory(preferred_language=language)
    enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_submit(enrollment=enrollment, assignment=assignment, text="Мой ответ " * 10)
        review_submit(
            submission=submission,
            reviewer=CuratorFactory(preferred_language="en"),
            decision="accepted",
            score=8,
            comment="Хорошая работа, примеры из практики убедительны.",
        )
    assert Submission.objects.get(pk=submission.pk).state == Submission.State.ACCEPTED
    note = Notification.objects.get(recipient=teacher, kind="review_done")
    assert note.title.startswith(expected)


def test_language_helpers_fall_back_to_the_site_default(rf):
    assert language_of(object()) == "ru"
    assert language_from_request(rf.get("/", HTTP_ACCEPT_LANGUAGE="uk")) == "uk"
    assert language_from_request(rf.get("/", HTTP_ACCEPT_LANGUAGE="fr")) == "ru"
    assert CYRILLIC.search("Русский")
