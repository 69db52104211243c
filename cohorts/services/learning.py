"""The learning flow: lesson marks, submissions and reviews, questions, announcements,
attendance, and completion (evaluated right after each event that can change it).

One file: already one part of the cohorts.services package; every action here can end a course, so each
calls the completion rule (`enrollment_evaluate_completion`) and the same is-learning-open checks kept
beside it.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.scopes import learning_changed
from core import markup, uploads
from core.ratelimit import rate_limit_hit
from core.uploads import CheckedUpload, UploadRefused, inspect_upload
from courses.models import Assignment, FaqEntry, Lesson, RubricCriterion
from courses.services import rubric_mark_used

from ..models import (
    REVIEW_COMMENT_MAX_CHARS,
    RUBRIC_COMMENT_MAX_CHARS,
    Announcement,
    AnnouncementRead,
    Attendance,
    Cohort,
    Enrollment,
    LessonProgress,
    LiveSession,
    Question,
    QuizAttempt,
    Review,
    RubricScore,
    Submission,
    SubmissionVersion,
    VideoPosition,
)
from ..models.learning import VIDEO_POSITION_MAX_SECONDS
from .enrollment import _transition
from .errors import CohortError
from .notify import lazy_format, notify

S = Enrollment.State

# What a submitted file may be, read from its content (core/uploads.py); plain text is stored as .txt.
SUBMISSION_FILE_KINDS = uploads.DOCUMENTS | {"jpg", "png", "zip", "txt"}


def max_upload_bytes() -> int:
    return int(getattr(settings, "COHORTS_SUBMISSION_MAX_BYTES", 10 * 1024 * 1024))


def completion_grace_days() -> int:
    return int(getattr(settings, "COHORTS_COMPLETION_GRACE_DAYS", 14))


def learning_last_day(cohort: Cohort):
    """The last day lessons can be marked, work submitted and the enrollment completed."""
    return cohort.ends_on + timedelta(days=completion_grace_days())


def learning_is_open(cohort: Cohort, *, today=None) -> bool:
    """The cohort runs: from its first day to its last day plus the grace period, in the site's time zone."""
    today = today or timezone.localdate()
    return cohort.starts_on <= today <= learning_last_day(cohort)


def learning_closed_reason(cohort: Cohort, *, today=None) -> str:
    """Why learning is not open now (translated), or "" while it is."""
    today = today or timezone.localdate()
    if today < cohort.starts_on:
        return _("The cohort has not started yet: learning opens on %(date)s.") % {
            "date": date_format(cohort.starts_on)
        }
    if today > learning_last_day(cohort):
        return _("Learning in this cohort closed on %(date)s (the cohort ended on %(end)s).") % {
            "date": date_format(learning_last_day(cohort)),
            "end": date_format(cohort.ends_on),
        }
    return ""


def _require_running(cohort: Cohort) -> None:
    reason = learning_closed_reason(cohort)
    if reason:
        raise CohortError(reason)


def _require_learning(enrollment: Enrollment) -> None:
    if enrollment.state not in (S.ENROLLED, S.COMPLETED):
        raise CohortError(_("You are not learning in this cohort."))


def _in_course(cohort: Cohort, *, lesson=None, assignment=None) -> None:
    module = lesson.module if lesson is not None else assignment.module
    if module.course_id != cohort.course_id:
        raise CohortError(_("This is not part of the cohort's course."))


@transaction.atomic
def lesson_mark_done(*, enrollment: Enrollment, lesson, done: bool = True) -> None:
    _require_learning(enrollment)
    _in_course(enrollment.cohort, lesson=lesson)
    _require_running(enrollment.cohort)
    if lesson.kind == lesson.Kind.QUIZ:
        raise CohortError(_("A quiz lesson is done when one of its attempts passes."))
    if done:
        LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
        enrollment_evaluate_completion(enrollment=enrollment)
    else:
        LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).delete()


