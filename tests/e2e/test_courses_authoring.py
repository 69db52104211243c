"""A methodologist builds a course in the admin and publishes it; a teacher finds it and opens it."""

import re

from playwright.sync_api import expect

from courses.models import Course
from tests.courses.factories import CompetencyFactory, CourseFactory
from tests.factories import MethodologistFactory, SubjectFactory, TeacherFactory

DESCRIPTION_WORD = "mnemonics"


def add_inline_row(page, group: str) -> None:
    page.locator(f"#{group}-group .add-row a").click()


def test_methodologist_builds_and_publishes_a_course_teacher_finds_it(page, live_server, login_as, shot):
    SubjectFactory(code="history", name="History")
    CompetencyFactory(code="STD.3", name="Reading for meaning")
    for i in range(3):
        CourseFactory(
            title=f"Other course {i}", slug=f"other-{i}", format="distance", description="Unrelated text"
        )
    methodologist = MethodologistFactory(full_name="Helen Grant")
    teacher = TeacherFactory(full_name="Anna Ivanova")

    # --- The methodologist authors the course in the admin --------------------------------
    login_as(methodologist)
    page.goto(f"{live_server.url}/admin/courses/course/add/")
    page.locator("#id_title").press_sequentially("Memory techniques for history lessons")
    expect(page.locator("#id_slug")).to_have_value("memory-techniques-for-history-lessons")  # prepopulated
    page.fill("#id_summary", "Help students remember dates and causes without cramming.")
    page.fill(
        "#id_description", f"We practise {DESCRIPTION_WORD}, timelines and retrieval practice in class."
    )
    page.select_option("#id_format", "blended")
    page.fill("#id_hours", "18")
    page.select_option("#id_level", "basic")
    page.fill("#id_modules-0-title", "Why students forget")
    add_inline_row(page, "modules")
    page.fill("#id_modules-1-title", "Retrieval practice")
    shot("courses-admin-add-course")
    page.locator("input[name=_continue]").first.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    course = Course.objects.get(slug="memory-techniques-for-history-lessons")
    assert list(course.authors.all()) == [methodologist]
    assert list(course.modules.values_list("title", flat=True)) == [
        "Why students forget",
        "Retrieval practice",
    ]

    # Module 1: two lessons and an assignment.
    page.locator("#modules-group a.inlinechangelink").first.click()
    page.fill("#id_lessons-0-title", "The forgetting curve")
    page.select_option("#id_lessons-0-kind", "video")
    page.fill("#id_lessons-0-video_url", "https://www.youtube.com/watch?v=abc123")
    add_inline_row(page, "lessons")
    page.fill("#id_lessons-1-title", "Mnemonic devices for dates")
    page.select_option("#id_lessons-1-kind", "practicum")
    add_inline_row(page, "assignments")
    page.fill("#id_assignments-0-title", "A memory game for your class")
    page.fill("#id_assignments-0-instructions", "Design a five-minute memory game and describe how it went.")
    page.select_option("#id_assignments-0-submission_kind", "text_and_file")
    shot("courses-admin-module")
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist .success")).to_contain_text("Why students forget")

    # Module 2: one lesson.
    page.locator("#modules-group a.inlinechangelink").nth(1).click()
    page.fill("#id_lessons-0-title", "Round table: quizzing without stress")
    page.select_option("#id_lessons-0-kind", "round_table")
    page.locator("input[name=_save]").first.click()
    expect(page.locator("#modules-group")).to_contain_text("Round table: quizzing without stress")
    shot("courses-admin-course-structure")

    # Publish from the list with the action.
    page.goto(f"{live_server.url}/admin/courses/course/")
    page.locator(f"input[name=_selected_action][value='{course.pk}']").check()
    page.select_option("select[name=action]", "publish")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 course published")
    shot("courses-admin-published")
    course.refresh_from_db()
    assert course.status == "published"
    assert course.modules.get(position=1).lessons.count() == 2
    assert course.modules.get(position=1).assignments.count() == 1
    assert course.modules.get(position=2).lessons.count() == 1

    # --- A teacher finds it by a word of its description, and by a filter ---------------------
    page.context.clear_cookies()
    login_as(teacher)
    page.goto(f"{live_server.url}/courses/")
    page.fill("#catalogue-q", DESCRIPTION_WORD)
    page.locator("#catalogue-search button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    results = page.locator("#course-results .course-card")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Memory techniques for history lessons")
    shot("courses-catalogue-search")

    page.goto(f"{live_server.url}/courses/")
    expect(page.locator("#course-results .course-card")).to_have_count(4)
    page.locator("#format-blended").check()  # the filter form submits itself on change
    page.wait_for_url(re.compile(r"format=blended"))
    expect(page.locator("#course-results .course-card")).to_have_count(1)
    expect(page.locator("#active-filters")).to_contain_text("Blended")
    shot("courses-catalogue-filter")

    page.locator("#course-results a.course-link").first.click()
    expect(page.locator("h1")).to_have_text("Memory techniques for history lessons")
    expect(page.locator("#structure")).to_contain_text("Why students forget")
    expect(page.locator("#structure")).to_contain_text("The forgetting curve")
    expect(page.locator("#authors")).to_contain_text("Helen Grant")
    expect(page.locator("#open-cohorts")).to_be_visible()
    shot("courses-course-page")

    # The same pages on a phone: filters live in an off-canvas panel.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/courses/?format=blended")
    expect(page.locator("#catalogueFilters")).not_to_be_visible()
    page.get_by_role("button", name=re.compile("Filters")).click()
    expect(page.locator("#catalogueFilters")).to_have_class(re.compile(r"\bshow\b"))
    page.wait_for_function("!document.querySelector('#catalogueFilters').classList.contains('showing')")
    expect(page.locator("#catalogueFilters #format-blended")).to_be_checked()
    shot("courses-catalogue-phone-filters")
