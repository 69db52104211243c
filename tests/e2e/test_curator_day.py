"""The curator's home after a morning of work: what waits, the late question in red, today's code."""

from playwright.sync_api import expect

from tests.cohorts.test_curator_day import _morning
from tests.factories import CuratorFactory


def test_curators_home_after_a_morning_of_work(page, live_server, login_as, shot):
    curator = CuratorFactory(full_name="Irina Curator")
    _morning(curator, teachers=4)

    login_as(curator)
    page.goto(f"{live_server.url}/learn/curate/")
    day = page.locator("#curator-day")
    expect(day.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(page.locator("#day-reviews .badge")).to_have_attribute("data-count", "1")
    expect(page.locator("#day-questions .badge")).to_have_attribute("data-count", "2")
    expect(page.locator("#day-questions [data-late]")).to_contain_text("Where is the recording?")
    expect(page.locator("#day-sessions")).to_contain_text("PD42")
    expect(page.locator("#day-announcements")).to_contain_text("1 of 4 confirmed")
    expect(page.locator("#day-behind .badge")).to_have_attribute("data-count", "3")
    shot("curator-day-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("curator-day-phone")
    page.set_viewport_size({"width": 1366, "height": 860})

    page.locator("#day-reviews li a").first.click()
    expect(page.get_by_text("My plan for the lesson on fractions.")).to_be_visible()
