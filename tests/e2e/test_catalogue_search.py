"""A visitor with a Russian browser mistypes a word and still finds the course; a worse typo gets
"did you mean", one click away from the course (1366 px and phone)."""

from playwright.sync_api import expect

from courses.search import refresh_search_vectors
from tests.conftest import requires_postgres
from tests.courses.factories import CourseFactory
from tests.e2e.conftest import SHOTS


@requires_postgres()
def test_a_russian_visitor_finds_a_course_despite_typos(browser, live_server):
    CourseFactory(slug="burnout", title="Профилактика профессионального выгорания педагогов")
    CourseFactory(slug="grading", title="Формирующее оценивание на уроке")
    refresh_search_vectors()
    context = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 860})
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/courses/")
    page.fill("#catalogue-q", "выгарание")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Профилактика профессионального выгорания педагогов")
    expect(page.locator("main")).not_to_contain_text("Формирующее оценивание на уроке")

    page.fill("#catalogue-q", "праффилоктика")
    page.keyboard.press("Enter")
    expect(page.locator("#no-results")).to_contain_text("Подходящих курсов нет")
    expect(page.locator("#did-you-mean")).to_contain_text("Возможно, вы имели в виду: профилактика?")
    page.screenshot(path=str(SHOTS / "catalogue-did-you-mean-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "catalogue-did-you-mean-phone.png"), full_page=True)

    page.locator("#did-you-mean a").click()
    expect(page.locator("#catalogue-q")).to_have_value("профилактика")
    expect(page.locator("main")).to_contain_text("Профилактика профессионального выгорания педагогов")
    context.close()
