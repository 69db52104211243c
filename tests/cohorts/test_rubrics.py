"""Reviews scored by a rubric: the service, the reviewer's and the teacher's pages, the API, permissions
and the curator's "which criteria fail most" numbers."""

import pytest
from django.urls import reverse

from cohorts import selectors
from cohorts.models import Review, RubricScore, Submission
from cohorts.services import CohortError, review_submit, submission_submit
from courses.services import rubric_criterion_create
from tests.factories import CuratorFactory, TeacherFactory

from .factories import AssignmentFactory, CohortFactory, EnrollmentFactory, ModuleFactory

pytestmark = pytest.mark.django_db

GOOD = "Хороший план урока, добавьте критерии оценивания для каждого этапа."


def _rubric(assignment):
    goal = rubric_criterion_create(
        user=None,
        assignment=assignment,
        title="Цель урока",
        levels=[(3, "Цель через результат ученика"), (1, "Цель в общих словах"), (0, "Цели нет")],
    )
    methods = rubric_criterion_create(
        user=None,
        assignment=assignment,
        title="Методы",
        levels=[(2, "Методы соответствуют цели"), (0, "Методы случайны")],
    )
    return goal, methods


def _setup():
    module = ModuleFactory()
    curator = CuratorFactory()
    cohort = CohortFactory(course=module.course, curators=[curator])
    assignment = AssignmentFactory(module=module)
    goal, methods = _rubric(assignment)
    enrollment = EnrollmentFactory(cohort=cohort)
    submission = submission_submit(
        enrollment=enrollment, assignment=assignment, text="План урока с целью и методами."
    )
    return submission, curator, goal, methods


def _level(criterion, points):
    return criterion.levels.get(points=points)


def _scores(goal, methods, g=3, m=0):
    return {
        goal.pk: {"level": _level(goal, g).pk, "comment": "Цель ясна"},
        methods.pk: {"level": _level(methods, m).pk},
    }


# --- service -------------------------------------------------------------------------------


def test_the_score_is_the_sum_of_the_chosen_levels_and_each_level_is_stored():
    submission, curator, goal, methods = _setup()
    review = review_submit(
        submission=submission,
        reviewer=curator,
        decision="accepted",
        score=99,
        comment=GOOD,
        rubric=_scores(goal, methods),
    )
    assert review.score == 3
    assert list(review.rubric_scores.values_list("criterion__title", "points", "comment")) == [
        ("Цель урока", 3, "Цель ясна"),
        ("Методы", 0, ""),
    ]
    submission.refresh_from_db()
    assert submission.score == 3
    submission.assignment.refresh_from_db()
    assert submission.assignment.max_score == 5
    assert submission.assignment.rubric_used_at is not None


def test_attack_a_level_of_another_assignments_rubric_is_refused_and_nothing_is_stored():
    submission, curator, goal, methods = _setup()
    other_goal, _other_methods = _rubric(AssignmentFactory(module=ModuleFactory()))
    rubric = {goal.pk: {"level": _level(other_goal, 3).pk}, methods.pk: {"level": _level(methods, 2).pk}}
    with pytest.raises(CohortError) as exc:
        review_submit(
            submission=submission, reviewer=curator, decision="accepted", comment=GOOD, rubric=rubric
        )
    assert exc.value.messages == [
        "“Цель урока”: the chosen level is not one of this criterion's levels. Reload the page and score again."
    ]
    assert Review.objects.count() == 0
    assert RubricScore.objects.count() == 0
    submission.refresh_from_db()
    assert (submission.state, submission.score) == (Submission.State.SUBMITTED, None)


def test_attack_the_level_of_another_criterion_is_refused():
    submission, curator, goal, methods = _setup()
    rubric = {goal.pk: {"level": _level(methods, 2).pk}, methods.pk: {"level": _level(methods, 2).pk}}
    with pytest.raises(CohortError):
        review_submit(
            submission=submission, reviewer=curator, decision="accepted", comment=GOOD, rubric=rubric
        )
    assert Review.objects.count() == 0


def test_a_missing_criterion_and_a_foreign_criterion_are_refused():
    submission, curator, goal, methods = _setup()
    with pytest.raises(CohortError) as exc:
        review_submit(
            submission=submission,
            reviewer=curator,
            decision="accepted",
            comment=GOOD,
            rubric={goal.pk: {"level": _level(goal, 3).pk}},
        )
    assert exc.value.messages == ["Choose a level for every criterion of the rubric: «Методы»."]
    other_goal, _ = _rubric(AssignmentFactory(module=ModuleFactory()))
    rubric = {**_scores(goal, methods), other_goal.pk: {"level": _level(other_goal, 3).pk}}
    with pytest.raises(CohortError):
        review_submit(
            submission=submission, reviewer=curator, decision="accepted", comment=GOOD, rubric=rubric
        )
    assert Review.objects.count() == 0