def video_position_save(*, enrollment: Enrollment, lesson, seconds) -> VideoPosition:
    """Remember where the teacher stopped the lesson's video (whole seconds); also after the course ends,
    so a recording can be watched to the end. Bad input → CohortError, nothing stored."""
    _require_learning(enrollment)
    _in_course(enrollment.cohort, lesson=lesson)
    if not (lesson.video_file or lesson.embed_url):
        raise CohortError(_("This lesson has no video."))
    try:
        seconds = int(float(seconds))
    except (TypeError, ValueError, OverflowError):
        raise CohortError(_("The position must be a number of seconds.")) from None
    if not 0 <= seconds <= VIDEO_POSITION_MAX_SECONDS:
        raise CohortError(_("The position must be a number of seconds.")) from None
    position, _created = VideoPosition.objects.update_or_create(
        enrollment=enrollment, lesson=lesson, defaults={"seconds": seconds}
    )
    return position


def _check_file(upload) -> CheckedUpload:
    try:
        return inspect_upload(upload, allowed=SUBMISSION_FILE_KINDS, max_bytes=max_upload_bytes())
    except UploadRefused as exc:
        raise CohortError(exc.messages[0]) from exc


@transaction.atomic
def submission_submit(*, enrollment: Enrollment, assignment, text: str = "", upload=None) -> Submission:
    """A first version, or a new one after a "revise" decision; never after acceptance or while in review."""
    _require_learning(enrollment)
    _in_course(enrollment.cohort, assignment=assignment)
    _require_running(enrollment.cohort)
    text = (text or "").strip()
    kind = assignment.submission_kind
    if kind in ("text", "text_and_file") and not text:
        raise CohortError(_("Please write your answer."))
    if kind in ("file", "text_and_file") and upload is None:
        raise CohortError(_("Please attach a file."))
    if kind == "text" and upload is not None:
        raise CohortError(_("This assignment takes a text answer only."))
    if upload is not None:  # each attempt with a file counts (PDP_RATE_LIMITS "upload"), refused or not
        rate_limit_hit(action="upload", key=enrollment.teacher_id)
    checked = _check_file(upload) if upload is not None else None
    submission = (
        Submission.objects.select_for_update().filter(enrollment=enrollment, assignment=assignment).first()
    )
    if submission is not None:
        if submission.state == Submission.State.ACCEPTED:
            raise CohortError(_("This work is already accepted; it cannot be changed."))
        if submission.state == Submission.State.SUBMITTED:
            raise CohortError(
                _("Your work is waiting for review; you can submit again after a “revise” decision.")
            )
    else:
        submission = Submission(enrollment=enrollment, assignment=assignment)
    submission.state = Submission.State.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.version_count += 1
    # The copy check of the new version runs in a worker after commit; until then nothing is flagged.
    submission.similar_to, submission.similarity, submission.fingerprint = None, None, None
    submission.save()
    version = SubmissionVersion(submission=submission, number=submission.version_count, text=text)
    if checked is not None:
        # Stored as <random>.<checked extension> (CheckedFileField); the user's name is display text only.
        version.file_name = checked.display_name
        try:  # the object first, then the rows; the store down: the transaction keeps nothing
            version.file.save(checked.display_name, upload, save=False)
        except UploadRefused as exc:
            raise CohortError(exc.messages[0]) from exc
    version.save()
    from ..tasks import submission_check_copy_run  # tasks imports this module

    transaction.on_commit(partial(submission_check_copy_run.delay, submission.pk))
    return submission


def review_min_comment_chars() -> int:
    return int(getattr(settings, "COHORTS_REVIEW_MIN_COMMENT_CHARS", 20))


