"""A municipal administrator opens the results of the municipality's anonymous survey and reads them by
school: four schools with their means, the small one "fewer than 5 responses", no free texts, no raw export."""

import pytest

from surveys import services
from surveys.models import Question, Survey
from tests.factories import MunicipalAdminFactory, MunicipalityFactory, SchoolFactory, TeacherFactory
from tests.surveys.factories import QuestionFactory, SectionFactory, SurveyFactory

pytestmark = pytest.mark.e2e


def test_municipal_admin_reads_the_breakdown_by_school(page, live_server, login_as, shot):
    municipality = MunicipalityFactory(name="Northern district")
    survey = SurveyFactory(
        title="PD quality in our schools",
        is_anonymous=True,
        audience=Survey.Audience.MUNICIPALITY,
        municipality=municipality,
    )
    section = SectionFactory(survey=survey, title="PD in my school")
    aspects = [
        QuestionFactory(section=section, text=text, position=i)
        for i, text in enumerate(
            ["Courses meet my needs", "What I learn works in my lessons", "My school gives me time to learn"]
        )
    ]
    wish = QuestionFactory(
        section=section, kind=Question.Kind.TEXT, is_required=False, text="Wishes", position=9
    )
    plan = [
        ("Gymnasium No. 1", 5, [4, 4, 2]),
        ("School No. 7", 10, [5, 4, 1]),
        ("Village school", 3, [1, 1, 1]),
    ]
    for name, n, values in plan:
        school = SchoolFactory(municipality=municipality, name=name)
        for _ in range(n):
            answers = {q.pk: v for q, v in zip(aspects, values, strict=True)}
            answers[wish.pk] = "Time in the timetable"
            services.response_submit(survey=survey, user=TeacherFactory(school=school), answers=answers)

    page.set_viewport_size({"width": 1366, "height": 860})
    login_as(MunicipalAdminFactory(municipality=municipality, full_name="Vera Orlova"))
    page.goto(f"{live_server.url}/surveys/")
    page.locator("#results-list").get_by_role("link", name="PD quality in our schools").click()
    page.wait_for_load_state("networkidle")
    assert "15 responses" in page.content()
    rows = page.locator("#by-school tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("th, td").all_inner_texts() == ["Gymnasium No. 1", "5", "4.0", "4.0", "2.0"]
    assert rows.nth(1).locator("th, td").all_inner_texts() == ["School No. 7", "10", "5.0", "4.0", "1.0"]
    assert rows.nth(2).locator("th, td").all_inner_texts() == ["Village school", "fewer than 5 responses"]
    municipal = page.locator("#by-municipality tbody tr")
    assert municipal.nth(0).locator("th, td").all_inner_texts()[:2] == ["Northern district", "15"]
    assert "Time in the timetable" not in page.content()
    assert page.get_by_role("link", name="Raw answers, CSV").count() == 0
    shot("surveys-results-by-school-1366")

    page.select_option("#id_school", label="School No. 7")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    assert "10 responses" in page.content()
    assert page.locator("#by-school tbody tr").count() == 1

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#by-school tbody tr").count() == 3
    shot("surveys-results-by-school-phone")
