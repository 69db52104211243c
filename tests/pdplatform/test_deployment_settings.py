"""Settings that only matter in a real deployment, read by a fresh interpreter with that environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; "
    "print(json.dumps({'pool': settings.DATABASES['default'].get('OPTIONS', {}).get('pool'), "
    "'age': settings.DATABASES['default']['CONN_MAX_AGE'], 'cache': settings.CACHES['default']['BACKEND']}))"
)


def _settings(**environ):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV")
    }
    env.update(DJANGO_SETTINGS_MODULE="pdplatform.settings", **environ)
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)


def test_a_pool_size_turns_on_djangos_pool_and_off_persistent_connections():
    done = _settings(DATABASE_URL="postgres://app:app@127.0.0.1:5432/app", DATABASE_POOL_SIZE="6")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "pool": {"min_size": 1, "max_size": 6, "timeout": 10},
        "age": 0,
        "cache": "django.core.cache.backends.locmem.LocMemCache",
    }


def test_production_refuses_a_process_local_cache():
    done = _settings(DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="example.org")
    assert done.returncode == 1
    assert "DJANGO_ENV=production needs REDIS_URL" in done.stderr


def test_superusers_need_a_second_factor_for_the_admin_in_production_only():
    probe = "from django.conf import settings; print(settings.ADMIN_REQUIRE_MFA_FOR_SUPERUSERS)"
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "ADMIN_REQUIRE_MFA_FOR_SUPERUSERS")
    }
    base["DJANGO_SETTINGS_MODULE"] = "pdplatform.settings"
    production = {
        **base,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    for environ, expected in (
        (base, "False"),
        (production, "True"),
        ({**production, "ADMIN_REQUIRE_MFA_FOR_SUPERUSERS": "false"}, "False"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, env=environ, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == expected
