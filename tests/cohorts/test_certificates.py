"""Certificates: issued once per completed enrollment, refused otherwise, revoked with a reason,
re-issued, rendered with the Cyrillic name, verified publicly, downloaded by the holder, zipped for
the holder's school administrator only."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from cohorts.certificates.services import (
    CertificateError,
    certificate_batch_start,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)
from cohorts.certificates.tasks import certificate_issue_enrollment as certificate_issue_task
from cohorts.certificates.tasks import certificates_issue_chunk
from cohorts.models import Certificate, CertificateTemplate, Enrollment
from cohorts.services import enrollment_complete
from notifications.models import Notification
from tests.factories import MethodologistFactory, SchoolAdminFactory, TeacherFactory

from .factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
COMPLETED = Enrollment.State.COMPLETED


def completed(**kwargs) -> Enrollment:
    return EnrollmentFactory(state=COMPLETED, **kwargs)


def pdf_text(certificate: Certificate) -> str:
    with certificate.pdf.open("rb") as handle:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


# --- issuing ---------------------------------------------------------------------------------


def test_completion_queues_the_certificate_and_it_is_issued_once(django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory(
        teacher=TeacherFactory(full_name="Иванова Мария Сергеевна", preferred_language="ru")
    )
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_complete(enrollment=enrollment)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.holder_name == "Иванова Мария Сергеевна"
    assert certificate.language == "ru"
    assert certificate.hours == enrollment.cohort.course.hours
    assert (certificate.starts_on, certificate.ends_on) == (
        enrollment.cohort.starts_on,
        enrollment.cohort.ends_on,
    )
    assert certificate.number.startswith(f"PD-{certificate.issued_at.year}-")
    assert len(certificate.code) == 22
    # The teacher is told once.
    assert Notification.objects.filter(recipient=enrollment.teacher, kind="certificate_issued").count() == 1


def test_running_the_task_twice_issues_one_certificate():
    enrollment = completed()
    first = certificate_issue_task.delay(enrollment.pk).get()
    second = certificate_issue_task.delay(enrollment.pk).get()
    certificates_issue_chunk.delay([enrollment.pk, enrollment.pk], None).get()
    assert first == second
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_numbers_are_unique_and_increasing():
    numbers = [certificate_issue(enrollment_id=completed().pk).number for _ in range(3)]
    assert len(set(numbers)) == 3
    assert numbers == sorted(numbers)
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3]


def test_the_holder_name_is_kept_as_at_issuance():
    enrollment = completed(teacher=TeacherFactory(full_name="Old Name"))
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    enrollment.teacher.full_name = "New Name"
    enrollment.teacher.save()
    certificate.refresh_from_db()
    assert certificate.holder_name == "Old Name"
    assert "Old Name" in pdf_text(certificate)


@pytest.mark.parametrize("state", ["enrolled", "applied", "withdrawn", "not_completed", "waitlisted"])
def test_not_completed_enrollment_is_refused(state):
    enrollment = EnrollmentFactory(state=state)
    with pytest.raises(CertificateError, match="only for a completed enrollment"):
        certificate_issue(enrollment_id=enrollment.pk)
    assert not Certificate.objects.exists()
    # The task is quiet about it (a rule, not a transient error) and creates nothing.
    assert certificate_issue_task.delay(enrollment.pk).get() is None
    assert not Certificate.objects.exists()


def test_task_for_a_missing_enrollment_is_quiet():
    assert certificate_issue_task.delay(987654).get() is None


def test_pdf_has_the_cyrillic_name_the_number_and_the_embedded_font():
    enrollment = completed(
        teacher=TeacherFactory(full_name="Ковальчук Олена Петрівна", preferred_language="uk")
    )
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    text = pdf_text(certificate)
    assert "Ковальчук Олена Петрівна" in text
    assert certificate.number in text
    with certificate.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    fonts = {str(font["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].get_object().values()}
    assert any("DejaVuSans" in name for name in fonts)


def test_template_with_a_pdf_background_and_positions():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 100, "BACKGROUND-MARK")
    page.save()
    template = CertificateTemplate.objects.create(
        name="Blue", is_default=True, signatures="Director ____ I. Ivanova"
    )
    template.background.save("bg.pdf", ContentFile(buffer.getvalue()))
    certificate = certificate_issue(enrollment_id=completed().pk)
    text = pdf_text(certificate)
    assert "BACKGROUND-MARK" in text
    assert "Director ____ I. Ivanova" in text
    assert certificate.template == template


def test_template_with_a_missing_background_refuses_and_makes_nothing():
    template = CertificateTemplate.objects.create(name="Lost", is_default=True)
    template.background.name = "cohorts/certificate_templates/gone.png"
    template.save()
    enrollment = completed()
    with pytest.raises(CertificateError, match="background file .* missing"):
        certificate_issue(enrollment_id=enrollment.pk)
    assert not Certificate.objects.exists()
    with pytest.raises(CertificateError, match="missing"):
        certificate_batch_start(cohort=enrollment.cohort, actor=None)


def test_course_template_wins_over_the_default():
    enrollment = completed()
    CertificateTemplate.objects.create(name="Default", is_default=True)
    chosen = CertificateTemplate.objects.create(name="For this course")
    chosen.courses.add(enrollment.cohort.course)
    assert certificate_issue(enrollment_id=enrollment.pk).template == chosen


# --- revoke and re-issue ---------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_revoke_without_a_reason_is_refused(reason):
    certificate = certificate_issue(enrollment_id=completed().pk)
    with pytest.raises(CertificateError, match="reason"):
        certificate_revoke(certificate=certificate, actor=None, reason=reason)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoke_needs_a_reason_in_the_database_too():
    from django.db import IntegrityError
    from django.utils import timezone

    certificate = certificate_issue(enrollment_id=completed().pk)
    with pytest.raises(IntegrityError):
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())


def test_revoke_then_reissue():
    enrollment = completed(teacher=TeacherFactory(full_name="Before"))
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    old_code, old_file = certificate.code, certificate.pdf.name
    certificate_revoke(certificate=certificate, actor=None, reason="Wrong name")
    with pytest.raises(CertificateError, match="already revoked"):
        certificate_revoke(certificate=certificate, actor=None, reason="Again")
    enrollment.teacher.full_name = "After"
    enrollment.teacher.save()
    again = certificate_reissue(certificate=certificate)
    assert (again.pk, again.number) == (certificate.pk, certificate.number)
    assert again.revoked_at is None and again.revoked_reason == ""
    assert again.code != old_code
    assert again.pdf.name != old_file
    assert again.holder_name == "After"
    assert again.reissue_count == 1
    assert "After" in pdf_text(again)


# --- verification ----------------------------------------------------------------------------


def test_verify_valid_revoked_unknown(client):
    certificate = certificate_issue(
        enrollment_id=completed(teacher=TeacherFactory(full_name="Петров Иван")).pk
    )
    response = client.get(reverse("certificate_verify", args=[certificate.code]))
    assert response.status_code == 200
    assert 'data-status="valid"' in response.content.decode()
    assert "Петров Иван" in response.content.decode()
    certificate_revoke(certificate=certificate, actor=None, reason="Plagiarism")
    response = client.get(reverse("certificate_verify", args=[certificate.code]))
    assert response.status_code == 200
    assert 'data-status="revoked"' in response.content.decode()
    response = client.get(reverse("certificate_verify", args=["A" * 22]))
    assert response.status_code == 404
    assert "No certificate with this verification code" in response.content.decode()


@pytest.mark.parametrize(
    "code", ["short", "x" * 23, "has space in it 123456", "ы" * 22, "'; DROP TABLE x;--12345", "%00" * 8]
)
def test_wrong_shaped_code_is_a_plain_404(client, code, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(f"/verify/{code}/")
    assert response.status_code == 404


def test_verify_api(client):
    certificate = certificate_issue(enrollment_id=completed().pk)
    response = client.get(f"/api/v1/certificates/verify/{certificate.code}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"], body["revoked_at"]) == (certificate.number, "valid", None)
    assert client.get("/api/v1/certificates/verify/nope/").status_code == 404
    assert client.get(f"/api/v1/certificates/verify/{'B' * 22}/").status_code == 404
    certificate_revoke(certificate=certificate, actor=None, reason="Error")
    assert client.get(f"/api/v1/certificates/verify/{certificate.code}/").json()["status"] == "revoked"


# --- downloads -------------------------------------------------------------------------------


def test_holder_downloads_the_stored_pdf(client):
    enrollment = completed()
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    with certificate.pdf.open("rb") as handle:
        stored = handle.read()
    client.force_login(enrollment.teacher)
    response = client.get(reverse("cohorts:certificate_download", args=[enrollment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == stored
    # The cabinet links to it.
    assert (
        reverse("cohorts:certificate_download", args=[enrollment.pk])
        in client.get(reverse("cabinet")).content.decode()
    )


def test_download_before_issuance_and_after_revocation(client):
    enrollment = completed()
    client.force_login(enrollment.teacher)
    assert client.get(reverse("cohorts:certificate_download", args=[enrollment.pk])).status_code == 404
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    certificate_revoke(certificate=certificate, actor=None, reason="Error")
    assert client.get(reverse("cohorts:certificate_download", args=[enrollment.pk])).status_code == 410


def test_another_teacher_cannot_download(client):
    enrollment = completed()
    certificate_issue(enrollment_id=enrollment.pk)
    client.force_login(TeacherFactory())
    assert client.get(reverse("cohorts:certificate_download", args=[enrollment.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("cohorts:certificate_download", args=[enrollment.pk])).status_code == 302


def test_school_admin_zip_has_only_their_schools_valid_certificates(client):
    admin = SchoolAdminFactory()
    cohort = CohortFactory()
    mine = [completed(cohort=cohort, teacher=TeacherFactory(school=admin.school)) for _ in range(3)]
    other = completed(cohort=cohort)
    for enrollment in [*mine, other]:
        certificate_issue(enrollment_id=enrollment.pk)
    certificate_revoke(certificate=mine[2].certificate, actor=None, reason="Error")
    client.force_login(admin)
    response = client.get(reverse("cohorts:certificate_school_zip", args=[cohort.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    expected = Certificate.objects.filter(enrollment__in=mine[:2]).values_list("number", flat=True)
    assert len(names) == 2
    assert all(sum(number in name for name in names) == 1 for number in expected)
    assert all(archive.read(name).startswith(b"%PDF-") for name in names)
    assert not any(other.certificate.number in name for name in names)
    assert not any(mine[2].certificate.number in name for name in names)


@pytest.mark.parametrize("who", ["other_school_admin", "teacher", "methodologist"])
def test_zip_for_people_of_other_schools_is_404(client, who):
    cohort = CohortFactory()
    holder = completed(cohort=cohort)
    certificate_issue(enrollment_id=holder.pk)
    user = {
        "other_school_admin": SchoolAdminFactory,
        "teacher": lambda: holder.teacher,
        "methodologist": MethodologistFactory,
    }[who]()
    client.force_login(user)
    assert client.get(reverse("cohorts:certificate_school_zip", args=[cohort.pk])).status_code == 404


# --- bulk ------------------------------------------------------------------------------------


def test_bulk_issuance_for_a_cohort_with_progress(client, django_capture_on_commit_callbacks):
    methodologist = MethodologistFactory()
    cohort = CohortFactory()
    cohort.course.authors.add(methodologist)
    done = [completed(cohort=cohort) for _ in range(5)]
    EnrollmentFactory(cohort=cohort)  # still learning: no certificate
    certificate_issue(enrollment_id=done[0].pk)  # one already issued
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_batch_start(cohort=cohort, actor=methodologist)
    assert Certificate.objects.filter(enrollment__cohort=cohort).count() == 5
    client.force_login(methodologist)
    page = client.get(reverse("cohorts:certificate_batch", args=[batch.pk])).content.decode()
    assert 'data-state="done"' in page
    assert "5 of 5 done, 0 failed" in page
    # Another user does not see someone else's progress page.
    client.force_login(MethodologistFactory())
    assert client.get(reverse("cohorts:certificate_batch", args=[batch.pk])).status_code == 404


def test_bulk_for_a_cohort_nobody_completed_is_refused():
    with pytest.raises(CertificateError, match="Nobody has completed"):
        certificate_batch_start(cohort=EnrollmentFactory().cohort, actor=None)


@pytest.mark.parametrize(
    ("old_name", "args"),
    [("cohorts.tasks.certificate_issue", "one"), ("cohorts.tasks.certificates_issue_chunk", "chunk")],
)
def test_messages_queued_under_the_old_task_names_are_still_consumed(old_name, args):
    from pdplatform.celery import app

    enrollment = completed()
    payload = [enrollment.pk] if args == "one" else [[enrollment.pk], None]
    app.tasks[old_name].apply(args=payload).get()
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


# --- never dated before the cohort's start ---------------------------------------------------


def test_a_certificate_is_not_dated_before_the_cohort_starts():
    from datetime import timedelta

    from django.utils import timezone

    enrollment = completed(cohort=CohortFactory(starts_on=timezone.localdate() + timedelta(days=1)))
    with pytest.raises(CertificateError, match="cannot be dated before the cohort starts"):
        certificate_issue(enrollment_id=enrollment.pk)
    assert not Certificate.objects.exists()


def test_the_issue_date_is_stored_and_checked_against_the_start_in_the_database_too():
    from datetime import timedelta

    from django.db import IntegrityError
    from django.utils import timezone

    certificate = certificate_issue(enrollment_id=completed().pk)
    assert certificate.issued_on == timezone.localdate(certificate.issued_at)
    with pytest.raises(IntegrityError):
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=certificate.starts_on - timedelta(days=1)
        )
