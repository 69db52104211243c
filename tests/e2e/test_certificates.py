"""Browser: a teacher downloads their certificate from the cabinet; an anonymous visitor verifies it."""

import io

import pytest
from pypdf import PdfReader

from cohorts.certificates.services import certificate_issue, certificate_revoke
from cohorts.models import Enrollment
from tests.cohorts.factories import CohortFactory, EnrollmentFactory
from tests.factories import TeacherFactory

from .conftest import SHOTS

pytestmark = pytest.mark.e2e


def test_teacher_downloads_certificate_and_a_visitor_verifies_it(page, live_server, login_as, shot, browser):
    teacher = TeacherFactory(full_name="Мельникова Ольга Игоревна", preferred_language="ru")
    cohort = CohortFactory(status="finished", title="Зимний поток")
    enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher, state=Enrollment.State.COMPLETED)
    certificate = certificate_issue(enrollment_id=enrollment.pk)

    login_as(teacher)
    page.goto(f"{live_server.url}/cabinet/")
    link = page.locator("a.certificate-link")
    link.wait_for()
    shot("certificates-1-cabinet")
    with page.expect_download() as info:
        link.click()
    download = info.value
    path = SHOTS / "certificates-downloaded.pdf"
    download.save_as(str(path))
    assert download.suggested_filename == f"certificate-{certificate.number}.pdf"
    text = PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()
    assert "Мельникова Ольга Игоревна" in text
    assert certificate.number in text

    visitor = browser.new_context(locale="en-US")
    anonymous = visitor.new_page()
    anonymous.goto(f"{live_server.url}/verify/{certificate.code}/")
    assert anonymous.locator("[data-status=valid]").is_visible()
    assert anonymous.get_by_text("Мельникова Ольга Игоревна").is_visible()
    anonymous.screenshot(path=str(SHOTS / "certificates-2-verify-valid.png"), full_page=True)

    certificate_revoke(certificate=certificate, actor=None, reason="Ошибка в данных")
    anonymous.reload()
    assert anonymous.locator("[data-status=revoked]").is_visible()
    anonymous.screenshot(path=str(SHOTS / "certificates-3-verify-revoked.png"), full_page=True)

    response = anonymous.goto(f"{live_server.url}/verify/not-a-code/")
    assert response.status == 404
    assert anonymous.locator("[data-status=unknown]").is_visible()
    anonymous.screenshot(path=str(SHOTS / "certificates-4-verify-unknown.png"), full_page=True)
    visitor.close()
