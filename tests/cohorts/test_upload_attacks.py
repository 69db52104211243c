"""Attacks on submission uploads: markup and polyglots are refused with a clear message and nothing is
stored; an accepted file is stored under a random name with the extension read from its content."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import Submission, SubmissionVersion
from cohorts.services import CohortError, submission_submit
from tests import upload_samples as samples

from .factories import AssignmentFactory, CohortFactory, EnrollmentFactory, ModuleFactory

pytestmark = pytest.mark.django_db

MARKUP_REFUSAL = "looks like a web page, an SVG picture or an XML document"


def _file_assignment():
    module = ModuleFactory()
    cohort = CohortFactory(course=module.course)
    assignment = AssignmentFactory(module=module, submission_kind="file")
    return assignment, EnrollmentFactory(cohort=cohort)


def _stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT / "cohorts" / "submissions"
    return sorted(os.listdir(root)) if root.exists() else []


@pytest.mark.parametrize(("name", "content"), samples.MARKUP + [samples.PNG_THEN_HTML])
def test_markup_and_polyglots_are_refused_and_nothing_is_stored(settings, name, content):
    assignment, enrollment = _file_assignment()
    with pytest.raises(CohortError) as exc:
        submission_submit(
            enrollment=enrollment, assignment=assignment, upload=SimpleUploadedFile(name, content)
        )
    assert exc.value.messages == [
        f"The file “{name}” looks like a web page, an SVG picture or an XML document; such files are not accepted."
    ]
    assert Submission.objects.count() == 0
    assert SubmissionVersion.objects.count() == 0
    assert _stored_files(settings) == []


@pytest.mark.parametrize(("sample", "display_name"), samples.HOSTILE_NAMES)
def test_an_accepted_file_is_stored_by_what_it_is_under_a_cleaned_name(settings, sample, display_name):
    name, content = sample
    assignment, enrollment = _file_assignment()
    submission = submission_submit(
        enrollment=enrollment, assignment=assignment, upload=SimpleUploadedFile(name, content)
    )
    version = submission.versions.get()
    stored = version.file.name
    assert stored.startswith("cohorts/submissions/")
    base, extension = os.path.splitext(os.path.basename(stored))
    assert extension == ".pdf"
    assert len(base) == 32 and int(base, 16) >= 0  # random hex, nothing of the user's name
    assert version.file_name == display_name
    assert _stored_files(settings) == [os.path.basename(stored)]
    with version.file.open("rb") as handle:
        assert handle.read() == content


def test_an_oversize_file_is_refused_with_the_limit(settings):
    settings.COHORTS_SUBMISSION_MAX_BYTES = 2 * 1024 * 1024
    assignment, enrollment = _file_assignment()
    big = SimpleUploadedFile("big.pdf", samples.PDF + b" " * (2 * 1024 * 1024))
    with pytest.raises(CohortError) as exc:
        submission_submit(enrollment=enrollment, assignment=assignment, upload=big)
    assert exc.value.messages == ["The file “big.pdf” is too large (the limit is 2.0\xa0MB)."]
    assert Submission.objects.count() == 0
    assert _stored_files(settings) == []


def test_plain_text_is_stored_as_text_whatever_its_name(settings):
    assignment, enrollment = _file_assignment()
    upload = SimpleUploadedFile("plan.csv", "week,topic\n1,дроби\n".encode())
    version = submission_submit(enrollment=enrollment, assignment=assignment, upload=upload).versions.get()
    assert os.path.splitext(version.file.name)[1] == ".txt"
    assert version.file_name == "plan.csv"


def test_the_page_shows_the_refusal_and_stores_nothing(client, settings):
    assignment, enrollment = _file_assignment()
    client.force_login(enrollment.teacher)
    name, content = samples.POLYGLOT
    response = client.post(
        reverse("cohorts:assignment", args=[enrollment.pk, assignment.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        follow=True,
    )
    assert response.status_code == 200
    assert MARKUP_REFUSAL in response.content.decode()
    assert Submission.objects.count() == 0
    assert _stored_files(settings) == []
