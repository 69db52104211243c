"""Submitting, scoring, placement, drafts, versions, and the bad input the issue lists."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from surveys import services
from surveys.models import Answer, CompetencyScore, Draft, Participation, Question, Response, Survey
from tests.factories import TeacherFactory

from .factories import (
    ChoiceFactory,
    CohortFactory,
    CompetencyFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    diagnostic_survey,
    feedback_survey,
)

pytestmark = pytest.mark.django_db


def _nothing_stored(survey):
    return (
        not Participation.objects.filter(survey=survey).exists()
        and not Response.objects.filter(survey=survey).exists()
        and not Answer.objects.filter(question__section__survey=survey).exists()
    )


# --- scoring --------------------------------------------------------------------------------------


def test_likert_scores_map_1_to_5_onto_0_to_100_per_competency_with_weights():
    a, b = CompetencyFactory(), CompetencyFactory()
    survey = SurveyFactory(kind=Survey.Kind.DIAGNOSTIC, deficit_threshold=60)
    section = SectionFactory(survey=survey)
    qa1 = QuestionFactory(section=section, survey=survey, competency=a, weight=1)
    qa2 = QuestionFactory(section=section, survey=survey, competency=a, weight=3)
    qb = QuestionFactory(section=section, survey=survey, competency=b)
    teacher = TeacherFactory()

    result = services.response_submit(survey=survey, user=teacher, answers={qa1.pk: 5, qa2.pk: 1, qb.pk: 4})

    # a: (100*1 + 0*3) / 4 = 25; b: 75
    assert result.scores == {a.pk: 25, b.pk: 75}
    rows = {s.competency_id: (s.score, s.is_deficit) for s in CompetencyScore.objects.filter(user=teacher)}
    assert rows == {a.pk: (25, True), b.pk: (75, False)}


def test_choice_points_number_range_and_half_up_rounding():
    comp = CompetencyFactory()
    survey = SurveyFactory(kind=Survey.Kind.DIAGNOSTIC, deficit_threshold=50)
    section = SectionFactory(survey=survey)
    single = QuestionFactory(section=section, survey=survey, kind=Question.Kind.SINGLE, competency=comp)
    low = ChoiceFactory(question=single, points=0)
    ChoiceFactory(question=single, points=100)
    number = QuestionFactory(
        section=section, survey=survey, kind=Question.Kind.NUMBER, competency=comp, min_value=0, max_value=8
    )
    result = services.response_submit(
        survey=survey, user=TeacherFactory(), answers={single.pk: low.pk, number.pk: 1}
    )
    # (0 + 12.5) / 2 = 6.25 → 6
    assert result.scores == {comp.pk: 6}
    assert services.round_half_up(12.5) == 13
    assert services.round_half_up(62.5) == 63


def test_threshold_boundary_is_not_a_deficit():
    comp = CompetencyFactory()
    survey, (q,) = diagnostic_survey(competencies=[comp], per_competency=1, threshold=50)
    services.response_submit(survey=survey, user=TeacherFactory(), answers={q.pk: 3})  # 50
    assert CompetencyScore.objects.get().is_deficit is False


def test_placement_sets_level_on_participation_and_tells_cohorts():
    enrollment = EnrollmentFactory()
    survey = SurveyFactory(
        kind=Survey.Kind.PLACEMENT, audience=Survey.Audience.COHORT, cohorts=[enrollment.cohort]
    )
    section = SectionFactory(survey=survey)
    q1 = QuestionFactory(section=section, survey=survey)
    q2 = QuestionFactory(section=section, survey=survey)
    with mock.patch("surveys.links.record_placement") as record:
        result = services.response_submit(
            survey=survey, user=enrollment.teacher, cohort=enrollment.cohort, answers={q1.pk: 4, q2.pk: 5}
        )
    assert result.level == "advanced"  # 87.5 → 88
    assert Participation.objects.get().level == "advanced"
    record.assert_called_once_with(enrollment=enrollment, score=88, level="advanced")
    assert [services.placement_level(s) for s in (0, 39, 40, 69, 70, 100)] == [
        "introductory",
        "introductory",
        "basic",
        "basic",
        "advanced",
        "advanced",
    ]


def test_feedback_submission_records_feedback_with_cohorts():
    enrollment = EnrollmentFactory()
    survey, questions = feedback_survey(cohorts=[enrollment.cohort])
    with mock.patch("surveys.links.record_feedback") as record:
        services.response_submit(
            survey=survey,
            user=enrollment.teacher,
            cohort=enrollment.cohort,
            answers={questions[0].pk: 5, questions[1].pk: 4},
        )
    record.assert_called_once_with(enrollment=enrollment)


# --- anonymity ------------------------------------------------------------------------------------


def test_anonymous_response_has_no_link_to_the_person(settings):
    settings.SURVEYS_ANONYMITY_K = 1  # the distribution math, not the release batches
    enrollment = EnrollmentFactory()
    survey, questions = feedback_survey(cohorts=[enrollment.cohort], anonymous=True)
    services.response_submit(
        survey=survey,
        user=enrollment.teacher,
        cohort=enrollment.cohort,
        answers={questions[0].pk: 5, questions[1].pk: 2, questions[2].pk: "More practice"},
    )
    response = Response.objects.get()
    assert response.respondent_id is None and response.submitted_at is None
    # Who took part is known (for reminders) ...
    assert Participation.objects.filter(survey=survey, user=enrollment.teacher).exists()
    # ... but no column of the response or its answers holds the person or a time to join on.
    from django.contrib.auth import get_user_model

    for model in (Response, Answer):
        row = model.objects.first()
        for column in model._meta.concrete_fields:
            value = getattr(row, column.attname)
            if column.is_relation and column.related_model is get_user_model():
                assert value is None, column.attname
            assert column.get_internal_type() not in ("DateTimeField", "DateField") or value is None
    # Keys are random UUIDs, not a sequence that follows the order of participations.
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    assert Answer._meta.pk.get_internal_type() == "UUIDField"
    assert Participation._meta.pk.get_internal_type() == "UUIDField"


def test_no_database_column_can_link_an_anonymous_response_to_a_user():
    """Inspect the real tables: the only user columns are the nullable respondent (empty when anonymous);
    the school is the cell's key (as the cohort is), never the person's."""
    with connection.cursor() as cursor:
        response_cols = {
            c.name for c in connection.introspection.get_table_description(cursor, "surveys_response")
        }
        answer_cols = {
            c.name for c in connection.introspection.get_table_description(cursor, "surveys_answer")
        }
    assert response_cols == {"id", "survey_id", "respondent_id", "cohort_id", "school_id", "submitted_at"}
    assert answer_cols == {"id", "response_id", "question_id", "value", "choice_id", "text"}
    survey = SurveyFactory(is_anonymous=True)
    # The database refuses a dated anonymous response (a date would be a join key).
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, submitted_at=timezone.now())


def test_named_survey_links_response_to_the_person():
    survey = SurveyFactory()
    q = QuestionFactory(section=SectionFactory(survey=survey), survey=survey)
    teacher = TeacherFactory()
    services.response_submit(survey=survey, user=teacher, answers={q.pk: 3})
    assert Response.objects.get().respondent == teacher


def test_profile_kinds_cannot_be_anonymous():
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyFactory(kind=Survey.Kind.DIAGNOSTIC, is_anonymous=True)


# --- drafts ---------------------------------------------------------------------------------------


def test_draft_merges_pages_and_is_deleted_on_submit():
    survey = SurveyFactory(is_anonymous=False)
    s1, s2 = SectionFactory(survey=survey), SectionFactory(survey=survey)
    q1 = QuestionFactory(section=s1, survey=survey)
    q2 = QuestionFactory(section=s2, survey=survey)
    teacher = TeacherFactory()
    services.draft_save(survey=survey, user=teacher, data={str(q1.pk): "4", "999999": "x"}, page=1)
    draft = services.draft_save(survey=survey, user=teacher, data={f"q{q2.pk}": "2"}, page=2)
    assert draft.data == {str(q1.pk): "4", str(q2.pk): "2"} and draft.page == 2
    services.response_submit(survey=survey, user=teacher, answers=draft.data)
    assert not Draft.objects.exists()
    assert sorted(Answer.objects.values_list("value", flat=True)) == [2, 4]


def test_no_server_draft_for_an_anonymous_survey():
    survey = SurveyFactory(is_anonymous=True)
    question = QuestionFactory(section=SectionFactory(survey=survey), survey=survey)
    with pytest.raises(services.SurveyError):
        services.draft_save(survey=survey, user=TeacherFactory(), data={str(question.pk): "4"}, page=1)
    assert not Draft.objects.exists()


# --- bad input: clear message, nothing stored ----------------------------------------------------


@pytest.fixture
def general():
    survey = SurveyFactory()
    section = SectionFactory(survey=survey)
    likert = QuestionFactory(section=section, survey=survey)
    single = QuestionFactory(section=section, survey=survey, kind=Question.Kind.SINGLE, is_required=False)
    choice = ChoiceFactory(question=single)
    number = QuestionFactory(
        section=section,
        survey=survey,
        kind=Question.Kind.NUMBER,
        min_value=0,
        max_value=50,
        is_required=False,
    )
    return survey, likert, single, choice, number


@pytest.mark.parametrize("value", [0, 6, "abc", -1, 2.5])
def test_likert_outside_1_to_5(general, value):
    survey, likert, *_ = general
    with pytest.raises(services.SurveyError, match="choose a value from 1 to 5"):
        services.response_submit(survey=survey, user=TeacherFactory(), answers={likert.pk: value})
    assert _nothing_stored(survey)


def test_choice_of_another_question(general):
    survey, likert, single, _choice, _number = general
    foreign = ChoiceFactory()  # belongs to another question (of another survey)
    with pytest.raises(services.SurveyError, match="choose one of the options offered"):
        services.response_submit(
            survey=survey, user=TeacherFactory(), answers={likert.pk: 3, single.pk: foreign.pk}
        )
    assert _nothing_stored(survey)


def test_answer_to_a_question_of_another_survey(general):
    survey, likert, *_ = general
    other = QuestionFactory()
    with pytest.raises(services.SurveyError, match="not in this survey"):
        services.response_submit(survey=survey, user=TeacherFactory(), answers={likert.pk: 3, other.pk: 3})
    assert _nothing_stored(survey)


def test_missing_required_answer(general):
    survey, likert, single, choice, _number = general
    with pytest.raises(services.SurveyError) as error:
        services.response_submit(survey=survey, user=TeacherFactory(), answers={single.pk: choice.pk})
    assert error.value.messages == [f"“{likert.text}”: an answer is required."]
    assert _nothing_stored(survey)


def test_number_out_of_range(general):
    survey, likert, _single, _choice, number = general
    with pytest.raises(services.SurveyError, match="from 0 to 50"):
        services.response_submit(survey=survey, user=TeacherFactory(), answers={likert.pk: 3, number.pk: 51})
    assert _nothing_stored(survey)


def test_second_response_is_refused_and_the_first_kept(general):
    survey, likert, *_ = general
    teacher = TeacherFactory()
    services.response_submit(survey=survey, user=teacher, answers={likert.pk: 3})
    with pytest.raises(services.SurveyError, match="already responded"):
        services.response_submit(survey=survey, user=teacher, answers={likert.pk: 5})
    assert list(Answer.objects.values_list("value", flat=True)) == [3]


def test_one_participation_per_person_is_a_database_constraint(general):
    survey, *_ = general
    teacher = TeacherFactory()
    Participation.objects.create(survey=survey, user=teacher, submitted_on=timezone.localdate())
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(survey=survey, user=teacher, submitted_on=timezone.localdate())


def test_per_cohort_feedback_allows_one_response_per_cohort(settings):
    settings.SURVEYS_ANONYMITY_K = 1  # the distribution math, not the release batches
    teacher = TeacherFactory()
    e1 = EnrollmentFactory(teacher=teacher)
    e2 = EnrollmentFactory(teacher=teacher)
    survey, questions = feedback_survey(cohorts=[e1.cohort, e2.cohort], text=False)
    answers = {questions[0].pk: 4, questions[1].pk: 4}
    services.response_submit(survey=survey, user=teacher, cohort=e1.cohort, answers=answers)
    services.response_submit(survey=survey, user=teacher, cohort=e2.cohort, answers=answers)
    with pytest.raises(services.SurveyError, match="already responded"):
        services.response_submit(survey=survey, user=teacher, cohort=e1.cohort, answers=answers)
    assert Response.objects.count() == 2


def test_response_after_the_close_date(general):
    survey, likert, *_ = general
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()
    with pytest.raises(services.SurveyError, match="closed on"):
        services.response_submit(survey=survey, user=TeacherFactory(), answers={likert.pk: 3})
    assert _nothing_stored(survey)


def test_feedback_from_someone_outside_the_cohort():
    cohort = CohortFactory()
    survey, questions = feedback_survey(cohorts=[cohort])
    with pytest.raises(services.SurveyError, match="listeners of the cohort"):
        services.response_submit(
            survey=survey,
            user=TeacherFactory(),
            cohort=cohort,
            answers={questions[0].pk: 4, questions[1].pk: 4},
        )
    assert _nothing_stored(survey)


def test_school_survey_refuses_teachers_of_other_schools():
    teacher = TeacherFactory()
    survey = SurveyFactory(audience=Survey.Audience.SCHOOL, school=TeacherFactory().school)
    q = QuestionFactory(section=SectionFactory(survey=survey), survey=survey)
    with pytest.raises(services.SurveyError, match="another school"):
        services.response_submit(survey=survey, user=teacher, answers={q.pk: 3})


# --- versions -------------------------------------------------------------------------------------


def test_copy_as_new_version_copies_structure_unpublished():
    survey = SurveyFactory(kind=Survey.Kind.DIAGNOSTIC)
    section = SectionFactory(survey=survey)
    q = QuestionFactory(
        section=section, survey=survey, kind=Question.Kind.SINGLE, competency=CompetencyFactory(), weight=2
    )
    ChoiceFactory(question=q, points=40)
    copy = services.survey_copy_as_new_version(survey=survey)
    assert (copy.version, copy.previous_version, copy.is_published) == (2, survey, False)
    new_q = copy.questions.get()
    assert (new_q.section.survey, new_q.competency, new_q.weight) == (copy, q.competency, 2)
    assert list(new_q.choices.values_list("points", flat=True)) == [40]
    assert survey.questions.get() == q  # the original keeps its question
    assert services.survey_copy_as_new_version(survey=survey).version == 3


def test_answered_question_or_choice_cannot_be_deleted_but_the_whole_survey_can():
    from django.db.models import RestrictedError

    survey = SurveyFactory()
    section = SectionFactory(survey=survey)
    q = QuestionFactory(section=section, survey=survey, kind=Question.Kind.SINGLE)
    choice = ChoiceFactory(question=q)
    services.response_submit(survey=survey, user=TeacherFactory(), answers={q.pk: choice.pk})
    for obj in (choice, q, section):
        with pytest.raises(RestrictedError):
            obj.delete()
    survey.delete()
    assert not Answer.objects.exists()
