"""Issue #16 item 5: files under the private media folders that no row points to, older than an hour,
are removed by a periodic task; files a row points to, young files and public covers stay."""

import os
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from cohorts.certificates.services import certificate_issue
from cohorts.models import Enrollment
from pdplatform.media import media_orphans_remove
from tests.cohorts.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def _aged(name: str, hours: float) -> str:
    stamp = time.time() - hours * 3600
    os.utime(default_storage.path(name), (stamp, stamp))
    return name


def test_old_orphans_are_removed_and_everything_else_stays():
    certificate = certificate_issue(enrollment_id=EnrollmentFactory(state=Enrollment.State.COMPLETED).pk)
    kept = _aged(certificate.pdf.name, 5)
    orphan = _aged(default_storage.save("cohorts/certificates/lost.pdf", ContentFile(b"%PDF-1.4")), 2)
    export_orphan = _aged(default_storage.save("reports/exports/old.csv", ContentFile(b"a,b")), 2)
    young = default_storage.save("cohorts/certificates/being-written.pdf", ContentFile(b"%PDF-1.4"))
    cover = _aged(default_storage.save("courses/covers/public.png", ContentFile(b"png")), 5)

    removed = media_orphans_remove()
    assert sorted(removed) == sorted([orphan, export_orphan])
    for name in (kept, young, cover):
        assert default_storage.exists(name)
    assert not default_storage.exists(orphan)


def test_the_orphan_sweep_is_on_the_beat_schedule():
    from pdplatform import tasks
    from pdplatform.celery import app

    assert tasks.media_orphans_remove.name == "pdplatform.tasks.media_orphans_remove"

    entry = settings.CELERY_BEAT_SCHEDULE["pdplatform-media-orphans-remove"]
    assert entry["task"] in app.tasks
    assert media_orphans_remove(now=timezone.now() + timedelta(hours=2)) == []