def test_the_overall_comment_rules_still_apply_with_a_rubric():
    submission, curator, goal, methods = _setup()
    with pytest.raises(CohortError):
        review_submit(
            submission=submission,
            reviewer=curator,
            decision="accepted",
            comment=".",
            rubric=_scores(goal, methods),
        )
    assert RubricScore.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_level_of_another_criterion_on_postgresql():
    from django.db import IntegrityError, connection

    if connection.vendor != "postgresql":
        # SQLite cannot add the composite key; the service's check (tests above) holds there.
        assert connection.vendor == "sqlite"
        return
    submission, curator, goal, methods = _setup()
    review = review_submit(
        submission=submission,
        reviewer=curator,
        decision="accepted",
        comment=GOOD,
        rubric=_scores(goal, methods),
    )
    with pytest.raises(IntegrityError):
        RubricScore.objects.filter(review=review, criterion=goal).update(level=_level(methods, 2), points=2)


# --- pages ----------------------------------------------------------------------------------


def _post(goal, methods, g=3, m=0, **extra):
    data = {
        f"rubric_{goal.pk}": str(_level(goal, g).pk),
        f"rubric_{goal.pk}_comment": "Цель ясна",
        f"rubric_{methods.pk}": str(_level(methods, m).pk),
        "decision": "revise",
        "comment": GOOD,
    }
    data.update(extra)
    return data


def test_the_curator_scores_with_the_rubric_on_the_review_page(client):
    submission, curator, goal, methods = _setup()
    client.force_login(curator)
    page = client.get(reverse("cohorts:review", args=[submission.pk]))
    assert page.status_code == 200
    assert "Цель через результат ученика" in page.content.decode()
    assert 'name="score"' not in page.content.decode()
    response = client.post(reverse("cohorts:review", args=[submission.pk]), _post(goal, methods, 1, 2))
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.score, review.decision) == (3, "revise")
    # Attack: the same POST again stores nothing more.
    again = client.post(reverse("cohorts:review", args=[submission.pk]), _post(goal, methods, 3, 2))
    assert again.status_code == 200
    assert Review.objects.count() == 1
    assert RubricScore.objects.count() == 2
    assert Review.objects.get().score == 3


def test_attack_a_tampered_post_with_a_level_of_another_rubric_shows_a_message_and_stores_nothing(client):
    submission, curator, goal, methods = _setup()
    other_goal, _ = _rubric(AssignmentFactory(module=ModuleFactory()))
    client.force_login(curator)
    data = _post(goal, methods, **{f"rubric_{goal.pk}": str(_level(other_goal, 3).pk)})
    response = client.post(reverse("cohorts:review", args=[submission.pk]), data)
    assert response.status_code == 200
    assert "Choose one of this criterion&#x27;s levels." in response.content.decode()
    missing = _post(goal, methods)
    del missing[f"rubric_{methods.pk}"]
    response = client.post(reverse("cohorts:review", args=[submission.pk]), missing)
    assert response.status_code == 200
    assert "Choose a level for this criterion." in response.content.decode()
    assert Review.objects.count() == 0
    assert RubricScore.objects.count() == 0


def test_a_curator_of_another_cohort_cannot_score(client):
    submission, _curator, goal, methods = _setup()
    stranger = CuratorFactory()
    CohortFactory(course=submission.enrollment.cohort.course, curators=[stranger])
    client.force_login(stranger)
    assert client.get(reverse("cohorts:review", args=[submission.pk])).status_code == 404
    assert (
        client.post(reverse("cohorts:review", args=[submission.pk]), _post(goal, methods)).status_code == 404
    )
    assert Review.objects.count() == 0


def test_the_teacher_sees_the_rubric_with_the_chosen_levels_and_comments(client):
    submission, curator, goal, methods = _setup()
    review_submit(
        submission=submission,
        reviewer=curator,
        decision="revise",
        comment=GOOD,
        rubric=_scores(goal, methods, 1, 2),
    )
    client.force_login(submission.enrollment.teacher)
    page = client.get(
        reverse("cohorts:assignment", args=[submission.enrollment_id, submission.assignment_id])
    )
    html = page.content.decode()
    assert page.status_code == 200
    chosen = [part.split("</li>")[0].rsplit(">", 1)[-1] for part in html.split("rubric-level-chosen")[1:]]
    assert chosen == ["Цель в общих словах", "Методы соответствуют цели"]
    assert "Цель ясна" in html
    assert "How the work is assessed" in html


