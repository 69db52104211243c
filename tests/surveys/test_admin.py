"""The builder in the admin: frozen once answered, copy as a new version, methodologists' permissions."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from surveys import services
from surveys.models import Survey
from tests.factories import MethodologistFactory, TeacherFactory

from .factories import QuestionFactory, SectionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered():
    survey = SurveyFactory(title="Answered")
    q = QuestionFactory(section=SectionFactory(survey=survey), survey=survey)
    services.response_submit(survey=survey, user=TeacherFactory(), answers={q.pk: 4})
    return survey, q


def test_answered_survey_cannot_lose_or_gain_questions(admin_client, answered):
    survey, q = answered
    page = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert 'name="sections-0-DELETE"' not in page
    assert 'name="sections-0-position"' not in page  # no reordering
    assert 'name="sections-0-title"' in page  # typo fixes stay possible
    assert "sections-__prefix__-title" not in page  # no empty form to add a section
    assert 'name="is_anonymous"' not in page
    assert "Make a new version" in page
    section_page = admin_client.get(
        reverse("admin:surveys_section_change", args=[q.section_id])
    ).content.decode()
    assert 'name="questions-0-DELETE"' not in section_page
    assert 'name="questions-0-kind"' not in section_page  # kind is read-only
    assert 'name="questions-0-text"' in section_page  # typo fixes stay possible
    assert "questions-__prefix__-text" not in section_page  # no empty form to add a question
    assert admin_client.get(reverse("admin:surveys_survey_delete", args=[survey.pk])).status_code == 403
    assert admin_client.get(reverse("admin:surveys_question_delete", args=[q.pk])).status_code == 403
    assert admin_client.get(reverse("admin:surveys_section_delete", args=[q.section_id])).status_code == 403


def test_unanswered_survey_is_fully_editable(admin_client):
    survey = SurveyFactory()
    q = QuestionFactory(section=SectionFactory(survey=survey), survey=survey)
    page = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert 'name="sections-0-DELETE"' in page and 'name="sections-0-position"' in page
    assert "sections-__prefix__-title" in page
    section_page = admin_client.get(
        reverse("admin:surveys_section_change", args=[q.section_id])
    ).content.decode()
    assert 'name="questions-0-DELETE"' in section_page and 'name="questions-0-kind"' in section_page
    assert "questions-__prefix__-text" in section_page


def test_copy_as_new_version_action(admin_client, answered):
    survey, _q = answered
    response = admin_client.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [survey.pk]},
        follow=True,
    )
    assert "1 new version created" in response.content.decode()
    copy = Survey.objects.get(previous_version=survey)
    assert copy.version == 2 and copy.questions.count() == 1 and not copy.is_published


def test_methodologist_group_can_build_surveys_and_sees_only_their_own(client):
    group = Group.objects.get(name=Role.METHODOLOGIST)
    from accounts.roles import sync_role_groups

    sync_role_groups()
    codes = set(
        group.permissions.filter(content_type__app_label="surveys").values_list("codename", flat=True)
    )
    assert {"add_survey", "change_question", "delete_choice", "add_courserecommendationrule"} <= codes
    assert "view_response" not in codes and "view_answer" not in codes
    author = MethodologistFactory()
    mine = SurveyFactory(title="Mine", authors=[author])
    SurveyFactory(title="Not mine")
    client.force_login(author)
    page = client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert "Mine" in page and "Not mine" not in page
    assert client.get(reverse("admin:surveys_survey_change", args=[mine.pk])).status_code == 200


def test_the_vulnerable_threshold_stays_editable_once_answered_and_is_a_percent(admin_client, answered):
    """A way of reading the results, not of answering: editable after the first response; over 100 refused."""
    survey, _q = answered
    page = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert 'name="vulnerable_threshold" value="30"' in page
    survey.vulnerable_threshold = 101
    with pytest.raises(ValidationError) as error:
        survey.full_clean()
    assert error.value.message_dict["vulnerable_threshold"] == [
        "Ensure this value is less than or equal to 100."
    ]
