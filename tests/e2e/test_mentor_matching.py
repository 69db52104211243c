"""Better matching in the browser: a school administrator opens the suggestions for a young teacher, sees
the best five with their badges (a former, stopped mentor is left out), filters by subject, shows more,
and proposes one, at 1366 px and on a phone."""

import pytest

from accounts.models import Level
from mentoring.models import MentoringPair, MentorProfile, PairState
from tests.factories import SchoolAdminFactory, SchoolFactory, SubjectFactory
from tests.mentoring.factories import MentorFactory, MentorProfileFactory, PairFactory, YoungTeacherFactory


@pytest.mark.e2e
@pytest.mark.parametrize(("width", "height", "tag"), [(1366, 900, "desktop"), (390, 844, "phone")])
def test_admin_filters_shows_more_and_proposes(page, live_server, login_as, shot, width, height, tag):
    page.set_viewport_size({"width": width, "height": height})
    school = SchoolFactory(name="Gymnasium No. 5")
    neighbour = SchoolFactory(name="School No. 12", municipality=school.municipality)
    math = SubjectFactory(code="math", name="Mathematics")
    physics = SubjectFactory(code="physics", name="Physics")
    upper, _created = Level.objects.get_or_create(code="upper_secondary")
    admin = SchoolAdminFactory(school=school, full_name="Head Olga")
    mentee = YoungTeacherFactory(school=school, full_name="Young Anna")
    mentee.subjects.set([math])
    mentee.school_levels.set([upper])
    mentors = []
    for i in range(7):
        mentor = MentorFactory(
            school=school if i < 3 else neighbour,
            full_name=f"Mentor {chr(65 + i)}",
            years_of_experience=30 - i,
        )
        mentor.subjects.set([math] if i != 6 else [physics])
        mentor.school_levels.set([upper])
        profile = MentorProfileFactory(
            user=mentor, capacity=2, can_help_with="Open lessons and formative assessment"
        )
        profile.levels.set([upper])
        mentors.append(mentor)
    former = MentorFactory(school=school, full_name="Former Petr", years_of_experience=35)
    former.subjects.set([math])
    PairFactory(mentor=former, mentee=mentee, state=PairState.STOPPED, stop_reason="Schedules clashed")

    login_as(admin)
    page.goto(f"{live_server.url}/mentoring/matching/")
    page.locator(f"tr[data-mentee='{mentee.pk}']").get_by_role("link", name="Suggested mentors").click()
    names = page.locator("#suggestions li .fw-semibold").all_inner_texts()
    assert names == [f"{n}. Mentor {c}" for n, c in zip(range(1, 6), "ABCDE", strict=True)]
    first = page.locator(f"li[data-mentor='{mentors[0].pk}'] .badges").inner_text()
    for badge in (
        "same subject",
        "same school level",
        "same school",
        "same municipality",
        "opted in",
        "2 free places",
    ):
        assert badge in first
    assert "Former Petr" not in page.locator("#suggestions").inner_text()
    shot(f"matching-suggestions-{tag}")

    page.locator("#f-subject").select_option(label="Physics")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#suggestions li .fw-semibold").all_inner_texts() == ["1. Mentor G"]
    shot(f"matching-filtered-{tag}")

    page.get_by_role("link", name="Reset").click()
    page.get_by_role("link", name="Show more").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#suggestions li").count() == 7
    assert page.locator("#show-more").count() == 0
    shot(f"matching-more-{tag}")

    page.locator(f"li[data-mentor='{mentors[5].pk}']").get_by_role("button", name="Create pair").click()
    page.wait_for_load_state("networkidle")
    assert "The pair is proposed" in page.locator(".alert").first.inner_text()
    pair = MentoringPair.objects.get(state=PairState.PROPOSED)
    assert (pair.mentor_id, pair.mentee_id) == (mentors[5].pk, mentee.pk)
    shot(f"matching-proposed-{tag}")


@pytest.mark.e2e
@pytest.mark.parametrize(("width", "height", "tag"), [(1366, 900, "desktop"), (390, 844, "phone")])
def test_teacher_opts_in_on_the_mentor_profile_page(page, live_server, login_as, shot, width, height, tag):
    page.set_viewport_size({"width": width, "height": height})
    math = SubjectFactory(code="math", name="Mathematics")
    primary, _created = Level.objects.get_or_create(code="primary")
    teacher = MentorFactory(full_name="Senior Boris", years_of_experience=20)
    teacher.subjects.set([math])

    login_as(teacher)
    page.goto(f"{live_server.url}/mentoring/")
    page.get_by_role("link", name="My mentor profile").click()
    form = page.locator("#mentor-profile-form")
    form.get_by_label("I am willing to mentor a young colleague").check()
    form.locator("input[name=capacity]").fill("3")
    form.get_by_label("Mathematics").check()
    form.get_by_label("Primary school (grades 1-4)").check()
    form.locator("textarea[name=can_help_with]").fill("Open lessons, working with parents")
    form.locator("input[name=capacity]").fill("12")
    form.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert (
        "Ensure this value is less than or equal to 10." in page.locator("#mentor-profile-form").inner_text()
    )
    assert not MentorProfile.objects.filter(user=teacher).exists()
    shot(f"mentor-profile-error-{tag}")

    page.locator("#mentor-profile-form input[name=capacity]").fill("3")
    page.locator("#mentor-profile-form").get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert "Your mentor profile is saved." in page.locator(".alert").first.inner_text()
    profile = MentorProfile.objects.get(user=teacher)
    assert (profile.willing, profile.capacity, profile.can_help_with) == (
        True,
        3,
        "Open lessons, working with parents",
    )
    assert [lv.code for lv in profile.levels.all()] == [primary.code]
    assert page.locator("#mentor-profile-form input[name=willing]").is_checked()
    shot(f"mentor-profile-saved-{tag}")
