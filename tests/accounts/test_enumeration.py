"""Attack: find out who has an account by asking the sign-up and password-reset forms."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Ivanova Anna",
    "preferred_language": "ru",
    "password1": "Str0ng-enough-pass",
    "password2": "Str0ng-enough-pass",
}


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(client):
    TeacherFactory(email="known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == reverse("account_reset_password_done")
    assert [m.to for m in mail.outbox] == [["known@example.org"], ["nobody@example.org"]]
    # The unknown address is told there is no account there: only its owner reads that.
    assert "password_reset_url" not in mail.outbox[1].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body
    assert "/accounts/signup/" in mail.outbox[1].body


def test_sign_up_with_a_used_address_looks_like_any_sign_up(client):
    TeacherFactory(email="taken@example.org", preferred_language="uk")
    fresh = client.post(reverse("account_signup"), {**SIGNUP, "email": "fresh@example.org"})
    client.logout()
    taken = client.post(reverse("account_signup"), {**SIGNUP, "email": "TAKEN@Example.org"})
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == reverse("account_email_verification_sent")
    page = client.get(taken["Location"]).content.decode()
    assert "already" not in page
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    # The owner of the used address learns of the attempt by mail, in their own language.
    assert [m.to for m in mail.outbox] == [["fresh@example.org"], ["taken@example.org"]]
    assert "/accounts/password/reset/" in mail.outbox[1].body
    assert "вже існує" in mail.outbox[1].body
