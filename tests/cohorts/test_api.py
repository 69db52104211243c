import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cohorts.models import Enrollment, Submission
from cohorts.services import submission_submit
from tests.factories import TeacherFactory

from .factories import AssignmentFactory, CohortFactory, EnrollmentFactory, ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_open_cohorts_of_a_course(api):
    cohort = CohortFactory(capacity=2)
    CohortFactory(course=cohort.course, status="draft")
    EnrollmentFactory(cohort=cohort)
    response = api.get("/api/v1/cohorts/", {"course": cohort.course.slug})
    assert response.status_code == 200
    assert [(c["id"], c["seats_left"]) for c in response.json()["results"]] == [(cohort.pk, 1)]
    assert api.get("/api/v1/cohorts/").status_code == 400


def test_enrol_needs_login_and_consent(api):
    cohort = CohortFactory()
    assert api.post(f"/api/v1/cohorts/{cohort.pk}/enrol/", {"consent": True}).status_code in (401, 403)
    teacher = TeacherFactory()
    api.force_authenticate(teacher)
    assert (
        api.post(f"/api/v1/cohorts/{cohort.pk}/enrol/", {"consent": False}, format="json").status_code == 400
    )
    response = api.post(f"/api/v1/cohorts/{cohort.pk}/enrol/", {"consent": True}, format="json")
    assert response.status_code == 201 and response.json()["state"] == "enrolled"
    again = api.post(f"/api/v1/cohorts/{cohort.pk}/enrol/", {"consent": True}, format="json")
    assert again.status_code == 400 and "already" in again.json()["detail"]
    assert Enrollment.objects.count() == 1


def test_my_enrollments_and_withdraw(api):
    mine = EnrollmentFactory()
    theirs = EnrollmentFactory()
    api.force_authenticate(mine.teacher)
    listed = api.get("/api/v1/enrollments/").json()["results"]
    assert [e["id"] for e in listed] == [mine.pk]
    assert api.get(f"/api/v1/enrollments/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/enrollments/{theirs.pk}/withdraw/", {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "enrolled"
    response = api.post(f"/api/v1/enrollments/{mine.pk}/withdraw/", {"reason": "Busy"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


def test_submissions_are_private_and_checked(api):
    module = ModuleFactory()
    assignment = AssignmentFactory(module=module, submission_kind="text_and_file")
    cohort = CohortFactory(course=module.course)
    mine = EnrollmentFactory(cohort=cohort)
    theirs = EnrollmentFactory(cohort=cohort)
    submission_submit(
        enrollment=theirs,
        assignment=assignment,
        text="theirs",
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
    )
    api.force_authenticate(mine.teacher)
    assert api.get("/api/v1/submissions/").json()["results"] == []
    other_id = Submission.objects.get().pk
    assert api.get(f"/api/v1/submissions/{other_id}/").status_code == 404
    posted = api.post(
        "/api/v1/submissions/", {"enrollment": theirs.pk, "assignment": assignment.pk, "text": "x"}
    )
    assert posted.status_code == 404
    bad = api.post(
        "/api/v1/submissions/",
        {
            "enrollment": mine.pk,
            "assignment": assignment.pk,
            "text": "mine",
            "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 10),
        },
        format="multipart",
    )
    assert bad.status_code == 400 and "is not an accepted file type" in bad.json()["detail"]
    good = api.post(
        "/api/v1/submissions/",
        {
            "enrollment": mine.pk,
            "assignment": assignment.pk,
            "text": "mine",
            "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 y"),
        },
        format="multipart",
    )
    assert good.status_code == 201 and good.json()["versions"][0]["text"] == "mine"
    assert Submission.objects.count() == 2


def test_submitting_through_the_api_before_the_start_gets_the_message(api):
    from datetime import timedelta

    from django.utils import timezone

    module = ModuleFactory()
    assignment = AssignmentFactory(module=module, submission_kind="text")
    cohort = CohortFactory(course=module.course, starts_on=timezone.localdate() + timedelta(days=2))
    mine = EnrollmentFactory(cohort=cohort)
    api.force_authenticate(mine.teacher)
    response = api.post(
        "/api/v1/submissions/", {"enrollment": mine.pk, "assignment": assignment.pk, "text": "mine"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The cohort has not started yet: learning opens on")
    assert not Submission.objects.exists()
