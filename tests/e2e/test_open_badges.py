"""Browser: a teacher downloads the Open Badge (JSON and baked PNG) from the certificate page; an anonymous
visitor uploads each on the verify page and sees "valid"; once revoked, the same file shows "revoked".
At 1366 px and at a phone's width."""

import json

import pytest

from cohorts.certificates.services import certificate_issue, certificate_revoke
from cohorts.models import Enrollment
from tests.cohorts.factories import CohortFactory, EnrollmentFactory
from tests.courses.factories import CourseFactory
from tests.factories import TeacherFactory

from .conftest import SHOTS

pytestmark = pytest.mark.e2e
WIDTHS = {"desktop": {"width": 1366, "height": 860}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_teacher_downloads_the_badge_and_a_visitor_verifies_it(page, live_server, login_as, browser, screen):
    teacher = TeacherFactory(full_name="Мельникова Ольга Игоревна", preferred_language="ru")
    course = CourseFactory(title="Формирующее оценивание на уроках математики", hours=72)
    cohort = CohortFactory(course=course, status="finished", title="Зимний поток")
    enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher, state=Enrollment.State.COMPLETED)
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    page.set_viewport_size(WIDTHS[screen])

    login_as(teacher)
    page.goto(f"{live_server.url}/cabinet/")
    page.locator("a.certificate-page-link").click()
    page.locator("a.badge-png").wait_for()
    page.screenshot(path=str(SHOTS / f"badges-1-certificate-page-{screen}.png"), full_page=True)
    files = {}
    for fmt in ("json", "png"):
        with page.expect_download() as info:
            page.locator(f"a.badge-{fmt}").click()
        download = info.value
        assert download.suggested_filename == f"open-badge-{certificate.number}.{fmt}"
        files[fmt] = SHOTS / f"badges-downloaded-{screen}.{fmt}"
        download.save_as(str(files[fmt]))
    assert json.loads(files["json"].read_text())["type"] == ["VerifiableCredential", "OpenBadgeCredential"]

    visitor = browser.new_context(locale="ru-RU", viewport=WIDTHS[screen])
    anonymous = visitor.new_page()
    for fmt in ("json", "png"):
        anonymous.goto(f"{live_server.url}/verify/")
        anonymous.set_input_files("input[name=credential]", str(files[fmt]))
        anonymous.locator("form.badge-upload button[type=submit]").click()
        anonymous.locator("[data-status=valid]").wait_for()
        assert anonymous.get_by_text("Мельникова Ольга Игоревна").is_visible()
    anonymous.screenshot(path=str(SHOTS / f"badges-2-verify-valid-{screen}.png"), full_page=True)

    certificate_revoke(certificate=certificate, actor=None, reason="Ошибка в данных")
    anonymous.goto(f"{live_server.url}/verify/")
    anonymous.set_input_files("input[name=credential]", str(files["png"]))
    anonymous.locator("form.badge-upload button[type=submit]").click()
    anonymous.locator("[data-status=revoked]").wait_for()
    assert anonymous.get_by_text("Это удостоверение отозвано.").is_visible()
    anonymous.screenshot(path=str(SHOTS / f"badges-3-verify-revoked-{screen}.png"), full_page=True)

    anonymous.goto(f"{live_server.url}/verify/")
    anonymous.set_input_files(
        "input[name=credential]",
        files={"name": "notes.json", "mimeType": "application/json", "buffer": b"{oops"},
    )
    anonymous.locator("form.badge-upload button[type=submit]").click()
    anonymous.get_by_text(
        "Этот файл — не картинка значка (PNG) и не удостоверение (JSON или JWT)."
    ).wait_for()
    anonymous.screenshot(path=str(SHOTS / f"badges-4-verify-bad-file-{screen}.png"), full_page=True)
    visitor.close()
