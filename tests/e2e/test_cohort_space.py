"""A teacher who just enrolled goes from the course player to her cohort's discussion at once."""

from playwright.sync_api import expect

from cohorts.services import enrollment_enrol
from tests.cohorts.factories import CohortFactory, LessonFactory
from tests.factories import TeacherFactory


def test_from_the_player_to_the_cohort_discussion(page, live_server, login_as, shot):
    cohort = CohortFactory(self_enrollment=True, title="Поток весна-2027")
    LessonFactory(module__course=cohort.course, title="Введение")
    teacher = TeacherFactory(full_name="Ольга Смирнова")
    enrollment = enrollment_enrol(cohort=cohort, teacher=teacher)

    login_as(teacher)
    page.goto(f"{live_server.url}/learn/my/{enrollment.pk}/")
    page.get_by_role("link", name="Cohort discussion").click()
    expect(page.get_by_role("heading", name="Поток весна-2027")).to_be_visible()
    shot("cohort-space-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/learn/my/{enrollment.pk}/")
    expect(page.get_by_role("link", name="Cohort discussion")).to_be_visible()
    shot("cohort-space-player-phone")
