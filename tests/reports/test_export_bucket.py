"""Issue #24 item 1 for report exports: with the media in a bucket (a real S3 server, tests/conftest.py
`s3_storage`) the export a task writes is an object in the bucket; its requester gets a signed redirect
to those bytes, another school's administrator a 404."""

import urllib.request

import pytest
from django.urls import reverse

from pdplatform.reports import services

pytestmark = pytest.mark.django_db


def test_an_export_lands_in_the_bucket_and_only_its_requester_gets_it(
    client, world, s3_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly after commit
        job = services.export_job_start(user=world["admin_a"], report="school", fmt="csv", params={})
    job.refresh_from_db()
    assert job.state == "done"
    assert job.file.name.startswith("reports/exports/")
    assert s3_storage.keys() == [job.file.name]
    url = reverse("reports:job_download", args=[job.pk])

    client.force_login(world["admin_b"])
    assert client.get(url).status_code == 404

    client.force_login(world["admin_a"])
    response = client.get(url)
    assert response.status_code == 302
    with urllib.request.urlopen(response["Location"], timeout=10) as answer:  # noqa: S310 - the test server
        assert answer.status == 200
        assert answer.read() == s3_storage.read(job.file.name)
        assert answer.headers["Content-Disposition"] == 'attachment; filename="school-report.csv"'
