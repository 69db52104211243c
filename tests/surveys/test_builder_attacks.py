"""Attacks on the builder's rules (issue #18 item 2): each of these passed on the old code.

- a methodologist who is not an author adds a question to another's published survey with responses;
- a question is saved with another survey's section (a phantom question in that survey);
- an empty survey, or one with a required choice question without options, is published;
- a methodologist lists every participation of every survey in the admin.
"""

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Question, Survey
from tests.factories import MethodologistFactory, TeacherFactory

from .factories import QuestionFactory, SectionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

CHOICES_MANAGEMENT = {
    "choices-TOTAL_FORMS": "0",
    "choices-INITIAL_FORMS": "0",
    "choices-MIN_NUM_FORMS": "0",
    "choices-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def theirs():
    """Another author's published anonymous survey that already has responses."""
    owner = MethodologistFactory(full_name="Owner")
    survey = SurveyFactory(title="Their survey", is_anonymous=True, authors=[owner])
    section = SectionFactory(survey=survey, title="Their section")
    question = QuestionFactory(section=section)
    for _ in range(5):
        services.response_submit(survey=survey, user=TeacherFactory(), answers={question.pk: 4})
    return survey, section, owner


def _question_post(survey, section, text="Injected required question"):
    return {
        "survey": survey.pk,
        "section": section.pk,
        "kind": "likert",
        "text": text,
        "help_text": "",
        "is_required": "on",
        "position": "9",
        "weight": "1",
        **CHOICES_MANAGEMENT,
    }


def test_non_author_cannot_add_a_question_to_anothers_answered_survey(client, theirs):
    survey, section, _owner = theirs
    intruder = MethodologistFactory()
    SurveyFactory(title="Intruders own", authors=[intruder])
    client.force_login(intruder)
    response = client.post(reverse("admin:surveys_question_add"), _question_post(survey, section))
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    assert Question.objects.filter(text="Injected required question").count() == 0
    assert Question.objects.filter(section__survey=survey).count() == 1


def test_question_form_offers_only_own_sections(client, theirs):
    survey, section, _owner = theirs
    intruder = MethodologistFactory()
    own = SectionFactory(survey=SurveyFactory(title="Intruders own", authors=[intruder]), title="Own section")
    client.force_login(intruder)
    page = client.get(reverse("admin:surveys_question_add")).content.decode()
    assert "Own section" in page
    assert "Their section" not in page and "Their survey" not in page
    assert own.survey.title in page


def test_author_cannot_add_a_question_to_own_survey_with_responses(client, theirs):
    survey, section, owner = theirs
    client.force_login(owner)
    response = client.post(reverse("admin:surveys_question_add"), _question_post(survey, section))
    assert response.status_code == 200
    assert "already has responses" in response.content.decode()
    assert Question.objects.filter(section__survey=survey).count() == 1


def test_question_saved_with_another_surveys_section_is_impossible(client):
    author = MethodologistFactory()
    mine = SurveyFactory(title="Mine", authors=[author], is_published=False)
    other_section = SectionFactory(survey=SurveyFactory(title="Other", authors=[author], is_published=False))
    # The old schema stored the survey twice (on the question and on its section), so they could disagree.
    with pytest.raises(AttributeError, match="has no setter"):
        Question.objects.create(survey=mine, section=other_section, text="Phantom")
    client.force_login(author)
    client.post(reverse("admin:surveys_question_add"), _question_post(mine, other_section, text="Placed"))
    placed = Question.objects.get(text="Placed")
    assert placed.survey == other_section.survey  # a question's survey is its section's: nothing to disagree
    assert list(mine.questions) == []


def test_publishing_an_empty_survey_is_refused_with_what_to_fix():
    author = MethodologistFactory()
    survey = SurveyFactory(title="Empty", is_published=False, authors=[author])
    SectionFactory(survey=survey, title="Nothing here")
    with pytest.raises(services.SurveyError) as error:
        services.survey_publish(user=author, survey=survey)
    assert error.value.messages == [
        "The survey has no questions: add at least one.",
        "Section “Nothing here” has no questions: add questions or delete the section.",
    ]
    assert Survey.objects.get(pk=survey.pk).is_published is False


def test_publishing_a_required_choice_without_options_is_refused_in_the_admin(client):
    author = MethodologistFactory()
    survey = SurveyFactory(title="Broken choice", is_published=False, authors=[author])
    QuestionFactory(
        section=SectionFactory(survey=survey), kind=Question.Kind.SINGLE, text="Pick one", is_required=True
    )
    client.force_login(author)
    response = client.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "publish", "_selected_action": [survey.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "“Pick one” is a choice question without options: add its options." in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).is_published is False


def test_methodologist_lists_only_participations_of_own_surveys(client, theirs):
    _survey, _section, _owner = theirs
    author = MethodologistFactory()
    mine = SurveyFactory(title="My survey", authors=[author])
    question = QuestionFactory(section=SectionFactory(survey=mine))
    mine_teacher = TeacherFactory(full_name="Responded To Mine")
    services.response_submit(survey=mine, user=mine_teacher, answers={question.pk: 3})
    client.force_login(author)
    page = client.get(reverse("admin:surveys_participation_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].result_list.values_list("user__full_name", flat=True)) == [
        "Responded To Mine"
    ]
    assert "Their survey" not in page.content.decode()  # not even in the survey filter
