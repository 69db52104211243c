"""The builder's services, admin pages, preview and publish: who may change what, and when."""

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Choice, Participation, Question, Section, Survey
from tests.factories import (
    CuratorFactory,
    MethodologistFactory,
    SchoolAdminFactory,
    SchoolFactory,
    SuperuserFactory,
    TeacherFactory,
)

from .factories import (
    ChoiceFactory,
    CohortFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

FROZEN = (
    "“Answered” already has responses: its sections, questions and options can no longer be added, removed, "
    "reordered or re-scored. Make a new version of the survey and change that one."
)


@pytest.fixture
def author():
    return MethodologistFactory()


@pytest.fixture
def answered(author):
    survey = SurveyFactory(title="Answered", authors=[author])
    section = SectionFactory(survey=survey, title="Part one", position=1)
    question = QuestionFactory(section=section, kind=Question.Kind.SINGLE, text="Pick")
    choice = ChoiceFactory(question=question, text="Yes", points=100)
    services.response_submit(survey=survey, user=TeacherFactory(), answers={question.pk: choice.pk})
    return survey, section, question, choice


# --- services: the structure freezes with the first response -----------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "add_section",
        "delete_section",
        "reorder_section",
        "add_question",
        "delete_question",
        "reorder_question",
        "required_flag",
        "move_question",
        "add_choice",
        "delete_choice",
        "reorder_choice",
        "rescore_choice",
    ],
)
def test_no_structural_change_once_answered(author, answered, change):
    survey, section, question, choice = answered
    before = (Section.objects.count(), Question.objects.count(), Choice.objects.count())
    call = {
        "add_section": lambda: services.section_save(
            user=author, section=Section(survey=survey, title="New")
        ),
        "delete_section": lambda: services.section_delete(user=author, section=section),
        "reorder_section": lambda: services.section_save(user=author, section=_with(section, position=7)),
        "add_question": lambda: services.question_save(
            user=author, question=Question(section=section, text="N")
        ),
        "delete_question": lambda: services.question_delete(user=author, question=question),
        "reorder_question": lambda: services.question_save(user=author, question=_with(question, position=9)),
        "required_flag": lambda: services.question_save(
            user=author, question=_with(question, is_required=False)
        ),
        "move_question": lambda: services.question_save(
            user=author, question=_with(question, section=SectionFactory(survey=survey, title="Other"))
        ),
        "add_choice": lambda: services.choice_save(
            user=author, choice=Choice(question=question, text="Maybe")
        ),
        "delete_choice": lambda: services.choice_delete(user=author, choice=choice),
        "reorder_choice": lambda: services.choice_save(user=author, choice=_with(choice, position=5)),
        "rescore_choice": lambda: services.choice_save(user=author, choice=_with(choice, points=0)),
    }[change]
    if change == "move_question":
        before = (before[0] + 1, *before[1:])
    with pytest.raises(services.SurveyError) as error:
        call()
    assert error.value.messages == [FROZEN]
    assert (Section.objects.count(), Question.objects.count(), Choice.objects.count()) == before
    question.refresh_from_db()
    choice.refresh_from_db()
    assert (question.position, question.is_required, question.section_id, choice.points) == (
        Question.objects.get(pk=question.pk).position,
        True,
        section.pk,
        100,
    )


def _with(obj, **changes):
    fresh = type(obj).objects.get(pk=obj.pk)
    for name, value in changes.items():
        setattr(fresh, name, value)
    return fresh


def test_wording_can_still_be_fixed_once_answered(author, answered):
    _survey, section, question, choice = answered
    services.section_save(user=author, section=_with(section, title="Part 1"))
    services.question_save(user=author, question=_with(question, text="Pick one", help_text="Just one"))
    services.choice_save(user=author, choice=_with(choice, text="Yes, surely"))
    assert Question.objects.get(pk=question.pk).text == "Pick one"
    assert Choice.objects.get(pk=choice.pk).text == "Yes, surely"
    assert Section.objects.get(pk=section.pk).title == "Part 1"


def test_non_author_changes_nothing_even_on_an_unanswered_survey(author):
    survey = SurveyFactory(title="Draft", is_published=False, authors=[author])
    section = SectionFactory(survey=survey)
    intruder = MethodologistFactory()
    with pytest.raises(services.SurveyError) as error:
        services.question_save(user=intruder, question=Question(section=section, text="Mine now"))
    assert error.value.messages == ["You can change only the surveys you author."]
    with pytest.raises(services.SurveyError):
        services.section_delete(user=intruder, section=section)
    with pytest.raises(services.SurveyError):
        services.survey_publish(user=intruder, survey=survey)
    with pytest.raises(services.SurveyError):
        services.survey_copy_as_new_version(user=intruder, survey=survey)
    assert list(Question.objects.filter(section=section)) == []
    assert Survey.objects.filter(previous_version=survey).count() == 0


