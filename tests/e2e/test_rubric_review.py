"""A curator reviews a work with a rubric; the teacher sees the rubric with the chosen levels highlighted."""

from django.urls import reverse
from playwright.sync_api import expect

from cohorts.services import submission_submit
from courses.services import rubric_criterion_create
from tests.cohorts.factories import AssignmentFactory, CohortFactory, EnrollmentFactory, ModuleFactory
from tests.factories import CuratorFactory, TeacherFactory


def test_a_curator_reviews_with_a_rubric_and_the_teacher_sees_the_levels(page, live_server, login_as, shot):
    module = ModuleFactory(course__title="Формирующее оценивание на уроке")
    curator = CuratorFactory(full_name="Ирина Куратор")
    cohort = CohortFactory(course=module.course, curators=[curator])
    assignment = AssignmentFactory(module=module, title="Конспект урока")
    rubric_criterion_create(
        user=None,
        assignment=assignment,
        title="Цель урока",
        levels=[
            (3, "Цель измерима и сформулирована через результат ученика"),
            (1, "Цель названа в общих словах"),
            (0, "Цель не указана"),
        ],
    )
    rubric_criterion_create(
        user=None,
        assignment=assignment,
        title="Методы",
        levels=[(3, "Методы ведут к цели"), (1, "Методы однообразны"), (0, "Методы не описаны")],
    )
    rubric_criterion_create(
        user=None,
        assignment=assignment,
        title="Рефлексия",
        levels=[(2, "Ученики оценивают свой результат по критериям"), (0, "Рефлексии нет")],
    )
    teacher = TeacherFactory(full_name="Анна Учитель")
    enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher)
    submission = submission_submit(
        enrollment=enrollment, assignment=assignment, text="Цель: ученики составят план пересказа."
    )

    login_as(curator)
    page.goto(live_server.url + reverse("cohorts:review", args=[submission.pk]))
    page.get_by_label("3 pt. — Цель измерима и сформулирована через результат ученика").check()
    page.get_by_label("1 pt. — Методы однообразны").check()
    page.get_by_label("Comment on “Методы” (optional)").fill("Добавьте работу в парах.")
    page.get_by_label("Accepted").check()
    page.get_by_label("Comment for the teacher").fill(
        "Хороший конспект: цель ясна, осталось продумать рефлексию."
    )
    # Every criterion is required (the browser and the server refuse a missing level; tests/cohorts/test_rubrics.py).
    expect(page.get_by_label("0 pt. — Рефлексии нет")).to_have_attribute("required", "")
    shot("rubric-review-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("rubric-review-phone")
    page.set_viewport_size({"width": 1366, "height": 860})
    page.get_by_label("0 pt. — Рефлексии нет").check()
    page.get_by_role("button", name="Send the review").click()
    expect(page.get_by_text("The review is sent to the teacher.")).to_be_visible()

    page.context.clear_cookies()
    login_as(teacher)
    page.goto(live_server.url + reverse("cohorts:assignment", args=[enrollment.pk, assignment.pk]))
    chosen = page.locator(".rubric-result .rubric-level-chosen")
    expect(chosen).to_have_count(3)
    expect(chosen.nth(0)).to_contain_text("Цель измерима")
    expect(chosen.nth(1)).to_contain_text("Методы однообразны")
    expect(chosen.nth(2)).to_contain_text("Рефлексии нет")
    expect(page.locator(".rubric-result")).to_contain_text("Добавьте работу в парах.")
    expect(page.locator(".review").first).to_contain_text("4 of 8")
    shot("rubric-teacher-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("rubric-teacher-phone")
