"""A methodologist reads a course-feedback survey like the research does: the aspects with the most negative
answers first (the vulnerable one flagged in words, not only in colour), then three cohorts compared in one
table with a difference column and a chart — at 1366 px and on a phone."""

from datetime import date

import pytest

from surveys import services
from surveys.models import Survey
from tests.factories import MethodologistFactory
from tests.surveys.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.e2e


def _answer(survey, cohort, questions, rows):
    for values in rows:
        e = EnrollmentFactory(cohort=cohort)
        services.response_submit(
            survey=survey,
            user=e.teacher,
            cohort=cohort,
            answers=dict(zip([q.pk for q in questions], values, strict=True)),
        )


def test_methodologist_sorts_by_negative_share_and_compares_three_cohorts(
    page, live_server, login_as, shot, settings
):
    settings.SURVEYS_ANONYMITY_K = 3  # small cohorts; the threshold's own attacks are in tests/surveys
    author = MethodologistFactory(full_name="Olga Methodologist")
    course = CourseFactory(title="Formative assessment in the primary school")
    autumn = CohortFactory(course=course, title="Autumn 2025", starts_on=date(2025, 10, 1))
    winter = CohortFactory(course=course, title="Winter 2026", starts_on=date(2026, 1, 15))
    spring = CohortFactory(course=course, title="Spring 2026", starts_on=date(2026, 4, 1))
    survey = SurveyFactory(
        title="Course feedback",
        kind=Survey.Kind.FEEDBACK,
        is_anonymous=True,
        audience=Survey.Audience.COHORT,
        cohorts=[autumn, winter, spring],
        authors=[author],
        vulnerable_threshold=30,
    )
    content = SectionFactory(survey=survey, title="Content", position=1)
    organisation = SectionFactory(survey=survey, title="Organisation", position=2)
    relevance = QuestionFactory(section=content, text="Relevance of the content to my work", position=1)
    practice = QuestionFactory(section=content, text="Practice orientation", position=2)
    timing = QuestionFactory(section=organisation, text="Timing of the online sessions", position=1)
    questions = [relevance, practice, timing]
    _answer(survey, autumn, questions, [[5, 4, 4], [4, 4, 3], [5, 3, 4]])
    # Anonymous answers are released K at a time: six in winter, so all of them count.
    _answer(survey, winter, questions, [[5, 4, 2], [4, 3, 1], [5, 5, 2], [4, 4, 4], [5, 4, 2], [4, 4, 1]])
    _answer(survey, spring, questions, [[4, 2, 1], [5, 3, 2], [4, 4, 1]])

    login_as(author)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    page.wait_for_load_state("networkidle")
    assert page.locator("tr.section-row").all_inner_texts() == ["Content", "Organisation"]
    page.select_option("#id_sort", "negative")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    table = page.locator("#results .likert-table")
    first = table.locator("tbody tr").first
    assert first.get_attribute("data-question") == str(timing.pk)
    assert first.locator(".section-name").inner_text() == "Organisation"
    assert first.locator(".neg-pct").inner_text() == "67%"  # 8 of 12 answered 1 or 2
    assert first.locator(".vulnerable").inner_text() == "⚠ vulnerable"
    assert page.locator("#reading").inner_text().endswith("1 vulnerable aspect.")
    shot("surveys-results-reading-sorted-1366")

    page.select_option("#id_compare", [str(autumn.pk), str(winter.pk), str(spring.pk)])
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    compare = page.locator("#compare")
    assert compare.locator("th.group-head").all_inner_texts() == [
        "Autumn 2025\n3 responses",
        "Winter 2026\n6 responses",
        "Spring 2026\n3 responses",
    ]
    row = compare.locator(f"tr[data-question='{timing.pk}']")
    assert row.locator(".mean").all_inner_texts() == ["3.67", "2.0", "1.33"]
    assert row.locator(".neg-pct").all_inner_texts() == ["0%", "83%", "100%"]
    assert (row.locator(".mean-diff").inner_text(), row.locator(".neg-diff").inner_text()) == (
        "-2.34",
        "+100 pp",
    )
    assert compare.locator("svg.group-chart").count() == 1
    shot("surveys-results-reading-compare-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("surveys-results-reading-compare-phone")

    # Russian first: the same reading in the methodologist's language.
    author.preferred_language = "ru"
    author.save(update_fields=["preferred_language"])
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("#compare h2").inner_text() == "Сравнение"
    assert page.locator("#results .vulnerable").first.inner_text() == "⚠ уязвимый"
    shot("surveys-results-reading-compare-ru-1366")