def test_a_teacher_cannot_see_another_teachers_scores(client):
    submission, curator, goal, methods = _setup()
    review_submit(
        submission=submission,
        reviewer=curator,
        decision="accepted",
        comment=GOOD,
        rubric=_scores(goal, methods),
    )
    other = EnrollmentFactory(cohort=submission.enrollment.cohort)
    client.force_login(other.teacher)
    assert (
        client.get(
            reverse("cohorts:assignment", args=[submission.enrollment_id, submission.assignment_id])
        ).status_code
        == 404
    )
    page = client.get(reverse("cohorts:assignment", args=[other.pk, submission.assignment_id]))
    assert "Цель ясна" not in page.content.decode()
    listing = client.get("/api/v1/submissions/").json()
    assert (listing["results"] if isinstance(listing, dict) else listing) == []
    assert client.get(f"/api/v1/submissions/{submission.pk}/").status_code == 404


def test_the_api_shows_the_reviews_rubric_scores(client):
    submission, curator, goal, methods = _setup()
    review_submit(
        submission=submission,
        reviewer=curator,
        decision="accepted",
        comment=GOOD,
        rubric=_scores(goal, methods, 3, 2),
    )
    client.force_login(submission.enrollment.teacher)
    data = client.get(f"/api/v1/submissions/{submission.pk}/").json()
    review = data["versions"][0]["review"]
    assert review["score"] == 5
    assert review["rubric_scores"] == [
        {
            "criterion": goal.pk,
            "criterion_title": "Цель урока",
            "level": _level(goal, 3).pk,
            "points": 3,
            "max_points": 3,
            "descriptor": "Цель через результат ученика",
            "comment": "Цель ясна",
        },
        {
            "criterion": methods.pk,
            "criterion_title": "Методы",
            "level": _level(methods, 2).pk,
            "points": 2,
            "max_points": 2,
            "descriptor": "Методы соответствуют цели",
            "comment": "",
        },
    ]


# --- the curator's numbers --------------------------------------------------------------------


def _reviewed_cohort(pairs):
    """A cohort whose teachers' works were scored (goal points, methods points) as given."""
    module = ModuleFactory()
    curator = CuratorFactory()
    cohort = CohortFactory(course=module.course, curators=[curator])
    assignment = AssignmentFactory(module=module, title="План урока")
    goal, methods = _rubric(assignment)
    for g, m in pairs:
        enrollment = EnrollmentFactory(cohort=cohort)
        submission = submission_submit(enrollment=enrollment, assignment=assignment, text="План урока.")
        review_submit(
            submission=submission,
            reviewer=curator,
            decision="accepted",
            comment=GOOD,
            rubric=_scores(goal, methods, g, m),
        )
    return cohort, curator, goal, methods


def test_the_criteria_that_fail_most_come_first_with_exact_numbers():
    cohort, _curator, goal, methods = _reviewed_cohort([(3, 0), (1, 0), (0, 2), (3, 0)])
    stats = selectors.rubric_stats_for_cohort(cohort)
    assert [
        (s["criterion"].pk, s["reviews"], s["at_lowest"], s["lowest_percent"], s["average"], s["highest"])
        for s in stats
    ] == [
        (methods.pk, 4, 3, 75, 0.5, 2),
        (goal.pk, 4, 1, 25, 1.8, 3),
    ]
    # Another cohort's reviews do not count here.
    _reviewed_cohort([(0, 0)])
    assert [s["reviews"] for s in selectors.rubric_stats_for_cohort(cohort)] == [4, 4]


def test_the_curators_cohort_page_shows_the_criteria_worst_first_and_an_empty_state(client):
    cohort, curator, _goal, _methods = _reviewed_cohort([(3, 0), (1, 0)])
    client.force_login(curator)
    html = client.get(reverse("cohorts:curate_cohort", args=[cohort.pk])).content.decode()
    section = html.split("rubric-stats")[1]
    assert section.index("Методы") < section.index("Цель урока")
    assert "100%" in section
    empty = CohortFactory(curators=[curator])
    html = client.get(reverse("cohorts:curate_cohort", args=[empty.pk])).content.decode()
    assert "No reviews scored by a rubric in this cohort yet." in html


@pytest.mark.parametrize("teachers", [2, 8])
def test_the_aggregation_runs_a_fixed_number_of_queries(django_assert_num_queries, teachers):
    cohort, _curator, _goal, _methods = _reviewed_cohort([(3, 0)] * teachers)
    with django_assert_num_queries(2):
        stats = selectors.rubric_stats_for_cohort(cohort)
    assert [s["reviews"] for s in stats] == [teachers, teachers]


def test_another_cohorts_curator_does_not_see_the_numbers(client):
    cohort, _curator, _goal, _methods = _reviewed_cohort([(3, 0)])
    client.force_login(CuratorFactory())
    assert client.get(reverse("cohorts:curate_cohort", args=[cohort.pk])).status_code == 404
    client.force_login(TeacherFactory())
    assert client.get(reverse("cohorts:curate_cohort", args=[cohort.pk])).status_code == 403
