"""A teacher finds the diagnostic in the cabinet, fills it page by page (autosaved), and sees the course
recommended for their deficit, with an open cohort to enrol in."""

import pytest

from surveys.models import CompetencyScore, Draft, Question
from tests.factories import TeacherFactory
from tests.surveys.factories import (
    ChoiceFactory,
    CohortFactory,
    CompetencyFactory,
    CourseFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.e2e


def test_teacher_fills_the_diagnostic_and_sees_the_recommended_course(page, live_server, login_as, shot):
    digital = CompetencyFactory(code="DIG.2", name="Distance and blended teaching")
    assessment = CompetencyFactory(code="ASM.1", name="Formative assessment")
    survey = SurveyFactory(
        title="Professional deficits diagnostic",
        kind="diagnostic",
        deficit_threshold=60,
        what_next="Take it again after your course to see your growth.",
    )
    first = SectionFactory(survey=survey, title="Digital environment", position=1)
    second = SectionFactory(survey=survey, title="Assessment", position=2)
    q1 = QuestionFactory(section=first, survey=survey, competency=digital, text="I can run an online lesson.")
    q2 = QuestionFactory(section=first, survey=survey, competency=digital, text="I give feedback online.")
    q3 = QuestionFactory(
        section=second,
        survey=survey,
        competency=assessment,
        kind=Question.Kind.SINGLE,
        text="How do you check that the class understood?",
    )
    ChoiceFactory(question=q3, text="Exit ticket at the end of the lesson", points=100)
    ChoiceFactory(question=q3, text="I ask “is everything clear?”", points=0)
    course = CourseFactory(title="Teaching online without losing the class", competencies=[digital])
    CohortFactory(course=course, title="Spring stream")
    CourseFactory(title="Assessment course", competencies=[assessment])
    teacher = TeacherFactory(full_name="Anna Teacher")

    login_as(teacher)
    page.goto(f"{live_server.url}/cabinet/")
    page.get_by_role("link", name="Professional deficits diagnostic").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".progress-bar").inner_text() == "0%"
    page.locator(f"label[for=id_q{q1.pk}_1]").click()  # 2 — rather not
    page.locator("#autosave-status").filter(has_text="Draft saved").wait_for()
    assert Draft.objects.get(user=teacher).data == {str(q1.pk): "2"}
    page.locator(f"label[for=id_q{q2.pk}_0]").click()  # 1
    shot("surveys-diagnostic-page1")
    page.locator("#next-page").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".progress-bar").inner_text() == "50%"
    page.get_by_label("Exit ticket at the end of the lesson").check()
    shot("surveys-diagnostic-page2")
    page.locator("#submit-survey").click()
    page.wait_for_load_state("networkidle")
    assert "Take it again after your course" in page.content()
    shot("surveys-diagnostic-thanks")

    page.locator("#see-profile").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.profile-chart g.bar.deficit").count() == 1
    recommendation = page.locator("#recommendations .recommendation").first
    assert "Teaching online without losing the class" in recommendation.inner_text()
    assert "Spring stream" in recommendation.inner_text()
    assert recommendation.get_by_role("link", name="Enrol").is_visible()
    assert "Assessment course" not in page.locator("#recommendations").inner_text()
    shot("surveys-diagnostic-profile")
    assert dict(CompetencyScore.objects.filter(user=teacher).values_list("competency__code", "score")) == {
        "DIG.2": 13,
        "ASM.1": 100,
    }
    assert not Draft.objects.exists()
