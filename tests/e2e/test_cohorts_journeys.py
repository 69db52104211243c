"""Browser journeys of the learning flow: enrol → lessons → submit → review → read; nominate → accept."""

import pytest

from cohorts.models import Enrollment, Submission
from tests.cohorts.factories import AssignmentFactory, CohortFactory, LessonFactory, ModuleFactory
from tests.factories import CuratorFactory, SchoolAdminFactory, TeacherFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_teacher_enrols_learns_submits_and_reads_the_review(page, live_server, login_as, shot):
    module = ModuleFactory(title="Getting started", course__title="Formative assessment in every lesson")
    lessons = [
        LessonFactory(module=module, title="Why assess for learning"),
        LessonFactory(module=module, title="Exit tickets"),
    ]
    assignment = AssignmentFactory(module=module, title="Three techniques in my lesson")
    curator = CuratorFactory(full_name="Irina Curator")
    cohort = CohortFactory(course=module.course, title="Spring cohort", curators=[curator], capacity=10)
    teacher = TeacherFactory(full_name="Anna Teacher")

    login_as(teacher)
    page.goto(f"{live_server.url}/courses/{cohort.course.slug}/")
    shot("cohorts-01-course-page")
    page.get_by_role("link", name="Enrol").first.click()
    page.check("input[name=consent]")
    shot("cohorts-02-consent")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("You are enrolled").is_visible()
    shot("cohorts-03-player")
    enrollment = Enrollment.objects.get(teacher=teacher)
    assert enrollment.state == Enrollment.State.ENROLLED

    page.get_by_role("link", name=lessons[0].title).first.click()
    page.get_by_role("button", name="Done, next lesson").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name=lessons[1].title).is_visible()
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_load_state("networkidle")
    shot("cohorts-04-lesson-done")
    assert enrollment.lesson_marks.count() == 2
    assert page.get_by_text("100%").first.is_visible()

    page.goto(f"{live_server.url}/learn/my/{enrollment.pk}/assignment/{assignment.pk}/")
    page.fill("textarea[name=text]", "I use exit tickets, traffic lights and peer review.")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state("networkidle")
    shot("cohorts-05-submitted")
    assert Submission.objects.get().state == Submission.State.SUBMITTED
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/learn/my/{enrollment.pk}/")
    shot("cohorts-05b-player-phone")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.context.clear_cookies()
    login_as(curator)
    page.get_by_role("link", name="Reviews").first.click()
    shot("cohorts-06-review-queue")
    page.get_by_role("link", name=assignment.title).click()
    page.check("input[name=decision][value=accepted]")
    page.fill("input[name=score]", "9")
    page.get_by_role("button", name="Send the review").click()
    page.wait_for_load_state("networkidle")
    assert Submission.objects.get().state == Submission.State.SUBMITTED  # a comment is required
    shot("cohorts-07-review-needs-comment")
    page.fill(
        "textarea[name=comment]",
        "Clear and practical. Try the traffic lights at the start of the lesson too.",
    )
    page.get_by_role("button", name="Send the review").click()
    page.wait_for_load_state("networkidle")
    assert Submission.objects.get().state == Submission.State.ACCEPTED

    page.context.clear_cookies()
    login_as(teacher)
    page.goto(f"{live_server.url}/cabinet/")
    shot("cohorts-08-cabinet-review")
    page.get_by_role("link", name=f"“{assignment.title}” is reviewed").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Try the traffic lights").is_visible()
    shot("cohorts-09-teacher-reads-review")
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.COMPLETED


def test_school_admin_nominates_and_teacher_accepts(page, live_server, login_as, shot):
    admin = SchoolAdminFactory(full_name="Olga Deputy Head")
    teacher = TeacherFactory(
        school=admin.school, municipality=admin.school.municipality, full_name="Pavel Teacher"
    )
    TeacherFactory(school=admin.school, municipality=admin.school.municipality, full_name="Vera Teacher")
    cohort = CohortFactory(title="Inclusive classroom, May", course__title="Inclusive education basics")

    login_as(admin)
    page.get_by_role("link", name="Nominations").first.click()
    shot("cohorts-10-nominations")
    page.get_by_role("link", name="Nominate teachers").click()
    page.get_by_label("Pavel Teacher").check()
    shot("cohorts-11-nominate")
    page.get_by_role("button", name="Nominate the selected teachers").click()
    page.wait_for_selector("[data-state=done]")
    shot("cohorts-12-bulk-done")
    assert Enrollment.objects.get(teacher=teacher, cohort=cohort).state == Enrollment.State.NOMINATED

    page.context.clear_cookies()
    login_as(teacher)
    page.goto(f"{live_server.url}/cabinet/")
    shot("cohorts-13-cabinet-nomination")
    page.get_by_role("link", name="Accept or decline").click()
    page.get_by_role("button", name="Accept the nomination").click()
    page.wait_for_load_state("networkidle")
    shot("cohorts-14-accepted")
    assert Enrollment.objects.get(teacher=teacher, cohort=cohort).state == Enrollment.State.ENROLLED

    page.context.clear_cookies()
    login_as(admin)
    page.goto(f"{live_server.url}/learn/nominations/")
    assert page.get_by_role("cell", name="Accepted").is_visible()
