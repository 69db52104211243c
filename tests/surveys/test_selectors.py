"""Aggregation (percent, rounding, k-anonymity), pending surveys, profiles and growth, recommendations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import selectors, services
from surveys.models import CourseRecommendationRule, Question, Survey
from tests.factories import SchoolFactory, TeacherFactory

from .factories import (
    ChoiceFactory,
    CohortFactory,
    CompetencyFactory,
    CourseFactory,
    EnrollmentFactory,
    QuestionFactory,
    RuleFactory,
    SectionFactory,
    SurveyFactory,
    diagnostic_survey,
    feedback_survey,
)

pytestmark = pytest.mark.django_db


def _answer_all(survey, cohort, values_per_question):
    """values_per_question: list of value lists, one list per respondent."""
    questions = list(survey.questions.order_by("position", "id"))
    for values in values_per_question:
        enrollment = EnrollmentFactory(cohort=cohort)
        answers = {q.pk: v for q, v in zip(questions, values, strict=False)}
        services.response_submit(survey=survey, user=enrollment.teacher, cohort=cohort, answers=answers)


def test_percentages_round_half_up_per_cell():
    assert selectors.percentages([1, 1, 1, 0, 0], 3) == [33, 33, 33, 0, 0]
    assert selectors.percentages([2, 1, 0, 0, 0], 3) == [67, 33, 0, 0, 0]
    assert selectors.percentages([1, 7, 0, 0, 0], 8) == [13, 88, 0, 0, 0]  # 12.5 → 13, 87.5 → 88
    assert selectors.percentages([0, 0], 0) == [0, 0]


def test_likert_distribution_mean_and_n_are_aggregated_in_sql(settings):
    settings.SURVEYS_ANONYMITY_K = 3  # the distribution math, not the release batches
    cohort = CohortFactory()
    survey, (q1, q2, qt) = feedback_survey(cohorts=[cohort])
    _answer_all(
        survey,
        cohort,
        [[5, 1, "More practice"], [5, 2, "Slower"], [4, 3, "Slower"], [1, 3, ""], [5, 5, "Ok"], [3, 4, ""]],
    )
    results = selectors.survey_results(survey=survey, flt=selectors.ResultFilter())
    assert results.responses == 6 and not results.hidden
    row1, row2 = results.likert
    assert (row1.question, row1.n, row1.counts, row1.percents, row1.mean) == (
        q1,
        6,
        [1, 0, 1, 1, 3],
        [17, 0, 17, 17, 50],
        3.83,
    )
    assert (row2.counts, row2.percents, row2.mean) == ([1, 1, 2, 1, 1], [17, 17, 33, 17, 17], 3.0)
    # Grouped and counted, most frequent first, then alphabetical: never in the order people answered.
    assert results.texts == [(qt, [("Slower", 2), ("More practice", 1), ("Ok", 1)], 4)]


def test_aggregation_runs_a_constant_number_of_queries(django_assert_max_num_queries, settings):
    settings.SURVEYS_ANONYMITY_K = 2  # the distribution math, not the release batches
    cohort = CohortFactory()
    survey, _questions = feedback_survey(cohorts=[cohort])
    _answer_all(survey, cohort, [[4, 4, "x"]] * 6)
    with django_assert_max_num_queries(10):
        selectors.survey_results(survey=survey, flt=selectors.ResultFilter())
    _answer_all(survey, cohort, [[2, 5, "y"]] * 20)
    with django_assert_max_num_queries(10):
        results = selectors.survey_results(survey=survey, flt=selectors.ResultFilter())
    assert results.likert[0].n == 26


def test_fewer_than_five_responses_hide_the_breakdown():
    cohort, other = CohortFactory(), CohortFactory()
    survey, _questions = feedback_survey(cohorts=[cohort, other])
    _answer_all(survey, cohort, [[5, 5, "only me"]] * 4)
    _answer_all(survey, other, [[1, 1, ""]] * 5)
    small = selectors.survey_results(survey=survey, flt=selectors.ResultFilter(cohort_ids=[cohort.pk]))
    # A cohort under K counts nowhere, not even in "all" (else "all" minus the big cohort would show it).
    assert small.hidden and small.responses == 0 and small.likert == [] and small.texts == []
    big = selectors.survey_results(survey=survey, flt=selectors.ResultFilter(cohort_ids=[other.pk]))
    assert not big.hidden and big.likert[0].percents == [100, 0, 0, 0, 0]
    both = selectors.survey_results(survey=survey, flt=selectors.ResultFilter())
    assert both.likert[0].counts == [5, 0, 0, 0, 0]


def test_results_by_course_and_period():
    course = CourseFactory()
    early = CohortFactory(
        course=course,
        starts_on=timezone.localdate() - timedelta(days=100),
        ends_on=timezone.localdate() - timedelta(days=50),
    )
    late = CohortFactory(course=course)
    stranger = CohortFactory()
    survey, _q = feedback_survey(cohorts=[early, late, stranger], text=False)
    _answer_all(survey, early, [[1, 1]] * 5)
    _answer_all(survey, late, [[5, 5]] * 5)
    _answer_all(survey, stranger, [[3, 3]] * 5)
    by_course = selectors.survey_results(survey=survey, flt=selectors.ResultFilter(course_id=course.pk))
    assert by_course.likert[0].counts == [5, 0, 0, 0, 5]
    recent = selectors.survey_results(
        survey=survey, flt=selectors.ResultFilter(course_id=course.pk, date_from=timezone.localdate())
    )
    assert recent.likert[0].counts == [0, 0, 0, 0, 5]


def test_choice_percentages_are_of_respondents():
    survey = SurveyFactory()
    q = QuestionFactory(section=SectionFactory(survey=survey), survey=survey, kind=Question.Kind.MULTIPLE)
    a, b = ChoiceFactory(question=q), ChoiceFactory(question=q)
    school = SchoolFactory()  # one school: one cell (cells by school, decision 0354)
    for picks in ([a.pk], [a.pk, b.pk], [b.pk], [a.pk], [a.pk, b.pk], [a.pk]):
        services.response_submit(survey=survey, user=TeacherFactory(school=school), answers={q.pk: picks})
    (row,) = selectors.survey_results(survey=survey, flt=selectors.ResultFilter()).choices
    assert row.n == 6
    assert row.options == [(a.text, 5, 83), (b.text, 3, 50)]


def test_pending_surveys_for_a_teacher():
    teacher = TeacherFactory()
    everyone = SurveyFactory(title="Everyone")
    SurveyFactory(title="Unpublished", is_published=False)
    SurveyFactory(title="Closed", closes_at=timezone.now() - timedelta(days=1))
    SurveyFactory(title="Later", opens_at=timezone.now() + timedelta(days=1))
    mine = SurveyFactory(title="My school", audience=Survey.Audience.SCHOOL, school=teacher.school)
    SurveyFactory(title="Other school", audience=Survey.Audience.SCHOOL, school=TeacherFactory().school)
    enrollment = EnrollmentFactory(teacher=teacher)
    feedback, questions = feedback_survey(cohorts=[enrollment.cohort, CohortFactory()], text=False)
    q = QuestionFactory(section=SectionFactory(survey=everyone), survey=everyone)
    pending = selectors.surveys_pending_for(teacher)
    assert {(p.survey.title, p.cohort) for p in pending} == {
        ("Everyone", None),
        ("My school", None),
        (feedback.title, enrollment.cohort),
    }
    services.response_submit(survey=everyone, user=teacher, answers={q.pk: 3})
    services.response_submit(
        survey=feedback,
        user=teacher,
        cohort=enrollment.cohort,
        answers={questions[0].pk: 3, questions[1].pk: 3},
    )
    assert [p.survey for p in selectors.surveys_pending_for(teacher)] == [mine]


def test_pending_surveys_query_count_does_not_grow(django_assert_max_num_queries):
    teacher = TeacherFactory()
    for _ in range(3):
        e = EnrollmentFactory(teacher=teacher)
        feedback_survey(cohorts=[e.cohort])
        SurveyFactory()
    with django_assert_max_num_queries(4):
        assert len(selectors.surveys_pending_for(teacher)) == 6
    for _ in range(10):
        e = EnrollmentFactory(teacher=teacher)
        feedback_survey(cohorts=[e.cohort])
        SurveyFactory()
    teacher._role_codes = None
    with django_assert_max_num_queries(4):
        assert len(selectors.surveys_pending_for(teacher)) == 26


def test_profile_shows_growth_between_two_diagnostics():
    a, b = CompetencyFactory(), CompetencyFactory()
    teacher = TeacherFactory()
    first, (qa1, qb1) = diagnostic_survey(competencies=[a, b], per_competency=1)
    services.response_submit(survey=first, user=teacher, answers={qa1.pk: 2, qb1.pk: 4})
    second, (qa2, qb2) = diagnostic_survey(competencies=[a, b], per_competency=1)
    services.response_submit(survey=second, user=teacher, answers={qa2.pk: 4, qb2.pk: 4})
    profile = selectors.profile_for(teacher)
    assert [(r.competency, r.before, r.score, r.growth, r.is_deficit) for r in profile.rows] == [
        (a, 25, 75, 50, False),
        (b, 75, 75, 0, False),
    ]


def test_recommendations_address_deficits_pinned_first_excluded_never_open_cohorts_first():
    weak, weaker, strong = CompetencyFactory(), CompetencyFactory(), CompetencyFactory()
    teacher = TeacherFactory()
    survey, (q1, q2, q3) = diagnostic_survey(competencies=[weak, weaker, strong], per_competency=1)
    services.response_submit(survey=survey, user=teacher, answers={q1.pk: 2, q2.pk: 1, q3.pk: 5})
    CourseFactory(title="A no cohort", competencies=[weak, weaker])
    with_cohort = CourseFactory(title="B open cohort", competencies=[weak])
    CohortFactory(course=with_cohort)
    full = CourseFactory(title="C full cohort", competencies=[weaker])
    full_cohort = CohortFactory(course=full, capacity=1)
    EnrollmentFactory(cohort=full_cohort)
    CourseFactory(title="D strong only", competencies=[strong])
    CourseFactory(title="E draft", competencies=[weak], status="draft")
    excluded = CourseFactory(title="F excluded", competencies=[weak])
    RuleFactory(course=excluded, competency=weak, mode=CourseRecommendationRule.Mode.EXCLUDE)
    pinned = CourseFactory(title="Z pinned")
    RuleFactory(course=pinned, competency=weaker, mode=CourseRecommendationRule.Mode.PIN)

    recs = selectors.recommendations_for(profile=selectors.profile_for(teacher))
    assert [r.course.title for r in recs] == ["Z pinned", "B open cohort", "A no cohort", "C full cohort"]
    assert recs[0].pinned and recs[1].cohorts and recs[1].cohorts[0].free_seats == 30
    assert recs[2].competencies == sorted([weak, weaker], key=lambda c: c.code)


def test_no_deficit_no_recommendation():
    comp = CompetencyFactory()
    teacher = TeacherFactory()
    survey, (q,) = diagnostic_survey(competencies=[comp], per_competency=1)
    services.response_submit(survey=survey, user=teacher, answers={q.pk: 5})
    CourseFactory(competencies=[comp])
    assert selectors.recommendations_for(profile=selectors.profile_for(teacher)) == []


def test_a_general_survey_with_stray_cohorts_is_pending_once_without_cohort():
    enrollment = EnrollmentFactory()
    survey = SurveyFactory(title="General", cohorts=[enrollment.cohort])
    assert [(p.survey, p.cohort) for p in selectors.surveys_pending_for(enrollment.teacher)] == [
        (survey, None)
    ]
