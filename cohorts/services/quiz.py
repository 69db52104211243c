"""Quiz attempts: start (or resume), save an answer on each change, submit, and the grading.

The rules (docs/decisions/0331-quiz-bank-attempts.md):
- An attempt's questions, their order and the order of their choices are drawn once, when it starts, and
  stored (QuizAnswer rows): a reload or a lost connection resumes the same attempt.
- One running attempt per enrollment and quiz (a partial unique constraint); attempts numbered 1..limit
  under a row lock of the enrollment; past the limit nothing starts.
- With a time limit the deadline is stored on the attempt. No answer is saved and nothing is submitted
  after it; an attempt past its deadline is graded as it stands, lazily on the next request that touches
  it and by the periodic sweep (cohorts.tasks.quiz_close_expired), whichever comes first.
- The browser names choices by their index in the order they are shown, never by id, so neither ids
  nor order give the key away; what a running attempt shows comes from selectors.quiz_attempt_view.
"""

import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.scopes import learning_changed
from courses.models import Quiz
from courses.selectors import quiz_question_pool
from courses.services import quiz_questions_mark_used

from ..models import Enrollment, LessonProgress, QuizAnswer, QuizAttempt
from .errors import CohortError

RESPONSE_TEXT_MAX_CHARS = 500
_random = secrets.SystemRandom()


# --- grading: pure functions per kind, each returning the share of the points earned (0..1) ------------


def normalise_text(text: str) -> str:
    """Short answers compare case-insensitively, with ё as е, spaces collapsed and trailing dots dropped."""
    text = " ".join(str(text or "").split()).casefold().replace("ё", "е")
    return text.rstrip(".").strip()


def grade_single(*, correct_ids: set, chosen) -> float:
    return 1.0 if chosen is not None and chosen in correct_ids else 0.0


def grade_multiple(*, correct_ids: set, chosen: set) -> float:
    """Partial credit: (correct options chosen − wrong options chosen) / correct options, never below 0.
    Choosing everything therefore earns nothing unless every option is correct."""
    if not correct_ids:
        return 0.0
    right = len(chosen & correct_ids)
    wrong = len(chosen - correct_ids)
    return max(0.0, (right - wrong) / len(correct_ids))


def grade_true_false(*, answer: bool, given) -> float:
    return 1.0 if given is not None and bool(given) == answer else 0.0


def grade_short(*, accepted: list[str], given: str) -> float:
    given = normalise_text(given)
    return 1.0 if given and given in {normalise_text(a) for a in accepted if a.strip()} else 0.0


def parse_number(text) -> Decimal | None:
    """ "3,14", "3.14", " 1 000 " → Decimal; anything else → None."""
    text = "".join(str(text or "").split()).replace(",", ".").replace("\u2212", "-")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def grade_numeric(*, answer: Decimal, tolerance: Decimal, given) -> float:
    number = parse_number(given)
    return 1.0 if number is not None and abs(number - Decimal(answer)) <= Decimal(tolerance) else 0.0


def grade_matching(*, match_of: dict, given: dict) -> float:
    """Per pair: each item matched to a choice whose match text is its own earns 1/items."""
    if not match_of:
        return 0.0
    right = sum(
        1
        for left, right_id in given.items()
        if left in match_of and right_id in match_of and match_of[right_id] == match_of[left]
    )
    return right / len(match_of)


def grade_ordering(*, correct_order: list, ranks: dict) -> float:
    """Per position: each item put at its own place (1-based) earns 1/items."""
    if not correct_order:
        return 0.0
    right = sum(1 for place, pk in enumerate(correct_order, start=1) if ranks.get(pk) == place)
    return right / len(correct_order)


