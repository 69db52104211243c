"""Reviews that carry substance: attacks on "accepted without a word"."""

import pytest
from django.urls import reverse

from cohorts.models import Review, Submission
from cohorts.services import CohortError, review_submit, submission_submit
from cohorts.tasks import submission_check_copy_run
from tests.factories import CuratorFactory

from .factories import AssignmentFactory, CohortFactory, EnrollmentFactory, ModuleFactory

pytestmark = pytest.mark.django_db

GOOD = "Хороший план урока, добавьте критерии оценивания для каждого этапа."


def _submission(text="Мой ответ на задание: план урока с формирующим оцениванием."):
    module = ModuleFactory()
    curator = CuratorFactory()
    cohort = CohortFactory(course=module.course, curators=[curator])
    assignment = AssignmentFactory(module=module)
    enrollment = EnrollmentFactory(cohort=cohort)
    return submission_submit(enrollment=enrollment, assignment=assignment, text=text), curator


@pytest.mark.parametrize(
    "comment",
    [
        ".",
        "Ок",
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        "ааааааааааааааааааааа",
        "а а а а а а а а а а а а а а а а а а а а а",
        "12 12 12 12 12 12 12 12 12",
    ],
)
def test_a_comment_without_substance_is_refused_and_nothing_changes(comment):
    submission, curator = _submission()
    with pytest.raises(CohortError):
        review_submit(submission=submission, reviewer=curator, decision="accepted", score=8, comment=comment)
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert Review.objects.count() == 0


def test_a_comment_too_long_is_refused_even_when_the_assignment_waives_comments():
    submission, curator = _submission()
    submission.assignment.review_requires_comment = False
    submission.assignment.save()
    with pytest.raises(CohortError):
        review_submit(
            submission=submission, reviewer=curator, decision="accepted", score=8, comment="Хорошо. " * 2500
        )
    assert Review.objects.count() == 0


def test_the_minimum_is_a_setting(settings):
    settings.COHORTS_REVIEW_MIN_COMMENT_CHARS = 5
    submission, curator = _submission()
    review = review_submit(
        submission=submission, reviewer=curator, decision="accepted", score=8, comment="Верно"
    )
    assert review.comment == "Верно"


def test_a_meaningful_comment_is_accepted():
    submission, curator = _submission()
    review = review_submit(
        submission=submission, reviewer=curator, decision="accepted", score=8, comment=GOOD
    )
    assert review.comment == GOOD


def test_the_database_refuses_a_comment_over_the_maximum():
    from django.db import IntegrityError, transaction

    submission, curator = _submission()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            version=submission.versions.get(),
            reviewer=curator,
            decision="accepted",
            score=1,
            comment="x" * 5001,
        )


def _flagged():
    text = "Формативное оценивание помогает ученикам видеть свой прогресс, а учителю менять план урока."
    first, curator = _submission(text)
    other = EnrollmentFactory(cohort=first.enrollment.cohort)
    second = submission_submit(enrollment=other, assignment=first.assignment, text=text)
    submission_check_copy_run(second.pk)  # what the worker does after commit
    second.refresh_from_db()
    assert second.similar_to_id == first.pk
    return second, curator


def test_flagged_work_cannot_be_accepted_without_addressing_the_flag():
    submission, curator = _flagged()
    with pytest.raises(CohortError):
        review_submit(submission=submission, reviewer=curator, decision="accepted", score=8, comment=GOOD)
    with pytest.raises(CohortError):  # a confirmed copy is never accepted
        review_submit(
            submission=submission,
            reviewer=curator,
            decision="accepted",
            score=8,
            comment=GOOD,
            flag="confirmed",
        )
    with pytest.raises(CohortError):  # dismissing needs a reason
        review_submit(
            submission=submission,
            reviewer=curator,
            decision="accepted",
            score=8,
            comment=GOOD,
            flag="dismissed",
            flag_reason=".",
        )
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert Review.objects.count() == 0


def test_flag_confirmed_means_revise_and_dismissed_keeps_the_reason():
    submission, curator = _flagged()
    review = review_submit(
        submission=submission, reviewer=curator, decision="revise", score=0, comment=GOOD, flag="confirmed"
    )
    assert (review.flag, review.decision) == ("confirmed", "revise")
    other, curator2 = _flagged()
    reason = "Ответы совпадают, потому что оба учителя цитируют один методический документ."
    review = review_submit(
        submission=other,
        reviewer=curator2,
        decision="accepted",
        score=8,
        comment=GOOD,
        flag="dismissed",
        flag_reason=reason,
    )
    assert (review.flag, review.flag_reason) == ("dismissed", reason)


def test_review_page_refuses_a_dot_with_nothing_changed(client):
    submission, curator = _submission()
    client.force_login(curator)
    url = reverse("cohorts:review", args=[submission.pk])
    response = client.post(url, {"decision": "accepted", "score": 8, "comment": "."})
    assert response.status_code == 200
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert Review.objects.count() == 0


def test_revision_form_starts_from_the_previous_answer_and_history_shows_a_diff(client):
    submission, curator = _submission("Первая строка ответа.\nВторая строка ответа.")
    review_submit(submission=submission, reviewer=curator, decision="revise", score=3, comment=GOOD)
    enrollment = submission.enrollment
    client.force_login(enrollment.teacher)
    url = reverse("cohorts:assignment", args=[enrollment.pk, submission.assignment_id])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["text"] == "Первая строка ответа.\nВторая строка ответа."
    submission_submit(
        enrollment=enrollment,
        assignment=submission.assignment,
        text="Первая строка ответа.\nНовая вторая строка.",
    )
    client.force_login(curator)
    page = client.get(reverse("cohorts:review", args=[submission.pk]))
    html = page.content.decode()
    assert '<del class="diff-removed">Вторая строка ответа.</del>' in html
    assert '<ins class="diff-added">Новая вторая строка.</ins>' in html
