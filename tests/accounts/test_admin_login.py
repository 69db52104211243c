"""The admin's sign-in is allauth's: the same per-account and per-IP limits, the same lockout, then MFA."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import CuratorFactory, SuperuserFactory, TeacherFactory

pytestmark = pytest.mark.django_db

LOCKOUT = "Too many failed login attempts"


def test_admin_login_form_does_not_take_passwords_past_the_failed_login_limit(client):
    """Attack: guess a curator's password on /admin/login/, where allauth's limits did not count."""
    curator = CuratorFactory(email="curator@example.org")
    admin_login = reverse("admin:login")
    for _ in range(11):
        client.post(admin_login, {"username": curator.email, "password": "wrong-guess", "next": "/admin/"})
    response = client.post(
        admin_login, {"username": curator.email, "password": "correct-horse-42", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_goes_through_allauth_and_its_lockout(client):
    curator = CuratorFactory(email="curator@example.org")
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain == [
        ("/admin/login/?next=/admin/", 302),
        ("/accounts/login/?next=%2Fadmin%2F", 302),
    ]
    login_url = response.redirect_chain[-1][0]
    for _ in range(11):
        response = client.post(login_url, {"login": curator.email, "password": "wrong-guess"})
    assert response.status_code == 200
    assert LOCKOUT in response.content.decode()
    response = client.post(login_url, {"login": curator.email, "password": "correct-horse-42"})
    assert response.status_code == 200
    assert LOCKOUT in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_ip_blocked_on_site_login_is_blocked_for_the_admin_too(client):
    """Failures against other accounts from one address lock that address out of the admin sign-in."""
    curator = CuratorFactory(email="curator@example.org")
    for i in range(10):
        client.post(reverse("account_login"), {"login": f"someone{i}@example.org", "password": "wrong-guess"})
    response = client.post(
        "/accounts/login/?next=%2Fadmin%2F", {"login": curator.email, "password": "correct-horse-42"}
    )
    assert response.status_code == 200
    assert LOCKOUT in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_signs_in_on_the_site_form_and_lands_in_the_admin(client):
    curator = CuratorFactory(email="curator@example.org")
    response = client.post(
        "/accounts/login/?next=%2Fadmin%2F", {"login": curator.email, "password": "correct-horse-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert int(client.session["_auth_user_id"]) == curator.pk
    assert client.get("/admin/").status_code == 200


def test_signed_in_teacher_is_refused_by_the_admin_login(client):
    client.force_login(TeacherFactory())
    assert client.get(reverse("admin:login")).status_code == 403


def _sign_in(client, user, next_url="/admin/"):
    return client.post(
        f"{reverse('account_login')}?next={next_url}", {"login": user.email, "password": "correct-horse-42"}
    )


def _open_activation(client):
    """allauth asks for the password again before an authenticator is added."""
    response = client.get(reverse("mfa_activate_totp"))
    assert (
        response["Location"]
        == f"{reverse('account_reauthenticate')}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    )
    response = client.post(response["Location"], {"password": "correct-horse-42"})
    assert response["Location"] == reverse("mfa_activate_totp")
    return client.get(reverse("mfa_activate_totp"))


def _current_code(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def test_superuser_without_authenticator_is_sent_to_set_one_up_before_the_admin(client, settings):
    """Attack: a superuser's stolen password alone opens the admin in production."""
    settings.ADMIN_REQUIRE_MFA_FOR_SUPERUSERS = True
    superuser = SuperuserFactory()
    assert _sign_in(client, superuser)["Location"] == "/admin/"
    for page in ("/admin/", "/admin/accounts/user/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    activation = _open_activation(client)
    assert activation.status_code == 200
    assert activation.context["form"].secret


def test_superuser_with_totp_reaches_the_admin_after_the_code_step(client, settings):
    settings.ADMIN_REQUIRE_MFA_FOR_SUPERUSERS = True
    settings.MFA_TOTP_TOLERANCE = 1  # the code stays valid if the 30-second step turns during the test
    superuser = SuperuserFactory()
    secret = generate_totp_secret()
    TOTP.activate(superuser, secret)
    response = _sign_in(client, superuser)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    response = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if _current_code(secret) != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert int(client.session["_auth_user_id"]) == superuser.pk
    assert client.get("/admin/").status_code == 200


def test_staff_may_add_totp_and_is_then_asked_for_the_code(client):
    curator = CuratorFactory()
    assert _sign_in(client, curator).status_code == 302
    secret = _open_activation(client).context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=curator, type=Authenticator.Type.TOTP).count() == 1
    client.logout()
    assert _sign_in(client, curator)["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_outside_production_a_superuser_without_authenticator_reaches_the_admin(client, settings):
    settings.ADMIN_REQUIRE_MFA_FOR_SUPERUSERS = False
    superuser = SuperuserFactory()
    _sign_in(client, superuser)
    assert client.get("/admin/").status_code == 200


def test_staff_who_is_not_a_superuser_needs_no_authenticator(client, settings):
    settings.ADMIN_REQUIRE_MFA_FOR_SUPERUSERS = True
    _sign_in(client, CuratorFactory())
    assert client.get("/admin/").status_code == 200
