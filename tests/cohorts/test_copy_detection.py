"""Copy detection that holds: attacks that copy an answer and hide it (reordered sentences, changed case,
punctuation and whitespace, an answer from an earlier cohort), and honest answers that must stay unflagged."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohorts.models import Review, Submission
from cohorts.services import review_submit, submission_submit
from tests.factories import CuratorFactory

from .factories import AssignmentFactory, CohortFactory, EnrollmentFactory, ModuleFactory

pytestmark = pytest.mark.django_db

ORIGINAL = (
    "Формирующее оценивание я начинаю с ясных критериев успеха на каждом уроке. "
    "Ученики получают лист самооценки и отмечают, что уже получилось. "
    "В середине урока я использую светофор: зелёная, жёлтая и красная карточки. "
    "По карточкам я сразу вижу, кому нужна помощь, и меняю план урока. "
    "В конце урока ученики пишут короткую рефлексию на стикерах. "
    "Эти стикеры я читаю после урока и планирую следующий шаг."
)
# The same sentences in another order, with case, punctuation, whitespace and ё changed.
DISGUISED = (
    "В КОНЦЕ урока ученики пишут короткую рефлексию на стикерах!\n\n"
    "по карточкам  я сразу вижу — кому нужна помощь — и меняю план урока!   "
    "Эти стикеры я читаю после урока, и планирую следующий шаг…\n"
    "Формирующее Оценивание я начинаю с ясных критериев успеха на каждом уроке; "
    "в середине урока я использую «светофор» (зеленая, желтая и красная карточки)!\t"
    "Ученики получают лист самооценки и отмечают: что уже получилось?"
)
HONEST = (
    "На своих уроках математики я применяю формирующее оценивание через короткие проверочные вопросы. "
    "Перед началом темы ученики отвечают на три вопроса входной диагностики. "
    "Результаты я обсуждаю с классом, и вместе мы ставим цели на неделю. "
    "Раз в неделю ученики ведут дневник достижений, куда записывают трудности. "
    "Родители видят этот дневник и могут поддержать ребёнка дома. "
    "Такой подход помогает мне видеть прогресс каждого ученика."
)


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submit as the request does, then let the work queued after commit run (tasks are eager in tests)."""

    def run(enrollment, assignment, text):
        with django_capture_on_commit_callbacks(execute=True):
            submission = submission_submit(enrollment=enrollment, assignment=assignment, text=text)
        submission.refresh_from_db()
        return submission

    return run


@pytest.fixture
def course():
    module = ModuleFactory()
    assignment = AssignmentFactory(module=module)
    curator = CuratorFactory()
    earlier = CohortFactory(
        course=module.course,
        curators=[curator],
        starts_on=CohortFactory.starts_on.function() - timedelta(days=200),
    )
    current = CohortFactory(course=module.course, curators=[curator])
    return {"assignment": assignment, "earlier": earlier, "current": current, "curator": curator}


def test_reordered_sentences_with_case_punctuation_and_whitespace_changed_are_flagged(course, submit):
    a = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    b = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], DISGUISED)
    assert (b.similar_to_id, b.similarity) == (a.pk, 1.0)
    a.refresh_from_db()  # the reviewer of the original is told too, while it waits for review
    assert (a.similar_to_id, a.similarity) == (b.pk, 1.0)


def test_an_answer_copied_from_an_earlier_cohort_of_the_course_is_flagged(course, submit):
    a = submit(EnrollmentFactory(cohort=course["earlier"]), course["assignment"], ORIGINAL)
    review_submit(
        submission=a,
        reviewer=course["curator"],
        decision="accepted",
        score=8,
        comment="Хороший план урока, добавьте критерии оценивания для каждого этапа.",
    )
    b = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], DISGUISED)
    assert (b.similar_to_id, b.similarity) == (a.pk, 1.0)
    a.refresh_from_db()  # accepted work of the earlier cohort is not reopened
    assert (a.state, a.similar_to_id) == (Submission.State.ACCEPTED, None)


def test_a_partial_copy_padded_with_own_words_is_flagged_with_the_share_copied(course, submit):
    a = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    sentences = ORIGINAL.split(". ")
    padded = ". ".join(sentences[3:] + sentences[:2]) + ". " + ". ".join(HONEST.split(". ")[3:])
    b = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], padded)
    assert b.similar_to_id == a.pk
    assert 0.5 <= b.similarity < 1.0


def test_two_honest_answers_on_the_same_topic_are_not_flagged(course, submit):
    a = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    b = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], HONEST)
    a.refresh_from_db()
    assert (a.similar_to_id, a.similarity, b.similar_to_id, b.similarity) == (None, None, None, None)


def test_a_copy_in_another_course_is_not_flagged(course, submit):
    a = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    other_module = ModuleFactory()
    other_assignment = AssignmentFactory(module=other_module)
    other_cohort = CohortFactory(course=other_module.course)
    b = submit(EnrollmentFactory(cohort=other_cohort), other_assignment, ORIGINAL)
    a.refresh_from_db()
    assert (a.similar_to_id, b.similar_to_id) == (None, None)


def test_a_copy_of_another_assignment_of_the_same_course_is_not_flagged(course, submit):
    a = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    other_assignment = AssignmentFactory(module=course["assignment"].module)
    b = submit(EnrollmentFactory(cohort=course["current"]), other_assignment, ORIGINAL)
    a.refresh_from_db()
    assert (a.similar_to_id, b.similar_to_id) == (None, None)