def grade_answer(question, response) -> float:
    """The share of the question's points a stored response earns (choices prefetched on the question)."""
    if not response:
        return 0.0
    choices = list(question.choices.all())
    kind = question.kind
    if kind == "single":
        return grade_single(
            correct_ids={c.pk for c in choices if c.is_correct}, chosen=response.get("choice")
        )
    if kind == "multiple":
        return grade_multiple(
            correct_ids={c.pk for c in choices if c.is_correct}, chosen=set(response.get("choices") or [])
        )
    if kind == "true_false":
        return grade_true_false(answer=question.true_false_answer, given=response.get("value"))
    if kind == "short":
        return grade_short(accepted=question.accepted_answers.splitlines(), given=response.get("text", ""))
    if kind == "numeric":
        return grade_numeric(
            answer=question.numeric_answer,
            tolerance=question.tolerance or Decimal(0),
            given=response.get("text", ""),
        )
    if kind == "matching":
        pairs = {int(k): v for k, v in (response.get("pairs") or {}).items()}
        return grade_matching(match_of={c.pk: c.match.strip() for c in choices}, given=pairs)
    if kind == "ordering":
        ranks = {int(k): v for k, v in (response.get("ranks") or {}).items()}
        return grade_ordering(correct_order=[c.pk for c in choices], ranks=ranks)
    return 0.0


# --- the attempt flow -------------------------------------------------------------------------------


def _shuffled(ids: list, *, avoid: list | None = None) -> list:
    """A shuffled copy; never the `avoid` order itself when there are two or more (it would be the key)."""
    ids = list(ids)
    if len(ids) < 2:
        return ids
    while True:
        _random.shuffle(ids)
        if ids != (avoid if avoid is not None else []):
            return ids


def _answer_orders(question, *, shuffle: bool) -> tuple[list, list]:
    ids = [c.pk for c in question.choices.all()]
    if question.kind == "ordering":
        return _shuffled(ids, avoid=ids), []
    if question.kind == "matching":
        left = _shuffled(ids) if shuffle else ids
        return left, _shuffled(ids, avoid=left)
    if question.kind in ("single", "multiple"):
        return (_shuffled(ids) if shuffle else ids), []
    return [], []


def _attempts_used(*, enrollment, quiz) -> int:
    return (
        QuizAttempt.objects.filter(enrollment=enrollment, quiz=quiz)
        .exclude(state=QuizAttempt.State.RUNNING)
        .count()
    )


def quiz_attempts_left(*, enrollment, quiz) -> int:
    return max(0, quiz.attempt_limit - _attempts_used(enrollment=enrollment, quiz=quiz))


def quiz_attempt_start(*, enrollment: Enrollment, quiz, now=None) -> QuizAttempt:
    """Start the next attempt, or return the running one (resume). Refused (CohortError, nothing created)
    when the limit is reached, outside the cohort's run, or for another course's quiz."""

    from .learning import _in_course, _require_learning, _require_running

    now = now or timezone.now()
    _require_learning(enrollment)
    _in_course(enrollment.cohort, lesson=quiz.lesson)
    with transaction.atomic():
        Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()  # attempts numbered in turn
        running = QuizAttempt.objects.filter(
            enrollment=enrollment, quiz=quiz, state=QuizAttempt.State.RUNNING
        ).first()
        if running is not None:
            # Resume; one whose time ran out is graded as it stood and returned finished (no new attempt).
            _close_if_expired(running, now=now)
            return running
        _require_running(enrollment.cohort)
        if _attempts_used(enrollment=enrollment, quiz=quiz) >= quiz.attempt_limit:
            raise CohortError(
                _("You have used all %(limit)s attempts at this quiz.") % {"limit": quiz.attempt_limit}
            )
        pool, count = quiz_question_pool(quiz=quiz)
        if count is not None:
            questions = _random.sample(pool, min(count, len(pool)))
        else:
            questions = _shuffled(pool) if quiz.shuffle else pool
        if not questions:
            raise CohortError(_("This quiz has no questions yet. Please tell the course's curators."))
        number = (
            QuizAttempt.objects.filter(enrollment=enrollment, quiz=quiz).aggregate(top=Max("number"))["top"]
            or 0
        ) + 1
        deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
        attempt = QuizAttempt.objects.create(
            enrollment=enrollment,
            quiz=quiz,
            number=number,
            started_at=now,
            deadline=deadline,
            max_score=sum(q.points for q in questions),
        )
        rows = []
        for position, question in enumerate(questions, start=1):
            choice_order, match_order = _answer_orders(question, shuffle=quiz.shuffle)
            rows.append(
                QuizAnswer(
                    attempt=attempt,
                    question=question,
                    position=position,
                    choice_order=choice_order,
                    match_order=match_order,
                )
            )
        QuizAnswer.objects.bulk_create(rows)
        quiz_questions_mark_used(question_ids=[q.pk for q in questions])
    return attempt


