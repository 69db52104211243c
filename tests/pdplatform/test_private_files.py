"""Attack: every stored file of every model is private unless its field is on the short public list.

The test walks every FileField of every installed model. For each private one it stores a real file,
then plays the attacker: the anonymous visitor asks for the file's storage URL (`.url`) and for the
view that serves it, a signed-in teacher with no relation to the file asks for the view; then the
owner (and whoever the platform lets read it in scope) downloads the very bytes, with the headers
that keep a hostile upload from running in the platform's origin.

A FileField added later without a case here (or a place on the public list) fails the walk.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cohorts.certificates.models import Certificate, CertificateTemplate
from cohorts.models import Enrollment, Submission, SubmissionVersion
from communities.models import Attachment, MemberRole
from pdplatform.media import PUBLIC_FILE_FIELDS
from pdplatform.reports.models import ExportJob as ReportExportJob
from surveys.models import ExportJob as SurveyExportJob
from tests.cohorts.factories import (
    AssignmentFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
)
from tests.communities.factories import CommunityFactory, MembershipFactory, PostFactory
from tests.factories import CuratorFactory, MethodologistFactory, SchoolAdminFactory, TeacherFactory
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a private document\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32
CSV = "Фамилия;Часы\nИванова;36\n".encode()
HTML_AS_PDF = b"<html><script>alert(document.cookie)</script></html>"

FILE_FIELDS = sorted(
    f"{model._meta.label}.{f.name}"
    for model in apps.get_models()
    for f in model._meta.get_fields()
    if isinstance(f, models.FileField)
)


@dataclass
class Stored:
    fieldfile: object
    url: str  # the authorizing view that serves it
    content: bytes
    content_type: str
    readers: list = field(default_factory=list)  # (who, user) that must get the bytes
    disposition: str = "attachment"


def _submission_version():
    enrollment = EnrollmentFactory()
    assignment = AssignmentFactory(module__course=enrollment.cohort.course)
    submission = Submission.objects.create(
        enrollment=enrollment, assignment=assignment, submitted_at=timezone.now(), version_count=1
    )
    version = SubmissionVersion(submission=submission, number=1, file_name="Эссе Ивановой.pdf")
    version.file.save("essay.pdf", ContentFile(PDF), save=False)
    version.save()
    curator = CuratorFactory()
    enrollment.cohort.curators.add(curator)
    author = MethodologistFactory()
    enrollment.cohort.course.authors.add(author)
    return Stored(
        version.file,
        reverse("cohorts:submission_file", args=[version.pk]),
        PDF,
        "application/pdf",
        [("teacher", enrollment.teacher), ("curator", curator), ("course author", author)],
        disposition="inline",
    )


def _certificate():
    enrollment = EnrollmentFactory(state=Enrollment.State.COMPLETED)
    certificate = Certificate(
        enrollment=enrollment,
        number="2026-000001",
        code="c" * 40,
        issued_at=timezone.now(),
        holder_name="Иванова Мария",
        course_title="Course",
        hours=36,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=30),
        language="ru",
    )
    certificate.pdf.save("certificate.pdf", ContentFile(PDF), save=False)
    certificate.save()
    return Stored(
        certificate.pdf,
        reverse("cohorts:certificate_download", args=[enrollment.pk]),
        PDF,
        "application/pdf",
        [("holder", enrollment.teacher)],
    )


def _certificate_background():
    template = CertificateTemplate(name="Regional")
    template.background.save("stamp.png", ContentFile(PNG), save=False)
    template.save()
    superuser = get_user_model().objects.create_superuser(
        email="root@example.org", password="correct-horse-42"
    )
    return Stored(
        template.background,
        reverse("cohorts:certificate_template_background", args=[template.pk]),
        PNG,
        "image/png",
        [("superuser", superuser)],
        disposition="inline",
    )


def _lesson(field_name: str, name: str, content: bytes, content_type: str, kind: str):
    def build():
        cohort = CohortFactory()
        lesson = LessonFactory(module__course=cohort.course)
        getattr(lesson, field_name).save(name, ContentFile(content))
        enrollment = EnrollmentFactory(cohort=cohort)
        curator = CuratorFactory()
        cohort.curators.add(curator)
        author = MethodologistFactory()
        cohort.course.authors.add(author)
        return Stored(
            getattr(lesson, field_name),
            reverse("cohorts:lesson_file", args=[lesson.pk, kind]),
            content,
            content_type,
            [("enrolled teacher", enrollment.teacher), ("curator", curator), ("course author", author)],
        )

    return build


def _attachment():
    community = CommunityFactory(is_closed=True)
    member = MembershipFactory(community=community).user
    post = PostFactory(topic__community=community, topic__author=member, author=member)
    attachment = Attachment(
        post=post,
        uploaded_by=member,
        original_name="План урока.pdf",
        content_type="text/html",
        extension="pdf",
        size=len(PDF),
    )
    attachment.file.save("x.pdf", ContentFile(PDF), save=False)
    attachment.save()
    moderator = MembershipFactory(community=community, role=MemberRole.MODERATOR).user
    return Stored(
        attachment.file,
        reverse("communities:attachment", args=[attachment.pk]),
        PDF,
        "application/pdf",
        [("member", member), ("moderator", moderator)],
        disposition="inline",
    )


def _survey_export():
    owner = MethodologistFactory()
    job = SurveyExportJob.objects.create(
        survey=SurveyFactory(authors=[owner]), requested_by=owner, fmt="csv", state=SurveyExportJob.State.DONE
    )
    job.file.save("raw.csv", ContentFile(CSV))
    return Stored(
        job.file,
        reverse("surveys:export_download", args=[job.pk]),
        CSV,
        "text/csv; charset=utf-8",
        [("who asked for it", owner)],
    )


def _report_export():
    owner = SchoolAdminFactory()
    job = ReportExportJob.objects.create(
        requested_by=owner, report="school", fmt="csv", state=ReportExportJob.State.DONE
    )
    job.file.save("x.csv", ContentFile(CSV))
    return Stored(
        job.file,
        reverse("reports:job_download", args=[job.pk]),
        CSV,
        "text/csv; charset=utf-8",
        [("who asked for it", owner)],
    )


def _organisation_file(kind: str):
    def make():
        from tests.courses.factories import OrganisationFactory, SignatoryFactory

        superuser = get_user_model().objects.create_superuser(
            email="root@example.org", password="correct-horse-42"
        )
        if kind == "logo":
            owner = OrganisationFactory()
            owner.logo.save("logo.png", ContentFile(PNG), save=True)
            return Stored(
                owner.logo,
                reverse("courses:organisation_logo", args=[owner.pk]),
                PNG,
                "image/png",
                [("superuser", superuser)],
                disposition="inline",
            )
        owner = SignatoryFactory()
        owner.signature.save("signature.png", ContentFile(PNG), save=True)
        return Stored(
            owner.signature,
            reverse("courses:signatory_signature", args=[owner.pk]),
            PNG,
            "image/png",
            [("superuser", superuser)],
            disposition="inline",
        )

    return make


PRIVATE = {
    "courses.Organisation.logo": _organisation_file("logo"),
    "courses.Signatory.signature": _organisation_file("signature"),
    "cohorts.SubmissionVersion.file": _submission_version,
    "cohorts.Certificate.pdf": _certificate,
    "cohorts.CertificateTemplate.background": _certificate_background,
    "courses.Lesson.video_file": _lesson("video_file", "intro.mp4", MP4, "video/mp4", "video"),
    "courses.Lesson.material": _lesson("material", "handout.pdf", PDF, "application/pdf", "material"),
    "communities.Attachment.file": _attachment,
    "surveys.ExportJob.file": _survey_export,
    "reports.ExportJob.file": _report_export,
}


def test_the_walk_finds_the_file_fields_we_know_of():
    assert FILE_FIELDS == sorted([*PRIVATE, *PUBLIC_FILE_FIELDS])


def test_the_public_list_is_short_and_reasoned():
    assert sorted(PUBLIC_FILE_FIELDS) == ["courses.Course.cover"]
    assert all(len(str(reason)) > 40 for reason in PUBLIC_FILE_FIELDS.values())


def test_a_public_file_is_served_to_anyone_from_its_storage_url(client):
    course = CourseFactory()
    course.cover.save("cover.png", ContentFile(PNG))
    response = client.get(course.cover.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize("label", [label for label in FILE_FIELDS if label not in PUBLIC_FILE_FIELDS])
def test_a_stored_file_reaches_only_those_allowed_to_read_it(client, label):
    assert label in PRIVATE, f"{label} is neither private with a serving view nor on the public list"
    stored = PRIVATE[label]()

    # The storage URL is a dead end for everyone: no mount serves private prefixes.
    assert stored.fieldfile.url.startswith("/media/")
    assert client.get(stored.fieldfile.url).status_code == 404

    # The serving view asks who is there.
    response = client.get(stored.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    client.force_login(TeacherFactory())
    assert client.get(stored.url).status_code == 404

    for who, user in stored.readers:
        client.force_login(user)
        response = client.get(stored.url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == stored.content, who
        assert response["Content-Type"] == stored.content_type, who
        assert response["Content-Disposition"].split(";")[0] == stored.disposition, who
        assert response["X-Content-Type-Options"] == "nosniff", who
        assert "sandbox" in response["Content-Security-Policy"].split("; "), who
        assert response["Content-Security-Policy"].startswith("default-src 'none'"), who


def test_the_admin_links_private_files_to_their_views_not_to_storage(client):
    author = MethodologistFactory()
    cohort = CohortFactory()
    cohort.course.authors.add(author)
    lesson = LessonFactory(module__course=cohort.course)
    lesson.material.save("handout.pdf", ContentFile(PDF))
    client.force_login(author)
    page = client.get(f"/admin/courses/module/{lesson.module_id}/change/").content.decode()
    assert f'href="{reverse("cohorts:lesson_file", args=[lesson.pk, "material"])}"' in page
    assert f'href="{lesson.material.url}"' not in page

    stored = _certificate_background()
    client.force_login(stored.readers[0][1])
    template_id = CertificateTemplate.objects.get().pk
    page = client.get(f"/admin/cohorts/certificatetemplate/{template_id}/change/").content.decode()
    assert f'href="{stored.url}"' in page
    assert f'href="{stored.fieldfile.url}"' not in page
