import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.factories import SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.teacher@example.org",
    "full_name": "Ivanova Anna",
    "preferred_language": "ru",
    "password1": "Str0ng-enough-pass",
    "password2": "Str0ng-enough-pass",
}


def test_signup_sends_verification_mail_and_verifying_allows_login(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="new.teacher@example.org")
    assert user.full_name == "Ivanova Anna"
    assert user.preferred_language == "ru"
    assert list(user.groups.values_list("name", flat=True)) == [Role.TEACHER]
    assert len(mail.outbox) == 1
    # The mail is in the new user's language.
    assert "Подтвер" in mail.outbox[0].subject or "подтвер" in mail.outbox[0].body
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    # Not verified yet: logging in does not give a session.
    client.logout()
    client.post(
        reverse("account_login"), {"login": "new.teacher@example.org", "password": SIGNUP["password1"]}
    )
    assert not EmailAddress.objects.get(email="new.teacher@example.org").verified
    confirm = client.post(path)
    assert confirm.status_code == 302
    assert EmailAddress.objects.get(email="new.teacher@example.org").verified
    response = client.post(
        reverse("account_login"), {"login": "NEW.Teacher@example.org", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert client.get(reverse("cabinet")).status_code in (200, 302)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signup_with_used_email_in_other_case_makes_no_second_account(client):
    """The page does not say the address is used (tests/accounts/test_enumeration.py); its owner gets a mail."""
    TeacherFactory(email="taken@example.org")
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "TAKEN@Example.org"})
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert [m.to for m in mail.outbox] == [["taken@example.org"]]


def test_signup_with_weak_password_is_refused_in_users_language(client):
    response = client.post(
        reverse("account_signup"),
        {**SIGNUP, "password1": "12345678", "password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert "слишком" in response.content.decode().lower()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_signup_with_unknown_language_is_refused(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "preferred_language": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["preferred_language"]
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_login_brute_force_is_slowed(client):
    TeacherFactory(email="victim@example.org")
    limited = []
    for _ in range(7):
        response = client.post(
            reverse("account_login"), {"login": "victim@example.org", "password": "wrong-one"}
        )
        limited.append("Too many failed login attempts" in response.content.decode())
    assert limited[0] is False
    assert limited[-1] is True
    # Even the right password is refused while the limit holds.
    response = client.post(
        reverse("account_login"), {"login": "victim@example.org", "password": "correct-horse-42"}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_school_admin_cannot_sign_up_as_admin_role(client):
    """Sign-up only ever makes teachers; other roles are given in the admin."""
    SchoolFactory()
    client.post(reverse("account_signup"), SIGNUP)
    user = User.objects.get(email=SIGNUP["email"])
    assert set(user.groups.values_list("name", flat=True)) == {Role.TEACHER}
    assert not user.is_staff
