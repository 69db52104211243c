"""A school administrator sees the competency heat map of their school's teachers (and nobody else's)."""

import pytest

from surveys import services
from tests.factories import SchoolAdminFactory, SchoolFactory, TeacherFactory
from tests.surveys.factories import CompetencyFactory, diagnostic_survey

pytestmark = pytest.mark.e2e


def test_school_admin_sees_the_heat_map_of_their_teachers(page, live_server, login_as, shot):
    school = SchoolFactory(name="Gymnasium No. 1")
    other = SchoolFactory(name="Lyceum", municipality=school.municipality)
    comps = [
        CompetencyFactory(code=f"C.{i}", name=name)
        for i, name in enumerate(
            ["Digital resources", "Formative assessment", "Inclusive education", "Project work"], start=1
        )
    ]
    survey, questions = diagnostic_survey(competencies=comps, per_competency=1)
    for i, name in enumerate(["Anna Ivanova", "Boris Petrov", "Vera Sidorova"]):
        teacher = TeacherFactory(school=school, full_name=name)
        services.response_submit(
            survey=survey, user=teacher, answers={q.pk: 1 + (i + n) % 5 for n, q in enumerate(questions)}
        )
    services.response_submit(
        survey=survey,
        user=TeacherFactory(school=other, full_name="Other School Teacher"),
        answers={q.pk: 5 for q in questions},
    )
    login_as(SchoolAdminFactory(school=school))
    page.goto(f"{live_server.url}/cabinet/")
    page.get_by_role("link", name="Competency map").click()
    page.wait_for_load_state("networkidle")
    table = page.locator("#heat-teachers")
    assert table.locator("tbody tr").count() == 3
    assert "Other School Teacher" not in page.content()
    assert table.locator("td.cell.heat-0").count() >= 1
    counts = page.locator("#competency-counts tbody tr").first.locator("td").all_inner_texts()
    assert counts[:3] == ["C.1 Digital resources", "3", "3"]  # scores 0, 25, 50: all below 60
    shot("surveys-heatmap-school")
