"""Mentoring journey: the school administrator creates a pair from a suggestion, both accept, the mentor
logs a meeting and sets a goal, the mentee completes the goal."""

import pytest
from django.utils import timezone

from mentoring.models import Meeting, MentoringPair, PairGoal, PairState
from tests.factories import SchoolAdminFactory, SchoolFactory, SubjectFactory
from tests.mentoring.factories import CompetencyFactory, MentorFactory, YoungTeacherFactory


def _switch_user(page, login_as, user):
    page.context.clear_cookies()
    login_as(user)


@pytest.mark.e2e
def test_admin_pairs_from_a_suggestion_both_accept_meeting_and_goal(page, live_server, login_as, shot):
    school = SchoolFactory(name="Gymnasium No. 5")
    math = SubjectFactory(code="math", name="Mathematics")
    admin = SchoolAdminFactory(school=school, full_name="Head Olga")
    mentee = YoungTeacherFactory(school=school, full_name="Young Anna")
    mentee.subjects.set([math])
    mentor = MentorFactory(school=school, full_name="Senior Boris", years_of_experience=20)
    mentor.subjects.set([math])
    other = MentorFactory(school=SchoolFactory(municipality=school.municipality), full_name="Distant Vera")
    other.subjects.set([math])
    CompetencyFactory(code="A1.1", name="Differentiated instruction")

    login_as(admin)
    page.get_by_role("link", name="Mentoring").first.click()
    page.get_by_role("link", name="Young teachers without a mentor").click()
    shot("mentoring-matching")
    page.locator(f"tr[data-mentee='{mentee.pk}']").get_by_role("link", name="Suggested mentors").click()
    names = page.locator("#suggestions li .fw-semibold").all_inner_texts()
    assert names == ["1. Senior Boris", "2. Distant Vera"]
    shot("mentoring-suggestions")
    page.locator(f"li[data-mentor='{mentor.pk}']").get_by_role("button", name="Create pair").click()
    page.wait_for_load_state("networkidle")
    assert "The pair is proposed" in page.locator(".alert").first.inner_text()
    pair = MentoringPair.objects.get()
    assert pair.state == PairState.PROPOSED
    shot("mentoring-pair-proposed")

    for person in (mentor, mentee):
        _switch_user(page, login_as, person)
        page.goto(f"{live_server.url}/mentoring/pairs/{pair.pk}/")
        page.locator("#accept-pair").click()
        page.wait_for_load_state("networkidle")
    pair.refresh_from_db()
    assert pair.state == PairState.ACTIVE
    assert page.locator("[data-state]").first.inner_text() == "Active"

    _switch_user(page, login_as, mentor)
    page.goto(f"{live_server.url}/mentoring/pairs/{pair.pk}/")
    form = page.locator("#meeting-form")
    form.locator("input[name=date]").fill(timezone.localdate().isoformat())
    form.locator("select[name=kind]").select_option("lesson_observation")
    form.locator("textarea[name=notes]").fill("Observed a 6th grade lesson on fractions.")
    form.locator("textarea[name=next_steps]").fill("Try an exit ticket at the end.")
    form.get_by_role("button", name="Save meeting").click()
    page.wait_for_load_state("networkidle")
    assert "The meeting is logged." in page.locator(".alert").first.inner_text()
    assert Meeting.objects.get(pair=pair).notes == "Observed a 6th grade lesson on fractions."
    page.locator("#goals summary").click()
    goal_form = page.locator("#goal-form")
    goal_form.locator("input[name=title]").fill("Plan a lesson with three levels of tasks")
    goal_form.locator("select[name=competency]").select_option(label="A1.1 Differentiated instruction")
    goal_form.locator("input[name=due_date]").fill(timezone.localdate().isoformat())
    goal_form.get_by_role("button", name="Add goal").click()
    page.wait_for_load_state("networkidle")
    shot("mentoring-workspace-mentor")

    _switch_user(page, login_as, mentee)
    page.goto(f"{live_server.url}/mentoring/pairs/{pair.pk}/")
    goal = PairGoal.objects.get(pair=pair)
    page.locator(f"li[data-goal='{goal.pk}']").get_by_role("button", name="Mark done").click()
    page.wait_for_load_state("networkidle")
    goal.refresh_from_db()
    assert goal.state == "done"
    assert page.locator(f"li[data-goal='{goal.pk}'] .goal-state").inner_text() == "Done"
    shot("mentoring-workspace-mentee")

    page.goto(f"{live_server.url}/cabinet/")
    assert "Your mentor: Senior Boris" in page.locator("#my-development").inner_text()
    shot("mentoring-cabinet")