def test_new_version_is_editable_and_its_maker_authors_it(author, answered):
    survey, *_rest = answered
    co_author = MethodologistFactory()
    survey.authors.add(co_author)
    copy = services.survey_copy_as_new_version(user=co_author, survey=survey)
    assert (copy.version, copy.is_published) == (2, False)
    assert set(copy.authors.all()) == {author, co_author}
    new_section = copy.sections.get()
    services.question_save(
        user=co_author, question=Question(section=new_section, text="Added in v2", position=999)
    )
    assert list(copy.questions.order_by("position", "id").values_list("text", flat=True)) == [
        "Pick",
        "Added in v2",
    ]
    assert list(survey.questions.values_list("text", flat=True)) == ["Pick"]


def test_publish_lists_every_problem_and_then_publishes(author):
    survey = SurveyFactory(title="Mixed", is_published=False, authors=[author])
    SectionFactory(survey=survey, title="Empty part", position=2)
    full = SectionFactory(survey=survey, title="Full part", position=1)
    QuestionFactory(section=full, kind=Question.Kind.MULTIPLE, text="Which ones", is_required=False)
    with pytest.raises(services.SurveyError) as error:
        services.survey_publish(user=author, survey=survey)
    assert error.value.messages == [
        "Section “Empty part” has no questions: add questions or delete the section.",
        "“Which ones” is a choice question without options: add its options.",
    ]
    Section.objects.filter(title="Empty part").delete()
    ChoiceFactory(question=Question.objects.get(text="Which ones"))
    assert services.survey_publish(user=author, survey=survey).is_published is True
    assert Survey.objects.get(pk=survey.pk).is_published is True


# --- admin ------------------------------------------------------------------------------------------------


def test_admin_builds_a_survey_with_sections_and_lists_what_to_fix(client, author):
    client.force_login(author)
    response = client.post(
        reverse("admin:surveys_survey_add"),
        {
            "title": "Built in the admin",
            "kind": "general",
            "description": "",
            "what_next": "",
            "audience": "all",
            "deficit_threshold": "60",
            "vulnerable_threshold": "30",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "1000",
            "sections-0-position": "1",
            "sections-0-title": "About you",
            "sections-0-description": "",
            "remind_automatically": "on",
            "reminder_steps-TOTAL_FORMS": "1",
            "reminder_steps-INITIAL_FORMS": "0",
            "reminder_steps-MIN_NUM_FORMS": "0",
            "reminder_steps-MAX_NUM_FORMS": "1000",
            "reminder_steps-0-days": "4",
            "reminder_steps-0-anchor": "after_opening",
        },
    )
    assert response.status_code == 302
    survey = Survey.objects.get(title="Built in the admin")
    assert (survey.is_published, list(survey.authors.all())) == (False, [author])
    assert list(survey.reminder_steps.values_list("anchor", "days")) == [("after_opening", 4)]
    assert survey.remind_automatically is True
    assert list(survey.sections.values_list("title", flat=True)) == ["About you"]
    page = client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert "Fix before publishing:" in page
    assert "The survey has no questions: add at least one." in page
    assert reverse("surveys:preview", args=[survey.pk]) in page


def test_admin_refuses_a_structural_change_with_a_form_error(client, author, answered):
    survey, section, question, _choice = answered
    client.force_login(author)
    response = client.post(
        reverse("admin:surveys_section_change", args=[section.pk]),
        {
            "title": "Part one",
            "description": "",
            "questions-TOTAL_FORMS": "2",
            "questions-INITIAL_FORMS": "1",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-id": question.pk,
            "questions-0-section": section.pk,
            "questions-0-text": "Pick",
            "questions-0-help_text": "",
            "questions-1-section": section.pk,
            "questions-1-text": "Sneaked in",
            "questions-1-kind": "likert",
            "questions-1-position": "3",
            "questions-1-weight": "1",
            "questions-1-is_required": "on",
        },
    )
    assert response.status_code == 302  # the extra row is ignored: adding is not offered on a frozen survey
    assert list(survey.questions.values_list("text", flat=True)) == ["Pick"]


def test_new_version_button_copies_and_opens_the_copy(client, author, answered):
    survey, *_rest = answered
    client.force_login(author)
    url = reverse("admin:surveys_survey_new_version", args=[survey.pk])
    assert client.get(url).status_code == 403
    response = client.post(url)
    copy = Survey.objects.get(previous_version=survey)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:surveys_survey_change", args=[copy.pk])
    intruder = MethodologistFactory()
    client.force_login(intruder)
    assert client.post(url).status_code == 404
    assert Survey.objects.filter(previous_version=survey).count() == 1