def text_has_substance(text: str, *, min_chars: int) -> bool:
    """At least `min_chars` letters or digits, and not one repeated character or a repeated short chunk
    ("." or "ааааа…" or "12 12 12 …" say nothing)."""
    signs = [ch for ch in text.casefold() if ch.isalnum()]
    if len(signs) < min_chars:
        return False
    joined = "".join(signs)
    if len(set(joined)) < 3:
        return False
    # A short chunk repeated over and over ("ок ок ок", "12 12 12").
    for size in range(1, 5):
        chunk = joined[:size]
        if chunk * (len(joined) // size) + chunk[: len(joined) % size] == joined:
            return False
    return True


def _check_comment(comment: str, *, required: bool, what) -> None:
    if len(comment) > REVIEW_COMMENT_MAX_CHARS:
        raise CohortError(
            _("%(what)s is too long: at most %(max)s characters.")
            % {"what": what, "max": REVIEW_COMMENT_MAX_CHARS}
        )
    if (required or comment) and not text_has_substance(comment, min_chars=review_min_comment_chars()):
        raise CohortError(
            _(
                "%(what)s must say something to the teacher: at least %(min)s letters or digits, not just punctuation or repeated characters."
            )
            % {"what": what, "min": review_min_comment_chars()}
        )


def _rubric_choices(criteria: list, rubric: dict) -> dict:
    """criterion id → (level, comment) for every criterion of the rubric, or a CohortError naming what is
    wrong: a criterion of another rubric, a level that is not the criterion's own, a criterion left out."""
    by_id = {criterion.pk: criterion for criterion in criteria}
    if any(str(key) not in {str(pk) for pk in by_id} for key in rubric):
        raise CohortError(
            _(
                "The review names a criterion that is not in this assignment's rubric. Reload the page and score again."
            )
        )
    rubric = {str(key): value for key, value in rubric.items()}
    chosen, missing = {}, []
    for criterion in criteria:
        entry = rubric.get(str(criterion.pk)) or {}
        level_id = entry.get("level")
        if level_id in (None, ""):
            missing.append(f"«{criterion.title}»")
            continue
        level = next((lv for lv in criterion.levels.all() if str(lv.pk) == str(level_id)), None)
        if level is None:
            raise CohortError(
                _(
                    "“%(criterion)s”: the chosen level is not one of this criterion's levels. Reload the page and score again."
                )
                % {"criterion": criterion.title}
            )
        note = (entry.get("comment") or "").strip()
        if len(note) > RUBRIC_COMMENT_MAX_CHARS:
            raise CohortError(
                _("The comment on “%(criterion)s” is too long: at most %(max)s characters.")
                % {"criterion": criterion.title, "max": RUBRIC_COMMENT_MAX_CHARS}
            )
        chosen[criterion.pk] = (level, note)
    if missing:
        raise CohortError(
            _("Choose a level for every criterion of the rubric: %(criteria)s.")
            % {"criteria": ", ".join(missing)}
        )
    return chosen


@transaction.atomic
def review_submit(
    *,
    submission: Submission,
    reviewer,
    decision: str,
    score: int | None = None,
    comment: str = "",
    flag: str = "",
    flag_reason: str = "",
    rubric: dict | None = None,
) -> Review:
    """A review carries a decision, a score within the maximum, and a comment with substance (unless the
    assignment waives it; never over the maximum). Copy-suspected work must have its flag addressed:
    a confirmed copy goes back for revision with a comment; a dismissed flag carries the reason.

    An assignment with a rubric is scored by it: `rubric` maps each criterion id to {"level": level id,
    "comment": optional text}; every criterion gets one of its own levels, and the score is the sum of
    the chosen levels' points (a score given alongside is ignored). The first such review freezes the
    rubric's structure (courses.services.rubric_mark_used)."""

    submission = (
        Submission.objects.select_for_update()
        .select_related("assignment", "enrollment__cohort")
        .get(pk=submission.pk)
    )
    comment = (comment or "").strip()
    flag_reason = (flag_reason or "").strip()
    if submission.state != Submission.State.SUBMITTED:
        raise CohortError(_("This work has already been reviewed."))
    if decision not in Review.Decision.values:
        raise CohortError(_("Choose accepted or revise."))
    criteria = list(
        RubricCriterion.objects.filter(assignment_id=submission.assignment_id).prefetch_related("levels")
    )
    chosen = {}
    if criteria:
        chosen = _rubric_choices(criteria, rubric or {})
        score = sum(level.points for level, _note in chosen.values())
    elif rubric:
        raise CohortError(_("This assignment has no rubric: give a score instead."))
    if score is None or not 0 <= score <= submission.assignment.max_score:
        raise CohortError(
            _("The score must be between 0 and %(max)s.") % {"max": submission.assignment.max_score}
        )
    flag = flag or ""
    if submission.similar_to_id is None:
        flag, flag_reason = "", ""
    elif flag == Review.Flag.CONFIRMED:
        if decision != Review.Decision.REVISE:
            raise CohortError(_("A confirmed copy goes back for revision: choose “revise”."))
        _check_comment(comment, required=True, what=_("The comment"))
        flag_reason = ""
    elif flag == Review.Flag.DISMISSED:
        _check_comment(flag_reason, required=True, what=_("The reason for dismissing the flag"))
    else:
        raise CohortError(
            _(
                "This answer is flagged as a possible copy: confirm the copy or dismiss the flag with a reason."
            )
        )
    _check_comment(comment, required=submission.assignment.review_requires_comment, what=_("The comment"))
    version = submission.versions.latest("number")
    review = Review.objects.create(
        version=version,
        reviewer=reviewer,
        decision=decision,
        score=score,
        comment=comment,
        flag=flag,
        flag_reason=flag_reason,
    )
    if chosen:
        RubricScore.objects.bulk_create(
            RubricScore(review=review, criterion_id=pk, level=level, points=level.points, comment=note)
            for pk, (level, note) in chosen.items()
        )
        rubric_mark_used(assignment_id=submission.assignment_id)
    submission.state = decision
    submission.score = score
    submission.reviewed_at = review.created_at
    submission.review_seen_at = None
    submission.save(update_fields=["state", "score", "reviewed_at", "review_seen_at"])
    enrollment = submission.enrollment
    notify(
        recipient=enrollment.teacher,
        kind="review_done",
        title=lazy_format(
            gettext_lazy("Your work “%(assignment)s” is reviewed: %(decision)s"),
            assignment=submission.assignment.title,
            decision=Review.Decision(decision).label,
        ),
        body=comment[:500],
        url=reverse("cohorts:assignment", args=[enrollment.pk, submission.assignment_id]),
        dedupe_key=f"cohorts.review.{review.pk}",
    )
    if decision == Review.Decision.ACCEPTED:
        enrollment_evaluate_completion(enrollment=enrollment)
    return review


def review_mark_seen(*, submission: Submission) -> None:
    if submission.reviewed_at and not submission.review_seen_at:
        Submission.objects.filter(pk=submission.pk, review_seen_at__isnull=True).update(
            review_seen_at=timezone.now()
        )
        learning_changed(submission.enrollment_id)


# --- questions ------------------------------------------------------------------------------


def question_ask(*, enrollment: Enrollment, text: str, lesson=None) -> Question:
    """A learner asks the cohort's curators; limited per person (PDP_RATE_LIMITS "question"): past it
    RateLimited and nothing stored, so one account cannot flood the curators' queue."""
    _require_learning(enrollment)
    rate_limit_hit(action="question", key=enrollment.teacher_id)
    text = (text or "").strip()
    if not text:
        raise CohortError(_("Please write your question."))
    if lesson is not None:
        _in_course(enrollment.cohort, lesson=lesson)
    return Question.objects.create(
        enrollment=enrollment, cohort_id=enrollment.cohort_id, lesson=lesson, text=text[:5000]
    )


def _checked_text(text: str, *, profile: str) -> str:
    try:
        return markup.check_length(text, profile=profile)
    except ValidationError as exc:
        raise CohortError(exc.messages[0]) from exc


@transaction.atomic
def question_answer(*, question: Question, curator, answer: str) -> Question:
    """The first answer fixes the first-response time; later answers only edit the text."""
    question = Question.objects.select_for_update().select_related("enrollment__teacher").get(pk=question.pk)
    answer = _checked_text(answer, profile="announcement")
    if not answer:
        raise CohortError(_("Please write the answer."))
    question.answer = answer
    question.answered_by = curator
    question.answer_seen_at = None
    if question.answered_at is None:
        question.answered_at = timezone.now()
        question.first_response_seconds = max(
            0, int((question.answered_at - question.created_at).total_seconds())
        )
    question.save()
    notify(
        recipient=question.enrollment.teacher,
        kind="question_answered",
        title=gettext_lazy("Your question has an answer"),
        body=answer[:500],
        url=reverse("cohorts:questions", args=[question.enrollment_id]),
        dedupe_key=f"cohorts.answer.{question.pk}",
    )
    return question


@transaction.atomic
def question_publish_faq(*, question: Question, published: bool = True) -> Question:
    """Publish an answered question into its course's FAQ (every cohort of the course sees it; the
    methodologists may edit it there), update the entry with a changed answer, or withdraw it."""

    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("cohort", "faq_entry")
        .get(pk=question.pk)
    )
    if published and not question.answer:
        raise CohortError(_("Only an answered question can be published as FAQ."))
    entry = question.faq_entry
    if published and entry is None:
        question.faq_entry = FaqEntry.objects.create(
            course_id=question.cohort.course_id, question=question.text, answer=question.answer
        )
        question.save(update_fields=["faq_entry"])
    elif published and entry is not None and entry.answer != question.answer:
        entry.answer = question.answer
        entry.save(update_fields=["answer", "updated_at"])
    elif not published and entry is not None:
        question.faq_entry = None
        question.save(update_fields=["faq_entry"])
        entry.delete()
    return question


