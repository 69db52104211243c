"""Certificates in the admin: the cohort action issues in the background with a progress page;
methodologists of the course revoke (reason required) and re-issue; others cannot."""

import pytest
from django.urls import reverse

from accounts.roles import sync_role_groups
from cohorts.certificates.services import certificate_issue
from cohorts.models import Certificate, Enrollment
from tests.factories import CuratorFactory, MethodologistFactory

from .factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:cohorts_certificate_changelist"


@pytest.fixture(autouse=True)
def _role_permissions():
    sync_role_groups()


def _course_with_certificates(n=2):
    methodologist = MethodologistFactory()
    cohort = CohortFactory(status="finished")
    cohort.course.authors.add(methodologist)
    certificates = [
        certificate_issue(enrollment_id=EnrollmentFactory(cohort=cohort, state=Enrollment.State.COMPLETED).pk)
        for _ in range(n)
    ]
    return methodologist, cohort, certificates


def test_issue_certificates_action_runs_in_the_background(client, django_capture_on_commit_callbacks):
    methodologist = MethodologistFactory()
    cohort = CohortFactory(status="finished")
    cohort.course.authors.add(methodologist)
    for _ in range(3):
        EnrollmentFactory(cohort=cohort, state=Enrollment.State.COMPLETED)
    client.force_login(methodologist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:cohorts_cohort_changelist"),
            {"action": "issue_certificates", "_selected_action": [cohort.pk]},
        )
    assert response.status_code == 302
    assert Certificate.objects.filter(enrollment__cohort=cohort).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "3 of 3 done, 0 failed" in page


def test_methodologist_revokes_with_a_reason_only(client):
    methodologist, _cohort, (first, second) = _course_with_certificates()
    client.force_login(methodologist)
    url = reverse(CHANGELIST)
    form = client.post(url, {"action": "revoke_action", "_selected_action": [first.pk]})
    assert form.status_code == 200 and "reason" in form.content.decode()
    client.post(url, {"action": "revoke_action", "_selected_action": [first.pk], "reason": "   "})
    first.refresh_from_db()
    assert first.revoked_at is None
    client.post(url, {"action": "revoke_action", "_selected_action": [first.pk], "reason": "Не та фамилия"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.revoked_reason, first.revoked_by) == ("Не та фамилия", methodologist)
    assert second.revoked_at is None
    confirm = client.post(url, {"action": "reissue_action", "_selected_action": [first.pk]})
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    first.refresh_from_db()
    assert first.reissue_count == 0  # nothing happens before the reason is given
    client.post(
        url, {"action": "reissue_action", "_selected_action": [first.pk], "reason": "Исправлена фамилия"}
    )
    first.refresh_from_db()
    assert first.revoked_at is None and first.reissue_count == 1


@pytest.mark.parametrize("who", ["other_methodologist", "curator"])
def test_others_cannot_revoke(client, who):
    _methodologist, cohort, (certificate, _second) = _course_with_certificates()
    user = MethodologistFactory() if who == "other_methodologist" else CuratorFactory()
    if who == "curator":
        cohort.curators.add(user)  # the curator sees the cohort's certificates, but may not revoke
    client.force_login(user)
    client.post(
        reverse(CHANGELIST), {"action": "revoke_action", "_selected_action": [certificate.pk], "reason": "x"}
    )
    client.post(
        reverse(CHANGELIST), {"action": "reissue_action", "_selected_action": [certificate.pk], "reason": "x"}
    )
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.reissue_count == 0


@pytest.mark.parametrize("n", [2, 6])
def test_verify_page_and_admin_list_in_constant_queries(client, n, django_assert_max_num_queries):
    methodologist, _cohort, certificates = _course_with_certificates(n)
    with django_assert_max_num_queries(1):
        assert client.get(reverse("certificate_verify", args=[certificates[-1].code])).status_code == 200
    client.force_login(methodologist)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(CHANGELIST)).status_code == 200


def test_change_page_and_template_form_open_without_showing_the_code(client):
    methodologist, _cohort, (certificate, _second) = _course_with_certificates()
    client.force_login(methodologist)
    response = client.get(reverse("admin:cohorts_certificate_change", args=[certificate.pk]))
    assert response.status_code == 200
    assert certificate.code not in response.content.decode()
    assert client.get(reverse("admin:cohorts_certificatetemplate_add")).status_code == 200
