"""A curator makes their calendar address from the profile, copies it once, subscribes (the feed is
fetched like a calendar app would), then turns it off after confirming; the address stops answering."""

from datetime import date

from icalendar import Calendar
from playwright.sync_api import expect

from tests.cohorts.factories import CohortFactory, EnrollmentFactory, LiveSessionFactory
from tests.factories import CuratorFactory


def test_curator_makes_uses_and_turns_off_the_calendar_address(page, live_server, login_as, shot):
    curator = CuratorFactory(full_name="Irina Curator")
    run = CohortFactory(
        curators=[curator],
        title="Формирующее оценивание, поток 2",
        starts_on=date(2030, 3, 1),
        ends_on=date(2030, 5, 1),
    )
    LiveSessionFactory(cohort=run, title="Установочный вебинар")
    EnrollmentFactory(cohort=run, teacher=curator)  # the curator also learns there: their own feed has it

    login_as(curator)
    page.set_viewport_size({"width": 1366, "height": 860})
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_role("link", name="Set up a calendar feed").click()
    expect(page.get_by_text("You have no calendar address yet.")).to_be_visible()
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_text("it is shown only once", exact=False).first).to_be_visible()
    address = page.locator("#feed-url").input_value()
    cohort_address = page.locator(f"#cohort-feed-{run.pk}").input_value()
    assert address.startswith(f"{live_server.url}/calendar/") and address.endswith(".ics")
    assert cohort_address.endswith(f"/cohort/{run.pk}.ics")
    shot("calendar-feed-made-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("calendar-feed-made-phone")
    page.set_viewport_size({"width": 1366, "height": 860})

    fetched = page.request.get(address)  # what a calendar app does: no sign-in, the address is the key
    assert fetched.status == 200
    [entry] = Calendar.from_ical(fetched.body()).events
    assert str(entry["SUMMARY"]) == "Установочный вебинар · Формирующее оценивание, поток 2"
    assert page.request.get(cohort_address).status == 200

    page.reload()
    expect(page.locator("#feed-url")).to_have_count(0)  # shown once only
    page.get_by_role("link", name="Turn the address off").click()
    expect(page.get_by_role("heading", name="Turn the calendar address off")).to_be_visible()
    shot("calendar-feed-confirm-off-1366")
    page.get_by_role("button", name="Yes, turn it off").click()
    expect(page.get_by_text("Your calendar address is turned off.", exact=False)).to_be_visible()
    expect(page.get_by_text("You have no calendar address yet.")).to_be_visible()
    assert page.request.get(address).status == 404
    assert page.request.get(cohort_address).status == 404
