"""A curator opens the feedback results of their cohort: percentages, means, stacked bars, free texts,
and a comparison with their other cohort (one table, a difference column, a chart)."""

import pytest

from surveys import services
from tests.factories import CuratorFactory
from tests.surveys.factories import CohortFactory, CourseFactory, EnrollmentFactory, feedback_survey

pytestmark = pytest.mark.e2e


def test_curator_opens_the_feedback_results_of_a_cohort(page, live_server, login_as, shot, settings):
    # the journey reads exact figures of small cohorts; the anonymity threshold has its own attack tests
    settings.SURVEYS_ANONYMITY_K = 1
    curator = CuratorFactory(full_name="Irina Curator")
    course = CourseFactory(title="Functional literacy")
    autumn = CohortFactory(course=course, title="Autumn stream", curators=[curator])
    spring = CohortFactory(course=course, title="Spring stream", curators=[curator])
    hidden = CohortFactory(course=course, title="Someone else's stream")
    survey, (content, timing, comment) = feedback_survey(cohorts=[autumn, spring, hidden])
    survey.title = "Course feedback"
    survey.save()
    content.text, timing.text = "Programme content and materials", "Session timing"
    content.save()
    timing.save()
    for cohort, values in ((autumn, [5, 5, 4, 4, 3, 5]), (spring, [2, 3, 3, 4, 2]), (hidden, [1] * 6)):
        for i, value in enumerate(values):
            e = EnrollmentFactory(cohort=cohort)
            services.response_submit(
                survey=survey,
                user=e.teacher,
                cohort=cohort,
                answers={
                    content.pk: value,
                    timing.pk: 6 - value,
                    comment.pk: "More practice, please" if i == 0 else "",
                },
            )

    login_as(curator)
    page.goto(f"{live_server.url}/surveys/")
    page.get_by_role("link", name="Course feedback").click()
    page.wait_for_load_state("networkidle")
    assert "11 responses" in page.content()
    assert "Someone else's stream" not in page.content()
    page.select_option("#id_cohort", str(autumn.pk))
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    row = page.locator(f"tr[data-question='{content.pk}']").first
    assert row.locator("span.pct").all_inner_texts() == ["0%", "0%", "17%", "33%", "50%"]
    assert row.locator("span.cnt").all_inner_texts() == ["0", "0", "1", "2", "3"]
    assert row.locator("td.mean").inner_text() == "4.33"
    assert row.locator(".stacked span").count() == 3
    assert "More practice, please" in page.locator(".free-texts").inner_text()
    shot("surveys-feedback-results-cohort")

    page.select_option("#id_compare", str(spring.pk))
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    compare = page.locator("#compare")
    assert "Spring stream" in compare.inner_text()
    cells = compare.locator(f"tr[data-question='{content.pk}'] .mean").all_inner_texts()
    assert cells == ["4.33", "2.8"]
    assert compare.locator(f"tr[data-question='{content.pk}'] .mean-diff").inner_text() == "-1.53"
    assert compare.locator("svg.group-chart").count() == 1
    shot("surveys-feedback-results-compare")