def question_mark_seen(*, enrollment: Enrollment) -> None:
    Question.objects.filter(
        enrollment=enrollment, answered_at__isnull=False, answer_seen_at__isnull=True
    ).update(answer_seen_at=timezone.now())
    learning_changed(enrollment.pk)


# --- announcements --------------------------------------------------------------------------


@transaction.atomic
def announcement_publish(*, cohort: Cohort, author, title: str, body: str) -> Announcement:
    title, body = (title or "").strip(), _checked_text(body, profile="announcement")
    if not title or not body:
        raise CohortError(_("An announcement needs a title and a text."))
    announcement = Announcement.objects.create(cohort=cohort, author=author, title=title[:255], body=body)
    from ..tasks import announcement_notify  # tasks imports this module

    transaction.on_commit(lambda: announcement_notify.delay(announcement.pk))
    return announcement


def announcement_notify_all(*, announcement_id: int) -> int:
    """Fan-out to every learner of the cohort; dedupe keys make a re-run harmless."""
    announcement = Announcement.objects.select_related("cohort").filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    count = 0
    learners = Enrollment.objects.filter(cohort_id=announcement.cohort_id, state=S.ENROLLED).select_related(
        "teacher"
    )
    # Rendered once: the mail shows the announcement as written (HTML), the list its plain excerpt.
    html = markup.render(announcement.body, profile="announcement")
    plain = markup.excerpt(announcement.body, length=500, html=html)
    for enrollment in learners.iterator(chunk_size=500):
        notify(
            recipient=enrollment.teacher,
            kind="announcement",
            title=announcement.title,
            body=plain,
            body_html=html,
            url=reverse("cohorts:player", args=[enrollment.pk]),
            dedupe_key=f"cohorts.announcement.{announcement.pk}.{enrollment.pk}",
        )
        count += 1
    return count


