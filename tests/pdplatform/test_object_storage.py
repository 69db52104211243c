"""Issue #24 item 1: media in an S3-compatible bucket, played against a real S3 server (moto's server mode
on 127.0.0.1, tests/conftest.py `s3_storage`): uploads land in the bucket before their row, private
objects answer only through the authorizing view's short-lived signed redirect, the store's outage
refuses an upload cleanly, and the move from the local disk checks every stored name."""

import io
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Certificate, Enrollment, Submission, SubmissionVersion
from pdplatform.media import media_orphans_remove
from tests import upload_samples as samples
from tests.cohorts.factories import (
    AssignmentFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
)
from tests.conftest import requires_broker, requires_postgres, wait_for
from tests.factories import CuratorFactory, TeacherFactory

STORAGE_DOWN = (
    "The file could not be stored: the file storage does not answer. Nothing was saved; "
    "please try again in a few minutes."
)


def _fetch(url: str):
    """GET `url` as a browser would (no credentials): (status, headers, body)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - the test server's http URL
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


def _file_assignment():
    module = ModuleFactory()
    cohort = CohortFactory(course=module.course)
    assignment = AssignmentFactory(module=module, submission_kind="file")
    return assignment, EnrollmentFactory(cohort=cohort)


def _submit(client, assignment, enrollment, name="Эссе.pdf", content=samples.PDF):
    client.force_login(enrollment.teacher)
    return client.post(
        reverse("cohorts:assignment", args=[enrollment.pk, assignment.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


@pytest.mark.django_db
def test_a_submission_through_the_page_is_an_object_in_the_bucket_and_the_row_points_to_it(
    client, s3_storage, settings
):
    assignment, enrollment = _file_assignment()
    response = _submit(client, assignment, enrollment)
    assert response.status_code == 302
    version = SubmissionVersion.objects.get()
    assert version.file.name.startswith("cohorts/submissions/")
    assert s3_storage.keys() == [version.file.name]
    assert s3_storage.read(version.file.name) == samples.PDF
    assert not settings.MEDIA_ROOT.exists()  # nothing on the local disk


@pytest.mark.django_db
def test_another_teacher_gets_404_and_the_owner_and_curator_a_short_signed_url_to_the_bytes(
    client, s3_storage, django_assert_num_queries
):
    assignment, enrollment = _file_assignment()
    _submit(client, assignment, enrollment)
    version = SubmissionVersion.objects.get()
    url = reverse("cohorts:submission_file", args=[version.pk])

    client.force_login(TeacherFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    assert client.get(url)["Location"].startswith(reverse("account_login"))

    curator = CuratorFactory()
    enrollment.cohort.curators.add(curator)
    for reader in (enrollment.teacher, curator):
        client.force_login(reader)
        with django_assert_num_queries(3):  # session, user, the scoped version: the store is not the database
            response = client.get(url)
        assert response.status_code == 302
        assert response["Cache-Control"] == "private, no-store"
        signed = urlsplit(response["Location"])
        assert f"{signed.scheme}://{signed.netloc}" == s3_storage.endpoint
        assert signed.path == f"/{s3_storage.bucket}/{version.file.name}"
        query = parse_qs(signed.query)
        assert query["X-Amz-Expires"] == ["300"]
        assert len(query["X-Amz-Signature"][0]) == 64
        status, headers, body = _fetch(response["Location"])
        assert status == 200
        assert body == samples.PDF
        assert headers["Content-Type"] == "application/pdf"
        assert headers["Content-Disposition"] == "inline; filename*=utf-8''%D0%AD%D1%81%D1%81%D0%B5.pdf"
        assert headers["Cache-Control"] == "private, max-age=3600"


@pytest.mark.django_db
def test_the_object_itself_is_not_public(client, s3_storage):
    assignment, enrollment = _file_assignment()
    _submit(client, assignment, enrollment)
    version = SubmissionVersion.objects.get()
    status, _headers, body = _fetch(f"{s3_storage.endpoint}/{s3_storage.bucket}/{version.file.name}")
    assert status == 403
    assert body != samples.PDF
    # and the platform's media address of a private file answers nothing either
    client.logout()
    assert client.get(version.file.url).status_code == 404


@pytest.mark.django_db
def test_a_row_whose_object_is_gone_gives_404_not_a_broken_link(client, s3_storage):
    assignment, enrollment = _file_assignment()
    _submit(client, assignment, enrollment)
    version = SubmissionVersion.objects.get()
    s3_storage.client().delete_object(Bucket=s3_storage.bucket, Key=version.file.name)
    assert client.get(reverse("cohorts:submission_file", args=[version.pk])).status_code == 404


@pytest.mark.django_db
def test_the_store_down_during_an_upload_gives_a_clear_message_and_no_row(client, s3_storage):
    assignment, enrollment = _file_assignment()
    s3_storage.stop()
    response = _submit(client, assignment, enrollment)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [STORAGE_DOWN]
    assert Submission.objects.count() == 0
    assert SubmissionVersion.objects.count() == 0


@pytest.mark.django_db
def test_the_store_down_message_is_in_the_users_language(client, s3_storage):
    assignment, enrollment = _file_assignment()
    enrollment.teacher.preferred_language = "ru"
    enrollment.teacher.save(update_fields=["preferred_language"])
    s3_storage.stop()
    response = _submit(client, assignment, enrollment)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Файл не удалось сохранить: файловое хранилище не отвечает. Ничего не сохранено; "
        "попробуйте ещё раз через несколько минут."
    ]
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_a_public_cover_answers_at_its_media_address_with_a_fresh_signed_redirect(client, s3_storage):
    course = CourseFactory()
    course.cover.save("cover.png", ContentFile(samples.PNG))
    assert course.cover.url == f"/media/{course.cover.name}"  # a page never holds an expiring URL
    response = client.get(course.cover.url)
    assert response.status_code == 302
    status, headers, body = _fetch(response["Location"])
    assert (status, body, headers["Content-Type"]) == (200, samples.PNG, "image/png")
    # the object itself is not public either: only the signed redirect reaches it
    assert _fetch(f"{s3_storage.endpoint}/{s3_storage.bucket}/{course.cover.name}")[0] == 403
    assert client.get("/media/courses/covers/none.png").status_code == 404


@pytest.mark.django_db
def test_old_orphans_in_the_bucket_are_removed_and_everything_else_stays(client, s3_storage):
    assignment, enrollment = _file_assignment()
    _submit(client, assignment, enrollment)
    kept = SubmissionVersion.objects.get().file.name
    orphan = default_storage.save("cohorts/submissions/lost.pdf", ContentFile(samples.PDF))
    export_orphan = default_storage.save("reports/exports/old.csv", ContentFile(b"a,b"))
    cover = default_storage.save("courses/covers/public.png", ContentFile(samples.PNG))

    assert media_orphans_remove() == []  # all young
    removed = media_orphans_remove(now=timezone.now() + timedelta(hours=2))
    assert sorted(removed) == sorted([orphan, export_orphan])
    assert s3_storage.keys() == sorted([kept, cover])


@pytest.mark.django_db
def test_healthz_reports_the_store(client, s3_storage):
    assert client.get("/healthz").json()["checks"]["storage"] == "ok"
    assert s3_storage.keys() == []  # the probe takes its object back
    s3_storage.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error"


@pytest.mark.django_db
def test_media_to_bucket_moves_local_files_and_reports_a_missing_one(s3_storage, settings):
    local = FileSystemStorage(location=settings.MEDIA_ROOT)
    present = CourseFactory(cover=local.save("courses/covers/present.png", ContentFile(samples.PNG)))
    lost = CourseFactory(cover="courses/covers/lost.png")  # the row points to a file nobody has

    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("media_to_bucket", stdout=out)
    assert str(failed.value) == "1 stored file(s) are not in the bucket."
    assert out.getvalue().splitlines() == [
        "copied: 1",
        "missing: courses.Course.cover courses/covers/lost.png",
    ]
    assert s3_storage.keys() == [present.cover.name]
    assert s3_storage.read(present.cover.name) == samples.PNG

    again = io.StringIO()  # idempotent: nothing copied twice
    with pytest.raises(CommandError):
        call_command("media_to_bucket", stdout=again)
    assert again.getvalue().splitlines()[0] == "copied: 0"

    lost.delete()
    done = io.StringIO()
    call_command("media_to_bucket", "--check", stdout=done)
    assert done.getvalue().splitlines() == ["copied: 0", "every stored file is in the bucket"]


@pytest.mark.django_db
def test_media_to_bucket_refuses_without_a_bucket():
    with pytest.raises(CommandError) as failed:
        call_command("media_to_bucket", stdout=io.StringIO())
    assert str(failed.value) == "STORAGE_URL is not set: the media are not in a bucket."


@requires_postgres()
@requires_broker
def test_a_certificate_pdf_written_by_a_real_worker_lands_in_the_bucket(real_worker, s3_storage, monkeypatch):
    from cohorts.certificates.tasks import certificate_issue_enrollment

    monkeypatch.setenv("STORAGE_URL", s3_storage.url)
    enrollment = EnrollmentFactory(state=Enrollment.State.COMPLETED)
    real_worker("objstore-certs", queues="heavy")
    certificate_issue_enrollment.delay(enrollment.pk)
    certificate = wait_for(lambda: Certificate.objects.filter(enrollment=enrollment).first(), timeout=120)
    assert certificate.pdf.name.startswith("cohorts/certificates/")
    assert s3_storage.keys("cohorts/certificates/") == [certificate.pdf.name]
    assert s3_storage.read(certificate.pdf.name)[:5] == b"%PDF-"


@pytest.mark.django_db
def test_the_store_down_while_posting_with_attachments_keeps_no_topic_and_no_attachment(s3_storage):
    from communities import services as communities
    from communities.models import Attachment, Post, Topic
    from tests.communities.factories import CommunityFactory, member

    club = CommunityFactory()
    author = member(club)
    s3_storage.stop()
    with pytest.raises(communities.CommunityError) as refused:
        communities.topic_create(
            community=club,
            author=author,
            title="План урока по дробям",
            body="Делюсь планом урока, буду рад замечаниям.",
            files=[SimpleUploadedFile("план.pdf", samples.PDF, content_type="application/pdf")],
        )
    assert refused.value.messages == [STORAGE_DOWN]
    assert (Topic.objects.count(), Post.objects.count(), Attachment.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_the_store_down_during_an_api_upload_is_a_400_in_the_one_error_shape(client, s3_storage):
    assignment, enrollment = _file_assignment()
    client.force_login(enrollment.teacher)
    s3_storage.stop()
    response = client.post(
        "/api/v1/submissions/",
        {
            "enrollment": enrollment.pk,
            "assignment": assignment.pk,
            "file": SimpleUploadedFile("Эссе.pdf", samples.PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    assert response.json() == {"detail": STORAGE_DOWN}
    assert Submission.objects.count() == 0