def _index(value, size: int):
    try:
        index = int(value)
    except (TypeError, ValueError):
        raise CohortError(
            _("This answer is not one of the choices. Reload the page and answer again.")
        ) from None
    if not 0 <= index < size:
        raise CohortError(_("This answer is not one of the choices. Reload the page and answer again."))
    return index


def response_from_browser(answer: QuizAnswer, data) -> dict | None:
    """The response as the browser names it (indexes into the shown order) → as stored (ids); None when
    left empty. Bad input → CohortError."""
    if data is None:
        return None
    kind = answer.question.kind
    order, matches = answer.choice_order, answer.match_order
    if kind == "single":
        value = data.get("choice")
        return None if value in (None, "") else {"choice": order[_index(value, len(order))]}
    if kind == "multiple":
        values = data.get("choices") or []
        if not isinstance(values, list):
            values = [values]
        chosen = sorted({order[_index(v, len(order))] for v in values if v not in (None, "")})
        return {"choices": chosen} if chosen else None
    if kind == "true_false":
        value = data.get("value")
        if value in (None, ""):
            return None
        if str(value).lower() not in ("true", "false"):
            raise CohortError(_("Choose true or false."))
        return {"value": str(value).lower() == "true"}
    if kind in ("short", "numeric"):
        text = str(data.get("text") or "").strip()
        if len(text) > RESPONSE_TEXT_MAX_CHARS:
            raise CohortError(
                _("The answer is too long: at most %(max)s characters.") % {"max": RESPONSE_TEXT_MAX_CHARS}
            )
        if kind == "numeric" and text and parse_number(text) is None:
            raise CohortError(_("Write a number, for example 12,5."))
        return {"text": text} if text else None
    if kind == "matching":
        pairs = {}
        for left, right in (data.get("pairs") or {}).items():
            if right in (None, ""):
                continue
            pairs[str(order[_index(left, len(order))])] = matches[_index(right, len(matches))]
        return {"pairs": pairs} if pairs else None
    if kind == "ordering":
        ranks = {}
        for item, rank in (data.get("ranks") or {}).items():
            if rank in (None, ""):
                continue
            place = _index(rank, len(order) + 1)
            if place == 0:
                raise CohortError(
                    _("This answer is not one of the choices. Reload the page and answer again.")
                )
            ranks[str(order[_index(item, len(order))])] = place
        return {"ranks": ranks} if ranks else None
    return None


def _finished_message(attempt: QuizAttempt) -> str:
    if attempt.state == QuizAttempt.State.TIMED_OUT:
        return _(
            "Time is up: this attempt was closed at its time limit and graded as it stood; answers can no longer change."
        )
    return _("This attempt is already submitted; answers can no longer change.")


def _locked(attempt: QuizAttempt) -> QuizAttempt:
    return (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("quiz__lesson", "enrollment__cohort")
        .get(pk=attempt.pk)
    )


