"""The one CSV control on the survey results and the mentoring reports: an English reader downloads with
`,` from the main button and picks `;` from its menu (1366 px and a phone)."""

import csv
import io

import pytest

from mentoring.models import Feedback
from surveys import services
from tests.factories import CuratorFactory, MunicipalAdminFactory, SchoolFactory
from tests.mentoring.factories import ActivePairFactory, MeetingFactory, MentorFactory, YoungTeacherFactory
from tests.surveys.factories import CohortFactory, EnrollmentFactory, feedback_survey

pytestmark = pytest.mark.e2e


def _download(page, locator, tmp_path) -> str:
    with page.expect_download() as info:
        locator.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_text(encoding="utf-8-sig")


def test_survey_results_csv_menu(page, live_server, login_as, shot, tmp_path, settings):
    settings.SURVEYS_ANONYMITY_K = 1
    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator])
    survey, (content, timing, comment) = feedback_survey(cohorts=[cohort])
    for value in (5, 4, 2):
        e = EnrollmentFactory(cohort=cohort)
        services.response_submit(
            survey=survey,
            user=e.teacher,
            cohort=cohort,
            answers={content.pk: value, timing.pk: 3, comment.pk: ""},
        )
    page.set_viewport_size({"width": 1366, "height": 860})
    login_as(curator)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    page.wait_for_load_state("networkidle")
    control = page.locator("#export-distribution-csv")
    assert control.locator(".csv-export-main").inner_text() == "Distribution, CSV (,)"
    body = _download(page, control.locator(".csv-export-main"), tmp_path)
    assert next(csv.reader(io.StringIO(body)))[:2] == ["Section", "Question"]
    control.locator(".csv-export-toggle").click()
    assert control.locator(".dropdown-menu").is_visible()
    shot("survey-results-csv-menu-1366")
    body = _download(page, control.locator(".csv-export-semicolon"), tmp_path)
    assert next(csv.reader(io.StringIO(body), delimiter=";"))[:2] == ["Section", "Question"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    page.locator("#export-distribution-csv .csv-export-toggle").click()
    shot("survey-results-csv-menu-phone")
    page.set_viewport_size({"width": 1366, "height": 860})


def test_mentoring_reports_csv_menu(page, live_server, login_as, shot, tmp_path):
    school = SchoolFactory(name="Gymnasium 3")
    pair = ActivePairFactory(mentee=YoungTeacherFactory(school=school), mentor=MentorFactory(school=school))
    MeetingFactory(pair=pair)
    Feedback.objects.create(pair=pair, period=1, availability=4, usefulness=4, advice=4, confidence=4)
    page.set_viewport_size({"width": 1366, "height": 860})
    login_as(MunicipalAdminFactory(municipality=school.municipality))
    page.goto(f"{live_server.url}/mentoring/reports/")
    page.wait_for_load_state("networkidle")
    control = page.locator("#export-csv")
    control.locator(".csv-export-toggle").click()
    shot("mentoring-reports-csv-menu-1366")
    body = _download(page, control.locator(".csv-export-semicolon"), tmp_path)
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[1][1] == "Gymnasium 3"
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    shot("mentoring-reports-csv-phone")
    body = _download(page, page.locator("#export-csv .csv-export-main"), tmp_path)
    assert list(csv.reader(io.StringIO(body)))[1][1] == "Gymnasium 3"
    page.set_viewport_size({"width": 1366, "height": 860})