def test_a_teacher_retaking_the_course_with_their_own_earlier_answer_is_not_flagged(course, submit):
    first = EnrollmentFactory(cohort=course["earlier"])
    submit(first, course["assignment"], ORIGINAL)
    again = submit(
        EnrollmentFactory(cohort=course["current"], teacher=first.teacher), course["assignment"], DISGUISED
    )
    assert again.similar_to_id is None


def test_the_threshold_is_a_setting(course, submit, settings):
    from cohorts.tasks import submission_check_copy_run

    settings.COHORTS_COPY_SIMILARITY_THRESHOLD = 0.99
    a = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    sentences = ORIGINAL.split(". ")
    b = submit(
        EnrollmentFactory(cohort=course["current"]),
        course["assignment"],
        ". ".join(sentences[:4]) + ". " + HONEST,
    )
    assert b.similar_to_id is None
    settings.COHORTS_COPY_SIMILARITY_THRESHOLD = 0.3
    submission_check_copy_run(b.pk)
    b.refresh_from_db()
    assert b.similar_to_id == a.pk


def test_the_check_runs_after_commit_in_the_background_not_in_the_request(
    course, client, django_capture_on_commit_callbacks
):
    a_enrollment = EnrollmentFactory(cohort=course["current"])
    with django_capture_on_commit_callbacks(execute=True):
        a = submission_submit(enrollment=a_enrollment, assignment=course["assignment"], text=ORIGINAL)
    b_enrollment = EnrollmentFactory(cohort=course["current"])
    client.force_login(b_enrollment.teacher)
    url = reverse("cohorts:assignment", args=[b_enrollment.pk, course["assignment"].pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"text": DISGUISED})
    assert response.status_code == 302
    b = Submission.objects.get(enrollment=b_enrollment)
    assert (b.similar_to_id, b.fingerprint) == (None, None)  # nothing compared inside the request
    for callback in callbacks:  # the check was queued to run after commit
        callback()
    b.refresh_from_db()
    assert (b.similar_to_id, b.similarity) == (a.pk, 1.0)


def test_the_check_is_idempotent_and_quiet_when_the_work_is_gone(course, submit):
    from cohorts.tasks import submission_check_copy_run

    a = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    b = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], DISGUISED)
    submission_check_copy_run(b.pk)
    submission_check_copy_run(b.pk)
    b.refresh_from_db()
    assert (b.similar_to_id, b.similarity) == (a.pk, 1.0)
    assert submission_check_copy_run(0) is None


def test_a_revised_version_is_checked_again(course, submit):
    a = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    b = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], DISGUISED)
    assert b.similar_to_id == a.pk
    review_submit(
        submission=b,
        reviewer=course["curator"],
        decision="revise",
        score=0,
        flag="confirmed",
        comment="Это копия ответа коллеги: напишите, пожалуйста, своими словами.",
    )
    b = submit(b.enrollment, course["assignment"], HONEST)
    assert (b.similar_to_id, b.similarity) == (None, None)


def test_the_database_refuses_a_score_outside_0_to_1_and_a_self_match(course, submit):
    a = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    b = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], HONEST)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=b.pk).update(similar_to=a, similarity=1.5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=b.pk).update(similar_to=a, similarity=-0.1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=b.pk).update(similar_to=b, similarity=1.0)


def test_the_flag_must_still_be_addressed_by_the_reviewer(course, submit):
    submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], ORIGINAL)
    b = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], DISGUISED)
    from cohorts.services import CohortError

    with pytest.raises(CohortError):
        review_submit(
            submission=b,
            reviewer=course["curator"],
            decision="accepted",
            score=8,
            comment="Хороший план урока, добавьте критерии оценивания для каждого этапа.",
        )
    assert Review.objects.filter(version__submission=b).count() == 0


# --- the reviewer sees the shared passages side by side ------------------------------------------


def test_review_page_marks_the_copied_passages_side_by_side_and_escapes_the_answers(course, submit, client):
    evil = "<script>alert('x')</script> Эти стикеры я читаю после урока и планирую следующий шаг."
    original = ORIGINAL.replace("Эти стикеры я читаю после урока и планирую следующий шаг.", evil)
    a = submit(EnrollmentFactory(cohort=course["earlier"]), course["assignment"], original)
    copy = "<b>Мой ответ</b>. " + DISGUISED
    b = submit(EnrollmentFactory(cohort=course["current"]), course["assignment"], copy)
    assert b.similar_to_id == a.pk
    client.force_login(course["curator"])
    response = client.get(reverse("cohorts:review", args=[b.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<section class="copy-evidence' in html
    # the copied sentence is marked in both answers, each as the teacher wrote it
    assert "<mark>Эти стикеры я читаю после урока, и планирую следующий шаг</mark>" in html
    assert "<mark>Эти стикеры я читаю после урока и планирую следующий шаг</mark>" in html
    assert "<mark>В КОНЦЕ урока ученики пишут короткую рефлексию на стикерах</mark>" in html
    # user HTML is shown as text, never as markup; the teacher's own words are not marked
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Мой ответ&lt;/b&gt;" in html
    assert "<mark>Мой ответ" not in html and "<b>Мой ответ</b>" not in html
