"""Private files in the documented deployment: DJANGO_ENV=production (no DEBUG), nginx in front.

A fresh interpreter reads the production settings (as tests/pdplatform/test_deployment_settings.py
does), migrates its own SQLite file, stores a lesson's video and material and asks for them as an
enrolled teacher, an unrelated teacher and an anonymous visitor. The view must answer with
X-Accel-Redirect to nginx's internal location for the stored name; deploy/nginx.conf and
docker-compose.yml must agree with it on that location and on the public folders.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from pdplatform.media import public_media_prefixes

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
from django.urls import reverse

setup_test_environment()
# Neither the shared cache nor collected static files are what is asked here: production requires
# REDIS_URL and a static manifest (built by collectstatic in the image); local stand-ins replace them.
STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
                       STORAGES=STORAGES):
    call_command("migrate", verbosity=0)
    from tests.cohorts.factories import CohortFactory, EnrollmentFactory, LessonFactory
    from tests.factories import TeacherFactory
    from tests.upload_samples import PDF, PNG

    MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64

    cohort = CohortFactory()
    lesson = LessonFactory(module__course=cohort.course, title="Introduction")
    lesson.video_file.save("intro.mp4", ContentFile(MP4), save=False)
    lesson.material.save("handout.pdf", ContentFile(PDF), save=False)
    lesson.save()
    cohort.course.cover.save("cover.png", ContentFile(PNG))
    teacher = EnrollmentFactory(cohort=cohort).teacher
    outsider = TeacherFactory()

    def ask(url, user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url, secure=True)
        return {"status": response.status_code, "body": len(b"".join(response.streaming_content)
                                                          if response.streaming else response.content),
                **{key: response.get(key) for key in ("X-Accel-Redirect", "Content-Type", "Content-Disposition",
                                                      "X-Content-Type-Options", "Content-Security-Policy",
                                                      "Location")}}

    video = reverse("cohorts:lesson_file", args=[lesson.pk, "video"])
    material = reverse("cohorts:lesson_file", args=[lesson.pk, "material"])
    print(json.dumps({
        "debug": settings.DEBUG,
        "names": [lesson.video_file.name, lesson.material.name],
        "video": ask(video, teacher),
        "material": ask(material, teacher),
        "outsider": ask(video, outsider),
        "anonymous": ask(video),
        "storage_url": ask(lesson.material.url, teacher),
        "cover_url": [cohort.course.cover.url, ask(cohort.course.cover.url)["status"]],
    }))
"""

SANDBOX = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"


def test_an_enrolled_teacher_gets_lesson_files_through_nginx_in_production(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="pdplatform.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="testserver",
        REDIS_URL="redis://127.0.0.1:1/0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        FILES_ACCEL_REDIRECT_PREFIX="/protected-files/",
        CELERY_BROKER_URL="",
    )
    env.pop("DJANGO_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["debug"] is False
    # Stored under a random name with the extension read from the content (core/uploads.py).
    video_name, material_name = seen["names"]
    assert re.fullmatch(r"courses/videos/[0-9a-f]{32}\.mp4", video_name)
    assert re.fullmatch(r"courses/materials/[0-9a-f]{32}\.pdf", material_name)
    assert seen["video"] == {
        "status": 200,
        "body": 0,
        "X-Accel-Redirect": f"/protected-files/{video_name}",
        "Content-Type": "video/mp4",
        "Content-Disposition": 'attachment; filename="introduction.mp4"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": SANDBOX,
        "Location": None,
    }
    assert seen["material"]["X-Accel-Redirect"] == f"/protected-files/{material_name}"
    assert seen["material"]["Content-Type"] == "application/pdf"
    assert seen["outsider"]["status"] == 404
    assert seen["outsider"]["X-Accel-Redirect"] is None
    assert seen["anonymous"]["status"] == 302
    assert seen["anonymous"]["X-Accel-Redirect"] is None
    # No storage URL is answered by Django in production: nginx serves the public folders only.
    assert seen["storage_url"]["status"] == 404
    assert re.fullmatch(r"/media/courses/covers/[0-9a-f]{32}\.png", seen["cover_url"][0])
    assert seen["cover_url"][1] == 404


def _nginx_locations() -> dict[str, str]:
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    return {match[0]: match[1] for match in re.findall(r"location\s+(\S+)\s*\{(.*?)\n    \}", text, re.S)}


def test_nginx_and_compose_agree_with_the_app_on_where_files_are():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app_env = compose["services"]["web"]["environment"]
    prefix = app_env["FILES_ACCEL_REDIRECT_PREFIX"]
    media_root = app_env["MEDIA_ROOT"].rstrip("/") + "/"
    assert prefix == "/protected-files/"
    assert compose["services"]["proxy"]["volumes"] == [
        "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro",
        f"media:{media_root.rstrip('/')}:ro",
        "static:/app/staticfiles:ro",  # tests/pdplatform/test_reverse_proxy.py
        "pagecache:/var/cache/nginx/pages",
    ]
    locations = _nginx_locations()
    internal = locations[prefix]
    assert re.search(r"^\s*internal;$", internal, re.M)
    assert f"alias {media_root};" in internal
    assert "add_header X-Content-Type-Options nosniff always;" in internal
    assert f'add_header Content-Security-Policy "{SANDBOX}" always;' in internal
    # The public folders and nothing else under /media/.
    media = sorted(location for location in locations if location.startswith("/media/"))
    assert media == sorted(["/media/", *(f"/media/{folder}" for folder in public_media_prefixes())])
    assert "return 404;" in locations["/media/"]
    for folder in public_media_prefixes():
        assert f"alias {media_root}{folder};" in locations[f"/media/{folder}"]