def announcement_confirm_read(*, announcement: Announcement, enrollment: Enrollment) -> None:
    if announcement.cohort_id != enrollment.cohort_id:
        raise CohortError(_("This announcement is not for your cohort."))
    AnnouncementRead.objects.get_or_create(announcement=announcement, enrollment=enrollment)


# --- attendance -----------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(*, session: LiveSession, enrollment_ids: list[int], curator) -> int:
    """The curator's list of who was there replaces the marks they made before (self check-ins stay)."""
    valid = set(
        Enrollment.objects.filter(
            cohort_id=session.cohort_id, pk__in=enrollment_ids, state__in=Enrollment.SEAT_STATES
        ).values_list("pk", flat=True)
    )
    session.attendance.filter(method=Attendance.Method.CURATOR).exclude(enrollment_id__in=valid).delete()
    existing = set(session.attendance.values_list("enrollment_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(session=session, enrollment_id=pk, method=Attendance.Method.CURATOR, marked_by=curator)
        for pk in valid - existing
    )
    learning_changed(*(valid - existing))
    for enrollment in Enrollment.objects.filter(pk__in=valid - existing, state=S.ENROLLED):
        enrollment_evaluate_completion(enrollment=enrollment)
    return len(valid)


def attendance_check_in(*, session: LiveSession, enrollment: Enrollment, code: str) -> Attendance:
    _require_learning(enrollment)
    if session.cohort_id != enrollment.cohort_id:
        raise CohortError(_("This session is not in your cohort."))
    if not session.checkin_open_at(timezone.now()):
        raise CohortError(_("Check-in is open only during the session."))
    if not session.checkin_code or (code or "").strip().upper() != session.checkin_code.strip().upper():
        raise CohortError(_("The check-in code is wrong."))
    attendance, _created = Attendance.objects.get_or_create(
        session=session, enrollment=enrollment, defaults={"method": Attendance.Method.CHECKIN}
    )
    enrollment_evaluate_completion(enrollment=enrollment)
    return attendance


# --- completion -----------------------------------------------------------------------------


def completion_status(enrollment: Enrollment) -> dict[str, bool | None]:
    """Each of the cohort's rules: True met, False not yet, None not required."""

    cohort = enrollment.cohort
    result: dict[str, bool | None] = {
        "lessons": None,
        "assignments": None,
        "attendance": None,
        "feedback": None,
    }
    if cohort.require_lessons:
        # A required quiz lesson counts only when one of its attempts passed (the "quiz passed" rule);
        # any other required lesson when the teacher marked it done.
        required = Lesson.objects.filter(module__course_id=cohort.course_id, is_required=True)
        done = LessonProgress.objects.filter(
            enrollment=enrollment, lesson__in=required.exclude(kind=Lesson.Kind.QUIZ)
        ).count()
        passed = (
            QuizAttempt.objects.filter(
                enrollment=enrollment, passed=True, quiz__lesson__in=required.filter(kind=Lesson.Kind.QUIZ)
            )
            .values("quiz_id")
            .distinct()
            .count()
        )
        result["lessons"] = done + passed >= required.count()
    if cohort.require_assignments:
        total = Assignment.objects.filter(module__course_id=cohort.course_id).count()
        accepted = Submission.objects.filter(enrollment=enrollment, state=Submission.State.ACCEPTED).count()
        result["assignments"] = accepted >= total
    if cohort.min_attendance_percent:
        sessions = cohort.sessions.filter(starts_at__lte=timezone.now()).count()
        attended = Attendance.objects.filter(enrollment=enrollment).count()
        result["attendance"] = sessions == 0 or attended * 100 >= cohort.min_attendance_percent * sessions
    if cohort.require_feedback:
        result["feedback"] = enrollment.feedback_at is not None
    return result


def enrollment_evaluate_completion(*, enrollment: Enrollment) -> bool:
    """Called after each event that can change it (lesson done, work accepted, attendance, feedback).
    Outside the cohort's run (before its start, after its end plus the grace) nothing completes: a work
    accepted late is recorded as accepted, the enrollment stays as it is."""
    enrollment.refresh_from_db(fields=["state", "feedback_at"])
    if enrollment.state != S.ENROLLED or not learning_is_open(enrollment.cohort):
        return False
    if all(value is not False for value in completion_status(enrollment).values()):
        enrollment_complete(enrollment=enrollment)
        return True
    return False


@transaction.atomic
def enrollment_complete(*, enrollment: Enrollment, actor=None) -> Enrollment:
    """The enrollment is completed, only while the cohort runs; its certificate is issued by a task
    queued on commit."""
    enrollment = Enrollment.objects.select_for_update().select_related("cohort").get(pk=enrollment.pk)
    if enrollment.state == S.COMPLETED:
        return enrollment
    _require_running(enrollment.cohort)
    if enrollment.state != S.ENROLLED:
        raise CohortError(_("Only an active enrollment can be completed."))
    _transition(enrollment, S.COMPLETED, actor=actor, reason=_("Completion rules met"))
    from ..certificates.tasks import (
        certificate_issue_enrollment,  # the certificate, once, by a worker after commit
    )

    transaction.on_commit(partial(certificate_issue_enrollment.delay, enrollment.pk))
    return enrollment


def enrollment_record_feedback(*, enrollment_id: int) -> Enrollment | None:
    """Called by the surveys app when the teacher filled the cohort's feedback survey."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None:
        return None
    if enrollment.feedback_at is None:
        Enrollment.objects.filter(pk=enrollment_id, feedback_at__isnull=True).update(
            feedback_at=timezone.now()
        )
        learning_changed(enrollment_id)
    enrollment_evaluate_completion(enrollment=enrollment)
    return enrollment


@transaction.atomic
def cohort_close(*, cohort: Cohort, actor) -> int:
    """At the end: evaluate everyone; whoever still misses a rule is "not completed"."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    count = 0
    for enrollment in cohort.enrollments.filter(state=S.ENROLLED):
        if not enrollment_evaluate_completion(enrollment=enrollment):
            _transition(
                enrollment,
                S.NOT_COMPLETED,
                actor=actor,
                reason=_("The cohort ended before the rules were met"),
            )
            count += 1
    for enrollment in cohort.enrollments.filter(state__in=[S.WAITLISTED, S.APPLIED, S.NOMINATED]):
        _transition(enrollment, S.WITHDRAWN, actor=actor, reason=_("The cohort ended"))
    cohort.status = Cohort.Status.FINISHED
    cohort.save(update_fields=["status"])
    return count
