"""A methodologist downloads the results chart as PNG from the results page; a teacher sees the full names of
her competencies on her profile chart on a phone and downloads it."""

from pathlib import Path

import pytest

from surveys import services
from tests.factories import MethodologistFactory, TeacherFactory
from tests.surveys.factories import (
    CohortFactory,
    CompetencyFactory,
    EnrollmentFactory,
    diagnostic_survey,
    feedback_survey,
)

pytestmark = pytest.mark.e2e

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LONG_NAME = "Искусственный интеллект в работе учителя: инструменты и этика"


def test_methodologist_downloads_the_results_chart_as_png(page, live_server, login_as, shot, settings):
    settings.SURVEYS_ANONYMITY_K = 5
    author = MethodologistFactory(full_name="Olga Methodologist")
    cohort = CohortFactory(title="Весенний поток")
    survey, (content, timing, _comment) = feedback_survey(cohorts=[cohort], authors=[author])
    survey.title = "Отзыв о курсе"
    survey.save()
    content.text, timing.text = "Содержание программы и материалы", "Удобство расписания занятий"
    content.save()
    timing.save()
    for value in (5, 5, 4, 3, 2):
        e = EnrollmentFactory(cohort=cohort)
        services.response_submit(
            survey=survey, user=e.teacher, cohort=cohort, answers={content.pk: value, timing.pk: 6 - value}
        )

    page.set_viewport_size({"width": 1366, "height": 900})
    login_as(author)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#chart-png").is_visible()
    shot("surveys-results-chart-links")
    with page.expect_download() as info:
        page.locator("#chart-png").click()
    download = info.value
    assert download.suggested_filename == f"survey-{survey.pk}-distribution.png"
    assert Path(download.path()).read_bytes().startswith(PNG_SIGNATURE)


def test_teacher_sees_the_full_competency_names_on_her_phone(page, live_server, login_as, shot):
    long = CompetencyFactory(code="ЦК.4", name=LONG_NAME)
    short = CompetencyFactory(code="ОЦ.1", name="Формирующее оценивание")
    survey, questions = diagnostic_survey(competencies=[long, short], per_competency=1, threshold=60)
    teacher = TeacherFactory(full_name="Анна Учитель")
    services.response_submit(
        survey=survey, user=teacher, cohort=None, answers={questions[0].pk: 2, questions[1].pk: 5}
    )

    page.set_viewport_size({"width": 390, "height": 844})
    login_as(teacher)
    page.goto(f"{live_server.url}/surveys/profile/")
    page.wait_for_load_state("networkidle")
    label = page.locator("svg.profile-chart g.bar.deficit text").first
    assert label.locator("tspan").all_text_contents() == [
        "Искусственный интеллект в работе",
        "учителя: инструменты и этика",
    ]
    assert "…" not in page.locator("svg.profile-chart").inner_html()
    shot("surveys-profile-chart-phone")
    with page.expect_download() as info:
        page.locator("#profile-chart-downloads").get_by_role("link", name="PNG").click()
    assert info.value.suggested_filename == "competency-profile.png"
    assert Path(info.value.path()).read_bytes().startswith(PNG_SIGNATURE)
