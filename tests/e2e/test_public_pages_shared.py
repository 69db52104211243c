"""An anonymous visitor on the public catalogue and a course page (pages a proxy may share: no CSRF token,
docs/decisions/0363-reverse-proxy-page-cache.md): the language switcher works without a token, the
course page's enrol button leads to sign-in and back, and a signed-in teacher's switcher still saves the
preference (1366 px and phone)."""

from playwright.sync_api import expect

from tests.cohorts.factories import CohortFactory
from tests.courses.factories import course_with_structure
from tests.e2e.conftest import PASSWORD
from tests.factories import TeacherFactory


def test_an_anonymous_visitor_switches_the_language_and_signs_in_to_enrol(page, live_server, shot, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    course = course_with_structure(title="Формирующее оценивание на уроке")
    CohortFactory(course=course, title="Весенний поток")
    page.set_viewport_size({"width": 1366, "height": 860})
    page.goto(f"{live_server.url}/courses/")
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    assert page.context.cookies() == []  # nothing per visitor: the page is the same for everyone
    page.locator("#language-menu").click()
    page.locator("button[data-lang=uk]").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/courses/"
    assert page.locator("html").get_attribute("lang") == "uk"
    expect(page.locator("h1")).to_have_text("Каталог курсів")
    shot("public-catalogue-uk-1366")

    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})
    shot("public-course-uk-phone")
    page.locator("#open-cohorts a.btn-primary").first.click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next={course.get_absolute_url()}")

    teacher = TeacherFactory(preferred_language="en")
    page.fill("input[name=login]", teacher.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}{course.get_absolute_url()}")
    assert page.locator("#language-form input[name=csrfmiddlewaretoken]").count() == 1
    page.locator(".navbar-toggler").click()
    page.locator("#language-menu").click()
    page.locator("button[data-lang=ru]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "ru"
    teacher.refresh_from_db()
    assert teacher.preferred_language == "ru"
    shot("public-course-signed-in-ru-phone")
