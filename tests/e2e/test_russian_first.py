"""Issue #17's browser test: a teacher signs up with a Russian browser, confirms the e-mail (the mail names
the platform, never example.com), completes a course and downloads a Russian certificate."""

import io
import re

import pytest
from django.conf import settings
from django.core import mail
from pypdf import PdfReader

from accounts.models import User
from cohorts.certificates.services import certificate_issue
from cohorts.models import Enrollment
from tests.cohorts.factories import CohortFactory, CourseFactory, EnrollmentFactory, LessonFactory
from tests.e2e.conftest import SHOTS
from tests.factories import SchoolFactory, SubjectFactory

pytestmark = [pytest.mark.e2e, pytest.mark.site_language]


def test_a_russian_browser_gets_a_russian_account_mail_and_certificate(browser, live_server):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 860})
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    school = SchoolFactory(name="Гимназия № 1")
    subject = SubjectFactory(code="math", name="Математика")
    email = "olga.petrova@example.org"

    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.fill("input[name=email]", email)
    page.fill("input[name=full_name]", "Петрова Ольга Николаевна")
    page.fill("input[name=password1]", "Str0ng-enough-pass")
    page.fill("input[name=password2]", "Str0ng-enough-pass")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert User.objects.get(email=email).preferred_language == "ru"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = f"{message.subject}\n{message.body}"
    assert "example.com" not in text
    assert settings.SITE_NAME in text
    assert re.search("[а-яё]{4,}", message.body)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "Str0ng-enough-pass")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/profile/" in page.url
    # The profile form itself is the foundation journey's (tests/e2e/test_foundation_journey.py, ru too).
    teacher = User.objects.get(email=email)
    User.objects.filter(pk=teacher.pk).update(school=school, position="teacher", years_of_experience=2)
    teacher.subjects.add(subject)

    # She learns the course in the browser: its one required lesson done completes it.
    cohort = CohortFactory(
        title="Зимний поток",
        course=CourseFactory(title="Формирующее оценивание", language="ru"),
        require_lessons=True,
        require_assignments=False,
        require_feedback=False,
        min_attendance_percent=None,
    )
    lesson = LessonFactory(module__course=cohort.course, title="Обратная связь на уроке", body="Текст урока.")
    enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher)
    page.goto(f"{live_server.url}/learn/my/{enrollment.pk}/lesson/{lesson.pk}/")
    page.locator("main form button.btn-success").click()
    page.wait_for_load_state("networkidle")
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.COMPLETED
    # The worker's part (tests/cohorts/test_certificates_worker.py) is run here in the test's process.
    certificate = certificate_issue(enrollment_id=enrollment.pk)

    page.goto(f"{live_server.url}/cabinet/")
    link = page.locator("a.certificate-link")
    link.wait_for()
    page.screenshot(path=str(SHOTS / "russian-first-cabinet.png"), full_page=True)
    with page.expect_download() as info:
        link.click()
    path = SHOTS / "russian-first-certificate.pdf"
    info.value.save_as(str(path))
    pdf = PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()
    assert "Петрова Ольга Николаевна" in pdf
    assert certificate.number in pdf
    assert "УДОСТОВЕРЕНИЕ" in pdf
    assert re.findall(r"\b[A-Za-z]{3,}\b", re.sub(r"https?://\S+|PD-\d+-\d+", " ", pdf)) == []
    context.close()
