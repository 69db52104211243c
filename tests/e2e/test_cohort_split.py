"""A curator splits a mass intake into groups by level in the admin, looks at the groups, then undoes it."""

from playwright.sync_api import expect

from cohorts.models import Cohort, Enrollment
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, LiveSessionFactory
from tests.factories import CuratorFactory


def test_curator_splits_an_intake_and_undoes_it(page, live_server, login_as, shot):
    curator = CuratorFactory(full_name="Irina Curator")
    intake = CohortFactory(title="Mass intake 2026", capacity=40, curators=[curator])
    LiveSessionFactory(cohort=intake, title="Kick-off webinar")
    for score in [95, 90, None, 70, 65, None, 40, 30, None]:
        EnrollmentFactory(cohort=intake, placement_score=score)

    login_as(curator)
    page.goto(f"{live_server.url}/admin/cohorts/cohort/")
    page.locator(f"input[name=_selected_action][value='{intake.pk}']").check()
    page.select_option("select[name=action]", "split_action")
    page.locator("button[name=index]").click()
    page.fill("input[name=groups]", "3")
    page.fill("input[name=max_size]", "3")
    page.get_by_label("Put them into the introductory group(s)").check()
    shot("cohort-split-1-form")
    page.locator("input[type=submit][value=Split]").click()

    expect(page.locator("[data-state=done]")).to_be_visible()
    result = page.locator("#split-result")
    expect(result.locator("li")).to_have_count(3)
    expect(result).to_contain_text("Mass intake 2026 — advanced level")
    expect(result).to_contain_text("Mass intake 2026 — introductory level")
    shot("cohort-split-2-groups")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("cohort-split-2-groups-phone")
    page.set_viewport_size({"width": 1366, "height": 860})
    introductory = Cohort.objects.get(parent=intake, level="introductory")
    assert list(introductory.enrollments.values_list("placement_score", flat=True)) == [None, None, None]
    assert introductory.sessions.get().title == "Kick-off webinar"

    result.get_by_role("link", name="Undo the split…").click()
    expect(page.get_by_role("heading", name="Undo the split: Mass intake 2026")).to_be_visible()
    shot("cohort-split-3-confirm")
    page.get_by_role("button", name="Undo the split").click()
    expect(
        page.get_by_text("The split is undone: every teacher is back in “Mass intake 2026”.")
    ).to_be_visible()
    expect(page.locator("#split-result")).to_contain_text("The split was undone on")
    shot("cohort-split-4-undone")
    assert Cohort.objects.filter(parent=intake).count() == 0
    assert Enrollment.objects.filter(cohort=intake).count() == 9
