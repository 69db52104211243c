import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


def test_password_reset_by_mail_in_users_language(client):
    user = TeacherFactory(email="forgetful@example.org", preferred_language="uk")
    response = client.post(reverse("account_reset_password"), {"email": "Forgetful@Example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.org"]
    assert "парол" in message.body.lower()  # Ukrainian: пароль
    link = re.search(r"https?://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "N3w-secret-phrase", "password2": "N3w-secret-phrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("N3w-secret-phrase")


def test_password_change_needs_the_old_password(client):
    user = TeacherFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "N3w-secret-phrase", "password2": "N3w-secret-phrase"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("correct-horse-42")
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "correct-horse-42",
            "password1": "N3w-secret-phrase",
            "password2": "N3w-secret-phrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("N3w-secret-phrase")


def test_logout_ends_the_session(client):
    client.force_login(TeacherFactory())
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
