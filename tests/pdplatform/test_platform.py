import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from pdplatform.models import WorkerHeartbeat
from pdplatform.tasks import heartbeat
from tests.conftest import requires_broker, requires_postgres, wait_for
from tests.factories import TeacherFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_browser_language_is_used_and_saved_preference_wins(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Language"] == "ru"
    assert "Войти" in response.content.decode()
    user = TeacherFactory(preferred_language="uk")
    client.force_login(user)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Language"] == "uk"


@pytest.mark.django_db
def test_language_switcher_saves_preference(client):
    user = TeacherFactory(preferred_language="en")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/cabinet/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "ru"
    # An unknown code changes nothing.
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "ru"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_public_pages_render_in_each_language(client, lang):
    for name in ["home", "account_login", "account_signup", "account_reset_password"]:
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, name
        assert f'lang="{lang}"' in response.content.decode()


@pytest.mark.django_db
def test_not_found_page_is_the_sites_own(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@pytest.mark.django_db
def test_navigation_shows_admin_only_to_staff(client):
    teacher = TeacherFactory()
    client.force_login(teacher)
    assert "/admin/" not in client.get(reverse("cabinet")).content.decode()
    staff = UserFactory(is_staff=True, roles=["methodologist"])
    client.force_login(staff)
    assert "/admin/" in client.get(reverse("cabinet")).content.decode()


@pytest.mark.django_db
def test_api_schema_and_docs(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_production_settings_pass_deploy_check():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "p" * 20 + uuid.uuid4().hex + uuid.uuid4().hex,
        "DJANGO_ALLOWED_HOSTS": "pdplatform.example.org",
        "REDIS_URL": os.environ.get(
            "REDIS_URL", "redis://127.0.0.1:6379/1"
        ),  # production needs a shared cache
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_heartbeat_task_is_idempotent():
    heartbeat.delay("same-note")
    heartbeat.delay("same-note")
    assert WorkerHeartbeat.objects.filter(note="same-note").count() == 1


@requires_postgres()
@requires_broker
def test_real_worker_consumes_task_from_redis_and_writes_to_postgres(real_worker):
    real_worker("integration")
    note = f"it-{uuid.uuid4().hex[:10]}"
    heartbeat.apply_async(args=[note], ignore_result=True)
    row = wait_for(lambda: WorkerHeartbeat.objects.filter(note=note).first(), timeout=60)
    assert row.worker
