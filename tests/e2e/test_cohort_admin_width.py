"""The cohort admin form fits a 1366 px screen (issue item 11: it was 2,152 px wide), for a superuser
and for a curator, on the add and on the change page, with a live session and a seat quota in it."""

import pytest

from tests.cohorts.factories import CohortFactory, LiveSessionFactory, SeatQuotaFactory
from tests.factories import CuratorFactory, MunicipalityFactory, SchoolFactory, SuperuserFactory

WIDTH = 1366
LONG_SCHOOL = "Муниципальное общеобразовательное учреждение «Средняя общеобразовательная школа № 12 имени Героя Советского Союза А. И. Покрышкина с углублённым изучением отдельных предметов»"

WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 1)
    .slice(0, 8)
    .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`);
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": WIDTH, "height": 768}}


@pytest.fixture
def cohort():
    municipality = MunicipalityFactory(name="Городской округ город Переславль-Залесский Ярославской области")
    school = SchoolFactory(name=LONG_SCHOOL, municipality=municipality)
    cohort = CohortFactory(
        title="Формирующее оценивание на уроках литературы в основной школе, поток весна 2027"
    )
    LiveSessionFactory(
        cohort=cohort,
        title="Вебинар: критериальное оценивание письменных работ обучающихся 5–9 классов",
        starts_at=cohort.enrollment_opens_at,
        link="https://webinar.example.org/rooms/formative-assessment-literature-2027-spring-stream-1",
        recording_url="https://video.example.org/recordings/formative-assessment-literature-2027-spring-1",
        checkin_code="ABC123",
    )
    SeatQuotaFactory(cohort=cohort, school=school, seats=5)
    cohort.restricted_to_schools.add(school)
    cohort.restricted_to_municipalities.add(municipality)
    return cohort


def _assert_fits(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width == WIDTH, page.evaluate(WIDEST)  # the page is exactly the window: nothing sticks out


@pytest.mark.parametrize("who", ["superuser", "curator"])
def test_cohort_admin_add_and_change_fit_1366_px(page, live_server, login_as, cohort, who):
    user = SuperuserFactory() if who == "superuser" else CuratorFactory()
    if who == "curator":
        cohort.curators.add(user)
    login_as(user)
    _assert_fits(page, f"{live_server.url}/admin/cohorts/cohort/add/")
    _assert_fits(page, f"{live_server.url}/admin/cohorts/cohort/{cohort.pk}/change/")