def quiz_answer_save(*, attempt: QuizAttempt, position: int, data, now=None) -> QuizAnswer:
    """Save the response to one question of a running attempt (the page posts each change). After the
    deadline or the submission: CohortError with the reason, the answer unchanged (an expired attempt is
    graded as it stood, in its own transaction, before the refusal)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked(attempt)
        refusal = _refusal(attempt, now=now)
        if not refusal:
            answer = (
                QuizAnswer.objects.select_related("question")
                .filter(attempt=attempt, position=position)
                .first()
            )
            if answer is None:
                raise CohortError(_("This question is not part of the attempt. Reload the page."))
            answer.response = response_from_browser(answer, data)
            answer.saved_at = now
            answer.save(update_fields=["response", "saved_at"])
            return answer
    raise CohortError(refusal)


def _refusal(attempt: QuizAttempt, *, now) -> str:
    """Why a locked attempt takes no more answers ("" while it does); closes it when its time is up."""
    if not attempt.is_running:
        return _finished_message(attempt)
    if _close_if_expired(attempt, now=now):
        return _finished_message(attempt)
    return ""


def quiz_attempt_submit(*, attempt: QuizAttempt, responses: dict | None = None, now=None) -> QuizAttempt:
    """Submit a running attempt (with the last responses of a page without JS, position → data) and grade
    it. After the deadline or a submission: CohortError, nothing changed by this request."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked(attempt)
        refusal = _refusal(attempt, now=now)
        if not refusal:
            if responses:
                answers = {
                    a.position: a
                    for a in QuizAnswer.objects.select_related("question").filter(attempt=attempt)
                }
                changed = []
                for position, data in responses.items():
                    answer = answers.get(int(position))
                    if answer is None:
                        raise CohortError(_("This question is not part of the attempt. Reload the page."))
                    answer.response = response_from_browser(answer, data)
                    answer.saved_at = now
                    changed.append(answer)
                QuizAnswer.objects.bulk_update(changed, ["response", "saved_at"])
            _grade(attempt, state=QuizAttempt.State.SUBMITTED, finished_at=now)
            return attempt
    raise CohortError(refusal)


def _close_if_expired(attempt: QuizAttempt, *, now) -> bool:
    if attempt.is_running and attempt.deadline is not None and now >= attempt.deadline:
        _grade(attempt, state=QuizAttempt.State.TIMED_OUT, finished_at=attempt.deadline)
        return True
    return False


def quiz_attempt_close_expired(*, attempt: QuizAttempt, now=None) -> bool:
    """Grade a running attempt past its deadline as it stands; True when it did (idempotent)."""
    with transaction.atomic():
        return _close_if_expired(_locked(attempt), now=now or timezone.now())


def quiz_attempts_close_expired(*, now=None, batch: int = 500) -> int:
    """The periodic sweep: every running attempt past its deadline is graded as it stands."""
    now = now or timezone.now()
    ids = list(
        QuizAttempt.objects.filter(state=QuizAttempt.State.RUNNING, deadline__lte=now)
        .order_by("deadline")
        .values_list("pk", flat=True)[:batch]
    )
    return sum(quiz_attempt_close_expired(attempt=QuizAttempt(pk=pk), now=now) for pk in ids)


def _grade(attempt: QuizAttempt, *, state: str, finished_at) -> None:
    """Every answer's share and points, the attempt's total, percent and pass; a pass marks the quiz
    lesson done and re-evaluates completion."""
    from .learning import enrollment_evaluate_completion

    answers = list(
        QuizAnswer.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related("question__choices")
    )
    total = Decimal(0)
    for answer in answers:
        answer.fraction = grade_answer(answer.question, answer.response)
        answer.points = (Decimal(answer.question.points) * Decimal(str(answer.fraction))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        total += answer.points
    QuizAnswer.objects.bulk_update(answers, ["fraction", "points"])
    attempt.score = min(total, Decimal(attempt.max_score))
    attempt.percent = (
        (attempt.score * 100 / attempt.max_score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if attempt.max_score
        else Decimal(0)
    )
    attempt.passed = attempt.percent >= attempt.quiz.pass_percent
    attempt.state = state
    attempt.finished_at = finished_at
    attempt.save(update_fields=["score", "percent", "passed", "state", "finished_at"])
    enrollment = attempt.enrollment
    if attempt.passed:
        LessonProgress.objects.get_or_create(enrollment=enrollment, lesson_id=attempt.quiz.lesson_id)
        enrollment_evaluate_completion(enrollment=enrollment)
    learning_changed(enrollment.pk)


def quiz_answers_revealed(*, attempt: QuizAttempt, attempts_left: int) -> bool:
    """Whether a finished attempt shows the correct answers and the authored feedback (the quiz's setting):
    never while it runs."""

    if attempt.is_running:
        return False
    reveal = attempt.quiz.reveal_answers
    if reveal == Quiz.Reveal.AFTER_EACH_ATTEMPT:
        return True
    return reveal == Quiz.Reveal.AFTER_LAST_ATTEMPT and attempts_left == 0
