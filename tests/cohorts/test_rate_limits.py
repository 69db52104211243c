"""Questions to curators are limited per person (PDP_RATE_LIMITS "question"): past the limit the page answers
429 with the question's text kept, nothing is stored, and another learner is not affected. The clock is held
20 s into a minute, so a "/m" limit asks to wait 40 s."""

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import Question
from core.ratelimit import RateLimited

from .factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

WAIT = "Too many attempts in a short time. Please wait 40 s and try again."


def test_questions_past_the_limit_get_429_with_the_text_kept_and_nothing_stored(client, settings, clock):
    settings.RATE_LIMITS = "question=2/m"
    cohort = CohortFactory()
    eager, other = EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort)
    client.force_login(eager.teacher)
    url = reverse("cohorts:questions", args=[eager.pk])
    assert client.post(url, {"text": "First?"}).status_code == 302
    assert client.post(url, {"text": "Second?"}).status_code == 302
    refused = client.post(url, {"text": "Third, and an important one?"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert WAIT in refused.content.decode()
    assert "Third, and an important one?</textarea>" in refused.content.decode()
    assert sorted(Question.objects.values_list("text", flat=True)) == ["First?", "Second?"]
    client.force_login(other.teacher)
    assert client.post(reverse("cohorts:questions", args=[other.pk]), {"text": "Mine?"}).status_code == 302
    clock.value += 40  # the next window: the service itself holds the limit, for every caller
    services.question_ask(enrollment=eager, text="Fourth?")
    services.question_ask(enrollment=eager, text="Fifth?")
    with pytest.raises(RateLimited):
        services.question_ask(enrollment=eager, text="Sixth?")
    assert Question.objects.filter(enrollment=eager).count() == 4


def _file_assignment():
    from .factories import AssignmentFactory, ModuleFactory

    module = ModuleFactory()
    cohort = CohortFactory(course=module.course)
    assignment = AssignmentFactory(module=module, submission_kind="file")
    return assignment, EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort)


def test_file_uploads_past_the_limit_are_refused_even_when_the_earlier_ones_were_bad(settings, clock):
    """Probing the upload checker with thousands of crafted files costs attempts like real ones."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cohorts.models import SubmissionVersion
    from cohorts.services import CohortError
    from tests import upload_samples as samples

    settings.RATE_LIMITS = "upload=2/m"
    assignment, prober, other = _file_assignment()
    for _ in range(2):
        with pytest.raises(CohortError):
            services.submission_submit(
                enrollment=prober,
                assignment=assignment,
                upload=SimpleUploadedFile("x.html", b"<html><script>"),
            )
    with pytest.raises(RateLimited):
        services.submission_submit(
            enrollment=prober, assignment=assignment, upload=SimpleUploadedFile("plan.pdf", samples.PDF)
        )
    assert SubmissionVersion.objects.count() == 0
    services.submission_submit(
        enrollment=other, assignment=assignment, upload=SimpleUploadedFile("plan.pdf", samples.PDF)
    )
    assert SubmissionVersion.objects.count() == 1


def test_the_assignment_page_answers_429_past_the_upload_limit(client, settings, clock):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cohorts.models import SubmissionVersion
    from tests import upload_samples as samples

    settings.RATE_LIMITS = "upload=1/m"
    assignment, teacher, _other = _file_assignment()
    client.force_login(teacher.teacher)
    url = reverse("cohorts:assignment", args=[teacher.pk, assignment.pk])
    client.post(url, {"file": SimpleUploadedFile("x.html", b"<html><script>")})
    refused = client.post(url, {"file": SimpleUploadedFile("plan.pdf", samples.PDF)})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert WAIT in refused.content.decode()
    assert SubmissionVersion.objects.count() == 0


def test_the_api_answers_429_past_the_upload_limit(client, settings, clock):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import upload_samples as samples

    settings.RATE_LIMITS = "upload=1/m"
    assignment, teacher, _other = _file_assignment()
    client.force_login(teacher.teacher)
    data = {"enrollment": teacher.pk, "assignment": assignment.pk}
    client.post("/api/v1/submissions/", {**data, "file": SimpleUploadedFile("x.html", b"<html>")})
    refused = client.post(
        "/api/v1/submissions/", {**data, "file": SimpleUploadedFile("plan.pdf", samples.PDF)}
    )
    assert refused.status_code == 429
    assert refused.json() == {"detail": [WAIT]}