def test_admin_publish_action_publishes_a_complete_survey(client, author):
    survey = SurveyFactory(title="Complete", is_published=False, authors=[author])
    QuestionFactory(section=SectionFactory(survey=survey))
    client.force_login(author)
    response = client.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "publish", "_selected_action": [survey.pk]},
        follow=True,
    )
    assert "1 survey published." in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).is_published is True


def test_other_authors_builder_pages_are_out_of_reach(client, answered):
    survey, section, question, _choice = answered
    client.force_login(MethodologistFactory())
    for url in (
        reverse("admin:surveys_survey_change", args=[survey.pk]),
        reverse("admin:surveys_section_change", args=[section.pk]),
        reverse("admin:surveys_question_change", args=[question.pk]),
    ):
        assert client.get(url).status_code == 302  # the admin sends a missing object back to its list
    assert client.get(reverse("admin:surveys_section_changelist")).context["cl"].result_count == 0
    assert client.get(reverse("admin:surveys_question_changelist")).context["cl"].result_count == 0


# --- participations ---------------------------------------------------------------------------------------


def test_participations_named_survey_reach_curators_and_school_admins_not_anonymous_ones(client):
    school = SchoolFactory()
    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator])
    teacher = EnrollmentFactory(
        cohort=cohort, teacher=TeacherFactory(school=school, full_name="Named T")
    ).teacher
    named = SurveyFactory(title="Named", kind="feedback", audience="cohort", cohorts=[cohort])
    hidden = SurveyFactory(
        title="Anonymous", kind="feedback", audience="cohort", cohorts=[cohort], is_anonymous=True
    )
    for survey in (named, hidden):
        question = QuestionFactory(section=SectionFactory(survey=survey))
        services.response_submit(survey=survey, user=teacher, cohort=cohort, answers={question.pk: 4})
    school_admin = SchoolAdminFactory(school=school)
    other_admin = SchoolAdminFactory(school=SchoolFactory())
    from surveys.selectors import participations_visible_to

    def titles(user):
        return sorted(participations_visible_to(user).values_list("survey__title", flat=True))

    assert titles(curator) == ["Named"]
    assert titles(school_admin) == ["Named"]
    assert titles(other_admin) == []
    assert titles(MethodologistFactory()) == []
    assert titles(SuperuserFactory()) == ["Anonymous", "Named"]
    assert Participation.objects.count() == 2


# --- preview and publish pages ----------------------------------------------------------------------------


def test_preview_shows_the_pages_as_a_teacher_sees_them_and_saves_nothing(client, author):
    survey = SurveyFactory(title="To preview", is_published=False, authors=[author])
    first = SectionFactory(survey=survey, title="First page", position=1)
    second = SectionFactory(survey=survey, title="Second page", position=2)
    q1 = QuestionFactory(section=first, text="How sure are you?")
    QuestionFactory(section=second, text="And now?")
    client.force_login(author)
    page = client.get(reverse("surveys:preview", args=[survey.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "First page" in body and f'name="q{q1.pk}"' in body and "Second page" not in body
    assert 'id="publish-survey"' in body
    assert (
        "Second page" in client.get(reverse("surveys:preview", args=[survey.pk]) + "?page=2").content.decode()
    )
    assert client.post(reverse("surveys:preview", args=[survey.pk]), {f"q{q1.pk}": "3"}).status_code == 405
    assert Participation.objects.count() == 0 and survey.drafts.count() == 0


@pytest.mark.parametrize("who", ["teacher", "other_methodologist", "curator"])
def test_preview_and_publish_only_for_authors(client, author, who):
    survey = SurveyFactory(title="Not yours", is_published=False, authors=[author])
    QuestionFactory(section=SectionFactory(survey=survey))
    client.force_login(
        {"teacher": TeacherFactory, "other_methodologist": MethodologistFactory, "curator": CuratorFactory}[
            who
        ]()
    )
    assert client.get(reverse("surveys:preview", args=[survey.pk])).status_code == 404
    assert client.post(reverse("surveys:publish", args=[survey.pk])).status_code == 404
    assert Survey.objects.get(pk=survey.pk).is_published is False


def test_publish_page_lists_what_to_fix(client, author):
    survey = SurveyFactory(title="Broken", is_published=False, authors=[author])
    QuestionFactory(section=SectionFactory(survey=survey), kind=Question.Kind.SINGLE, text="No options")
    client.force_login(author)
    response = client.post(reverse("surveys:publish", args=[survey.pk]), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The survey cannot be published yet: fix what is listed below." in body
    assert "“No options” is a choice question without options: add its options." in body
    assert 'id="publish-survey"' not in body
    assert Survey.objects.get(pk=survey.pk).is_published is False
    ChoiceFactory(question=Question.objects.get(text="No options"))
    response = client.post(reverse("surveys:publish", args=[survey.pk]), follow=True)
    assert "“Broken” is published: teachers can answer it now." in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).is_published is True
