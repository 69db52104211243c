"""One setting, DJANGO_TRUSTED_PROXY_COUNT, says how many proxies of ours stand before the app: it decides
which X-Forwarded-For entry is a client's address (allauth's per-IP limits) and whether X-Forwarded-Proto
is believed. Attack: one client behind the shared proxy locks everyone out, or forges its way to a fresh
address."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "SECURE_PROXY_SSL_HEADER")
PROXY = "10.0.0.2"  # the proxy's address: every request arrives from it
LOCKOUT = "Too many failed login attempts"


def _deployment_settings(**environ) -> dict:
    """The proxy settings a fresh process computes from this environment."""
    probe = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {NAMES!r} if hasattr(settings, name)}}))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_TRUSTED_PROXY_COUNT", "DJANGO_ENV", "REDIS_URL", "DATABASE_URL")
    }
    env.update(DJANGO_SETTINGS_MODULE="pdplatform.settings", **environ)
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout)
    if values.get("SECURE_PROXY_SSL_HEADER") is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def behind_one_proxy(settings):
    for name, value in _deployment_settings(DJANGO_TRUSTED_PROXY_COUNT="1").items():
        setattr(settings, name, value)


def _login(client, email, password, forwarded_for):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_the_one_setting_drives_client_address_and_https_detection():
    assert _deployment_settings() == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 0,
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": None,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    assert _deployment_settings(DJANGO_TRUSTED_PROXY_COUNT="2") == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 2,
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": None,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    }


def test_without_a_proxy_a_forged_https_header_is_not_believed_even_in_production(settings):
    production = _deployment_settings(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="example.org",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    for name, value in production.items():
        setattr(settings, name, value)
    assert RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https").is_secure() is False


def test_behind_the_proxy_its_https_header_is_believed(behind_one_proxy):
    assert RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https").is_secure() is True


def test_one_client_failing_does_not_lock_out_another_behind_the_same_proxy(client, behind_one_proxy):
    TeacherFactory(email="colleague@example.org")
    for i in range(11):
        response = _login(client, f"guess{i}@example.org", "wrong-guess", "203.0.113.7")
    assert LOCKOUT in response.content.decode()
    other = _login(client, "colleague@example.org", "correct-horse-42", "198.51.100.9")
    assert other.status_code == 302
    assert other["Location"] == reverse("cabinet")


def test_a_forged_forwarded_for_entry_does_not_give_the_client_a_new_address(client, behind_one_proxy):
    """The proxy appends the real address; whatever the client put before it is ignored."""
    TeacherFactory(email="mine@example.org")
    for i in range(10):
        _login(client, f"guess{i}@example.org", "wrong-guess", f"192.0.2.{i}, 203.0.113.7")
    response = _login(client, "mine@example.org", "correct-horse-42", "192.0.2.200, 203.0.113.7")
    assert response.status_code == 200
    assert LOCKOUT in response.content.decode()
    assert "_auth_user_id" not in client.session
