"""A methodologist builds a survey in the admin (a question into its section), previews it as a teacher sees
it, is told what to fix while it cannot be completed, and publishes it from the preview."""

import pytest

from surveys.models import Question, Survey
from tests.factories import MethodologistFactory
from tests.surveys.factories import SectionFactory, SurveyFactory

pytestmark = pytest.mark.e2e


def test_methodologist_builds_previews_and_publishes(page, live_server, login_as, shot):
    author = MethodologistFactory(full_name="Мария Методистова")
    survey = SurveyFactory(title="Удовлетворённость курсом", is_published=False, authors=[author])
    section = SectionFactory(survey=survey, title="Организация обучения", position=1)

    login_as(author)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/preview/")
    assert page.locator("#publish-problems").is_visible()
    assert page.locator("#publish-survey").count() == 0
    shot("surveys-builder-preview-empty")

    page.goto(f"{live_server.url}/admin/surveys/section/{section.pk}/change/")
    page.locator(".add-row a").first.click()
    page.locator("#id_questions-0-text").fill("Материалы курса были полезны для моей работы.")
    page.locator("#id_questions-0-kind").select_option("likert")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state("networkidle")
    question = Question.objects.get(section=section)
    assert question.text == "Материалы курса были полезны для моей работы."

    page.goto(f"{live_server.url}/surveys/{survey.pk}/preview/")
    assert "Материалы курса были полезны для моей работы." in page.locator("#preview-page").inner_text()
    shot("surveys-builder-preview")
    page.locator("#publish-survey").click()
    page.wait_for_load_state("networkidle")
    assert Survey.objects.get(pk=survey.pk).is_published is True
    page.goto(f"{live_server.url}/surveys/{survey.pk}/preview/")
    assert page.locator("#preview-published").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    shot("surveys-builder-published-phone")
