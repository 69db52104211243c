"""Pages of the learning flow. Thin: objects come from selectors (404 otherwise), writes from services.

One file: the pages of one app over one selectors module and one services package, mirrored by
cohorts/urls.py; a teacher's page and its curator's page show the same objects (a submission, a
question), and the small helpers at the top serve both.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Role
from accounts.selectors import teachers_visible_to, user_has_role
from core.caching import personal_cache
from core.files import serve_file, stored_extension
from core.jobs import job_progress_response
from core.pagination import paginate
from core.ratelimit import RateLimited, too_many
from courses.models import Assignment, Lesson
from courses.selectors import course_faq

from . import hooks, selectors, services
from .forms import (
    AnnouncementForm,
    AnswerForm,
    AttendanceForm,
    CheckInForm,
    ConsentForm,
    MoveForm,
    NominateForm,
    OptionalReasonForm,
    QuestionForm,
    ReasonForm,
    ReviewForm,
    SubmissionForm,
    quiz_post_data,
)
from .models import Cohort, Enrollment, Submission
from .services import CohortError

S = Enrollment.State


def _found(getter, *args, **kwargs):
    try:
        return getter(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def _error(request, exc: CohortError) -> None:
    messages.error(request, " ".join(exc.messages))


def staff_of_cohorts(view):
    """Curators, methodologists (and superusers) only; the selectors still narrow to their cohorts."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (
            user.is_superuser or user_has_role(user, Role.CURATOR) or user_has_role(user, Role.METHODOLOGIST)
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# --- enrolment and consent ------------------------------------------------------------------


@login_required
def enrol(request, cohort_id: int):
    cohort = _found(
        Cohort.objects.select_related("course").get,
        pk=cohort_id,
        status__in=[Cohort.Status.OPEN, Cohort.Status.RUNNING],
    )
    existing = (
        Enrollment.objects.filter(cohort=cohort, teacher=request.user).exclude(state=S.WITHDRAWN).first()
    )
    if existing is not None:
        return redirect("cohorts:player", existing.pk)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = services.enrollment_enrol(cohort=cohort, teacher=request.user)
        except CohortError as exc:
            _error(request, exc)
        else:
            if enrollment.state == S.ENROLLED:
                messages.success(request, _("You are enrolled. Welcome!"))
            else:
                messages.info(
                    request,
                    _("The cohort is full: you are on the waitlist. We will offer you the first free seat."),
                )
            return redirect("cohorts:player", enrollment.pk)
    selectors.with_seats_left([cohort], teacher=request.user)
    return render(request, "cohorts/enrol.html", {"cohort": cohort, "form": form})


@login_required
def player(request, enrollment_id: int):
    """The course player's overview; for a nomination, a waitlist place or an offer: its status page."""
    enrollment = _found(selectors.enrollment_for_teacher, user=request.user, enrollment_id=enrollment_id)
    if enrollment.state not in selectors.LEARNING_STATES:
        return render(
            request,
            "cohorts/enrollment_status.html",
            {
                "enrollment": enrollment,
                "decline_form": ReasonForm(),
                "withdraw_form": OptionalReasonForm(),
                "can_withdraw": enrollment.state in (S.APPLIED, S.WAITLISTED)
                and timezone.localdate() <= enrollment.cohort.last_withdrawal_day,
                "has_offer": enrollment.state == S.WAITLISTED
                and enrollment.offer_expires_at
                and enrollment.offer_expires_at > timezone.now(),
            },
        )
    return render(
        request,
        "cohorts/player.html",
        {
            "enrollment": enrollment,
            "cohort": enrollment.cohort,
            "data": SimpleLazyObject(lambda: selectors.player_data(enrollment)),  # read on a cache miss only
            "related_links": SimpleLazyObject(lambda: hooks.player_links(enrollment)),
            **personal_cache(request, *selectors.learning_scopes(enrollment)),
            "checkin_form": CheckInForm(),
            "can_withdraw": enrollment.state == S.ENROLLED
            and timezone.localdate() <= enrollment.cohort.last_withdrawal_day,
            "now": timezone.now(),
        },
    )


def _lesson_sequence(data):
    return [lesson for module in data.modules for lesson in module.lessons.all()]


@login_required
def lesson(request, enrollment_id: int, lesson_id: int):
    enrollment = _found(selectors.enrollment_for_learning, user=request.user, enrollment_id=enrollment_id)
    if request.method == "GET":
        return _lesson_page(request, enrollment, lesson_id)
    data = selectors.player_data(enrollment)
    sequence = _lesson_sequence(data)
    index = next((i for i, item in enumerate(sequence) if item.pk == lesson_id), None)
    if index is None:
        raise Http404
    if request.method == "POST":
        try:
            services.lesson_mark_done(
                enrollment=enrollment, lesson=sequence[index], done=request.POST.get("done") != "0"
            )
        except CohortError as exc:
            _error(request, exc)
        else:
            enrollment.refresh_from_db()
            if enrollment.state == S.COMPLETED:
                messages.success(request, _("Congratulations: you have completed the course!"))
            if request.POST.get("done") != "0" and index + 1 < len(sequence):
                return redirect("cohorts:lesson", enrollment.pk, sequence[index + 1].pk)
        return redirect("cohorts:lesson", enrollment.pk, lesson_id)
    return _lesson_page(request, enrollment, lesson_id)


def _lesson_page(request, enrollment, lesson_id: int):
    """The lesson itself is read at once (404 for another course's lesson); the course's structure and
    the teacher's progress around it only when the cached page is missing or stale."""

    lesson = _found(Lesson.objects.get, pk=lesson_id, module__course_id=enrollment.cohort.course_id)

    def around():
        data = selectors.player_data(enrollment)
        sequence = _lesson_sequence(data)
        index = next(i for i, item in enumerate(sequence) if item.pk == lesson_id)
        return {
            "data": data,
            "is_done": lesson_id in data.done_ids,
            "previous": sequence[index - 1] if index > 0 else None,
            "next": sequence[index + 1] if index + 1 < len(sequence) else None,
        }

    page = SimpleLazyObject(around)
    return render(
        request,
        "cohorts/lesson.html",
        {
            "enrollment": enrollment,
            "cohort": enrollment.cohort,
            "lesson": lesson,
            "learning_closed": services.learning_closed_reason(enrollment.cohort),
            # Outside the cached fragment: it changes while the page stays the same.
            "video_position": selectors.video_position(enrollment=enrollment, lesson=lesson),
            "data": SimpleLazyObject(lambda: page["data"]),
            "is_done": SimpleLazyObject(lambda: page["is_done"]),
            "previous": SimpleLazyObject(lambda: page["previous"]),
            "next": SimpleLazyObject(lambda: page["next"]),
            "related_links": SimpleLazyObject(lambda: hooks.player_links(enrollment)),
            **personal_cache(request, *selectors.learning_scopes(enrollment)),
        },
    )


@login_required
@require_POST
def lesson_position(request, enrollment_id: int, lesson_id: int):
    """The lesson page's player reports where the teacher is in the video (fetch, every few seconds and
    on pause): 204, or 400 with the reason; another's enrollment or lesson is 404."""

    enrollment = _found(selectors.enrollment_for_learning, user=request.user, enrollment_id=enrollment_id)
    lesson = _found(
        Lesson.objects.select_related("module").get,
        pk=lesson_id,
        module__course_id=enrollment.cohort.course_id,
    )
    try:
        services.video_position_save(
            enrollment=enrollment, lesson=lesson, seconds=request.POST.get("seconds")
        )
    except CohortError as exc:
        return HttpResponse(exc.messages[0], status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=204)


# --- quizzes --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def quiz(request, enrollment_id: int, lesson_id: int):
    """A quiz lesson: its rules and the teacher's attempts; POST starts the next attempt or resumes the
    running one."""
    enrollment = _found(selectors.enrollment_for_learning, user=request.user, enrollment_id=enrollment_id)
    quiz = _found(selectors.quiz_for_enrollment, enrollment=enrollment, lesson_id=lesson_id)
    if request.method == "POST":
        try:
            attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
        except CohortError as exc:
            _error(request, exc)
            return redirect("cohorts:quiz", enrollment.pk, lesson_id)
        return redirect("cohorts:quiz_attempt", enrollment.pk, attempt.pk)
    attempts = selectors.quiz_attempts_for(enrollment=enrollment, quiz=quiz)
    for attempt in attempts:  # an attempt whose time ran out is graded as it stood (lazily, here too)
        if attempt.is_running and services.quiz_attempt_close_expired(attempt=attempt):
            attempt.refresh_from_db()
    running = next((a for a in attempts if a.is_running), None)
    left = services.quiz_attempts_left(enrollment=enrollment, quiz=quiz)
    return render(
        request,
        "cohorts/quiz.html",
        {
            "enrollment": enrollment,
            "cohort": enrollment.cohort,
            "quiz": quiz,
            "lesson": quiz.lesson,
            "attempts": attempts,
            "running": running,
            "attempts_left": left,
            "passed": any(a.passed for a in attempts),
            "learning_closed": services.learning_closed_reason(enrollment.cohort),
        },
    )


def _quiz_attempt(request, enrollment_id: int, attempt_id: int):
    attempt = _found(selectors.quiz_attempt_for_teacher, user=request.user, attempt_id=attempt_id)
    if attempt.enrollment_id != enrollment_id:
        raise Http404
    return attempt


@login_required
@require_http_methods(["GET", "POST"])
def quiz_attempt(request, enrollment_id: int, attempt_id: int):
    """A running attempt (its questions, the answers saved so far, the time left) or a finished one's
    result; POST submits. The correct answers only after submission, as the quiz's setting allows."""
    attempt = _quiz_attempt(request, enrollment_id, attempt_id)
    if request.method == "POST":
        responses = {
            position: quiz_post_data(request.POST, position)
            for position in attempt.answers.values_list("position", flat=True)
        }
        try:
            services.quiz_attempt_submit(attempt=attempt, responses=responses)
        except CohortError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Your attempt is submitted."))
        return redirect("cohorts:quiz_attempt", enrollment_id, attempt.pk)
    if services.quiz_attempt_close_expired(attempt=attempt):
        messages.warning(request, _("Time is up: your attempt was graded as it stood."))
        attempt.refresh_from_db()
    left = services.quiz_attempts_left(enrollment=attempt.enrollment, quiz=attempt.quiz)
    revealed = services.quiz_answers_revealed(attempt=attempt, attempts_left=left)
    remaining = (
        max(0, int((attempt.deadline - timezone.now()).total_seconds()))
        if attempt.is_running and attempt.deadline
        else None
    )
    return render(
        request,
        "cohorts/quiz_attempt.html",
        {
            "enrollment": attempt.enrollment,
            "cohort": attempt.enrollment.cohort,
            "attempt": attempt,
            "quiz": attempt.quiz,
            "lesson": attempt.quiz.lesson,
            "items": selectors.quiz_attempt_view(attempt=attempt, revealed=revealed),
            "revealed": revealed,
            "attempts_left": left,
            "remaining_seconds": remaining,
        },
    )


@login_required
@require_POST
def quiz_answer(request, enrollment_id: int, attempt_id: int):
    """The attempt page posts each change of an answer (fetch): 204; 400 with the reason for bad input;
    409 with the reason once the attempt is submitted or its time is up (nothing saved)."""
    attempt = _quiz_attempt(request, enrollment_id, attempt_id)
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        return HttpResponse(_("Which question?"), status=400, content_type="text/plain; charset=utf-8")
    try:
        services.quiz_answer_save(
            attempt=attempt, position=position, data=quiz_post_data(request.POST, position)
        )
    except CohortError as exc:
        attempt.refresh_from_db(fields=["state"])
        status = 400 if attempt.is_running else 409
        return HttpResponse(exc.messages[0], status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=204)


@login_required
def quiz_statistics(request, quiz_id: int):
    """The quiz's question statistics for its course's authors (facility, discrimination, choices)."""
    quiz = _found(selectors.quizzes_for_author(user=request.user).get, pk=quiz_id)
    return render(
        request,
        "cohorts/quiz_statistics.html",
        {"quiz": quiz, "stats": selectors.quiz_statistics(quiz=quiz)},
    )


@login_required
def assignment(request, enrollment_id: int, assignment_id: int):
    enrollment = _found(selectors.enrollment_for_learning, user=request.user, enrollment_id=enrollment_id)

    item = _found(
        Assignment.objects.select_related("module").get,
        pk=assignment_id,
        module__course_id=enrollment.cohort.course_id,
    )
    submission = selectors.submission_for_teacher(enrollment=enrollment, assignment_id=item.pk)
    # A revision starts from the teacher's previous answer, so nobody retypes the whole text.
    previous = submission.versions.order_by("-number").first() if submission is not None else None
    form = SubmissionForm(
        request.POST or None,
        request.FILES or None,
        assignment=item,
        initial={"text": previous.text if previous else ""},
    )
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_submit(
                enrollment=enrollment,
                assignment=item,
                text=form.cleaned_data.get("text", ""),
                upload=form.cleaned_data.get("file"),
            )
        except RateLimited as exc:  # the text stays in the form; 429 with Retry-After
            form.add_error(None, exc)
            refused = exc
        except CohortError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Your work is submitted. A curator will review it."))
            return redirect("cohorts:assignment", enrollment.pk, item.pk)
    if submission is not None:
        services.review_mark_seen(submission=submission)
    due = None
    if item.due_days is not None:
        from datetime import timedelta

        due = enrollment.cohort.starts_on + timedelta(days=item.due_days)
    can_submit = enrollment.state == S.ENROLLED and (
        submission is None or submission.state == Submission.State.REVISE
    )
    criteria = selectors.rubric_of_assignment(item.pk)
    return too_many(
        render(
            request,
            "cohorts/assignment.html",
            {
                "enrollment": enrollment,
                "cohort": enrollment.cohort,
                "assignment": item,
                "submission": submission,
                "versions": selectors.versions_with_changes(submission, criteria=criteria)
                if submission
                else [],
                "criteria": criteria,
                "form": form,
                "can_submit": can_submit,
                "due": due,
            },
        ),
        refused,
    )


@login_required
def questions(request, enrollment_id: int):
    enrollment = _found(selectors.enrollment_for_learning, user=request.user, enrollment_id=enrollment_id)
    form = QuestionForm(request.POST or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            services.question_ask(enrollment=enrollment, text=form.cleaned_data["text"])
        except (CohortError, RateLimited) as exc:
            form.add_error(None, exc)
            refused = exc
        else:
            messages.success(request, _("Your question is sent to the curators."))
            return redirect("cohorts:questions", enrollment.pk)
    page = paginate(request, selectors.questions_of_enrollment(enrollment))
    services.question_mark_seen(enrollment=enrollment)

    faq = course_faq(course_id=enrollment.cohort.course_id)
    return too_many(
        render(
            request,
            "cohorts/questions.html",
            {"enrollment": enrollment, "cohort": enrollment.cohort, "page": page, "form": form, "faq": faq},
        ),
        refused,
    )


@login_required
@require_POST
def announcement_read(request, enrollment_id: int, announcement_id: int):
    enrollment = _found(selectors.enrollment_for_learning, user=request.user, enrollment_id=enrollment_id)
    announcement = _found(enrollment.cohort.announcements.get, pk=announcement_id)
    services.announcement_confirm_read(announcement=announcement, enrollment=enrollment)
    messages.success(request, _("Thank you: marked as read."))
    return redirect(
        request.POST.get("next") if request.POST.get("next") == "cabinet" else "cohorts:player",
        *([] if request.POST.get("next") == "cabinet" else [enrollment.pk]),
    )


@login_required
@require_POST
def check_in(request, enrollment_id: int, session_id: int):
    enrollment = _found(selectors.enrollment_for_learning, user=request.user, enrollment_id=enrollment_id)
    session = _found(enrollment.cohort.sessions.get, pk=session_id)
    form = CheckInForm(request.POST)
    try:
        if not form.is_valid():
            raise CohortError(_("Type the code shown in the session."))
        services.attendance_check_in(session=session, enrollment=enrollment, code=form.cleaned_data["code"])
    except CohortError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("You are checked in. Enjoy the session!"))
    return redirect("cohorts:player", enrollment.pk)


@login_required
def withdraw(request, enrollment_id: int):
    enrollment = _found(selectors.enrollment_for_teacher, user=request.user, enrollment_id=enrollment_id)
    form = OptionalReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_withdraw(
                enrollment=enrollment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except CohortError as exc:
            _error(request, exc)
            return redirect("cohorts:player", enrollment.pk)
        messages.success(request, _("You have left the cohort."))
        return redirect("cabinet")
    return render(request, "cohorts/confirm_withdraw.html", {"enrollment": enrollment, "form": form})


@login_required
@require_POST
def offer(request, enrollment_id: int):
    enrollment = _found(selectors.enrollment_for_teacher, user=request.user, enrollment_id=enrollment_id)
    try:
        if request.POST.get("answer") == "accept":
            services.enrollment_accept_offer(enrollment=enrollment, teacher=request.user)
            messages.success(request, _("The seat is yours. Welcome!"))
        else:
            services.enrollment_decline_offer(enrollment=enrollment, teacher=request.user)
            messages.info(request, _("You declined the seat; it goes to the next teacher."))
            return redirect("cabinet")
    except CohortError as exc:
        _error(request, exc)
    return redirect("cohorts:player", enrollment.pk)


@login_required
@require_POST
def nomination_respond(request, enrollment_id: int):
    enrollment = _found(selectors.enrollment_for_teacher, user=request.user, enrollment_id=enrollment_id)
    try:
        if request.POST.get("answer") == "accept":
            enrollment = services.nomination_accept(enrollment=enrollment, teacher=request.user)
            messages.success(request, _("You accepted the nomination."))
            return redirect("cohorts:player", enrollment.pk)
        form = ReasonForm(request.POST)
        services.nomination_decline(
            enrollment=enrollment, teacher=request.user, reason=form.data.get("reason", "")
        )
        messages.info(request, _("You declined the nomination."))
        return redirect("cabinet")
    except CohortError as exc:
        _error(request, exc)
    return redirect("cohorts:player", enrollment.pk)


# --- school administrators ------------------------------------------------------------------


def school_admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_has_role(request.user, Role.SCHOOL_ADMIN):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@school_admin_required
def nominations(request):
    cohorts = selectors.with_seats_left(
        selectors.cohorts_open_for_nomination(user=request.user)[:50], teacher=request.user
    )
    page = paginate(request, selectors.nominations_for_school_admin(user=request.user))
    return render(request, "cohorts/nominations.html", {"cohorts": cohorts, "page": page})


@school_admin_required
def nominate(request, cohort_id: int):
    cohort = _found(selectors.cohorts_open_for_nomination(user=request.user).get, pk=cohort_id)
    already = Enrollment.objects.filter(cohort=cohort).exclude(state=S.WITHDRAWN).values("teacher_id")
    teachers = teachers_visible_to(request.user).exclude(pk__in=already).order_by("full_name", "email")
    form = NominateForm(request.POST or None, teachers=teachers)
    if request.method == "POST" and form.is_valid():
        try:
            op = services.bulk_operation_start(
                kind="nominate",
                cohort=cohort,
                actor=request.user,
                ids=[t.pk for t in form.cleaned_data["teachers"]],
            )
        except CohortError as exc:
            form.add_error(None, exc)
        else:
            return redirect("cohorts:bulk", op.pk)
    return render(request, "cohorts/nominate.html", {"cohort": cohort, "form": form})


@login_required
def bulk(request, operation_id: int):
    op = _found(selectors.bulk_operation_for, user=request.user, operation_id=operation_id)
    nominate = op.kind == op.Kind.NOMINATE
    return job_progress_response(
        request,
        op,
        page="cohorts/bulk.html",
        poll_url=reverse("cohorts:bulk", args=[op.pk]),
        result_url=reverse("cohorts:nominations")
        if nominate
        else reverse("cohorts:curate_cohort", args=[op.cohort_id]),
        result_label=_("Open the nominations") if nominate else _("Open the cohort"),
        result_template="cohorts/_split_result.html" if op.kind == op.Kind.SPLIT else None,
        op=op,
    )


@login_required
@require_http_methods(["GET", "POST"])
def split_undo(request, operation_id: int):
    """Confirm, then undo a split within its window (the one who ran it, or a superuser)."""
    op = _found(selectors.bulk_operation_for, user=request.user, operation_id=operation_id)
    refusal = services.split_undo_refusal(op)
    if request.method == "POST" and not refusal:
        try:
            services.cohort_split_undo(operation=op, actor=request.user)
        except CohortError as exc:
            refusal = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("The split is undone: every teacher is back in “%(cohort)s”.") % {"cohort": op.cohort},
            )
            return redirect("cohorts:bulk", op.pk)
    context = {"op": op, "refusal": refusal, "undo_hours": services.split_undo_hours()}
    return render(
        request,
        "cohorts/split_undo.html",
        context,
        status=409 if refusal and request.method == "POST" else 200,
    )


# --- curators -------------------------------------------------------------------------------


@staff_of_cohorts
def curate(request):
    cohorts = list(selectors.cohort_list_for_curator(user=request.user)[:100])
    stats = selectors.response_stats([c.pk for c in cohorts])
    for cohort in cohorts:
        cohort.seats_left = max(0, cohort.seats_left_raw)
        cohort.stats = stats.get(cohort.pk)
    day = selectors.curator_day(user=request.user)
    return render(request, "cohorts/curate.html", {"cohorts": cohorts, "day": day})


@staff_of_cohorts
def curate_cohort(request, cohort_id: int):
    cohort = _found(selectors.cohorts_managed_by(request.user).get, pk=cohort_id)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.announcement_publish(cohort=cohort, author=request.user, **form.cleaned_data)
        except CohortError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The announcement is published."))
            return redirect("cohorts:curate_cohort", cohort.pk)
    from django.db.models import Count, Q

    announcements = cohort.announcements.annotate(read_count=Count("reads")).order_by("-created_at")[:20]
    learners = cohort.enrollments.filter(state=S.ENROLLED).count()
    counts = dict(cohort.enrollments.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    page = paginate(request, selectors.cohort_roster(cohort))
    sessions = cohort.sessions.annotate(present=Count("attendance", filter=Q(attendance__isnull=False)))
    return render(
        request,
        "cohorts/curate_cohort.html",
        {
            "cohort": cohort,
            "form": form,
            "announcements": announcements,
            "learners": learners,
            "counts": counts,
            "page": page,
            "sessions": sessions,
            "stats": selectors.response_stats([cohort.pk]).get(cohort.pk),
            "rubric_stats": selectors.rubric_stats_for_cohort(cohort),
        },
    )


@staff_of_cohorts
def announcement_detail(request, cohort_id: int, announcement_id: int):
    cohort = _found(selectors.cohorts_managed_by(request.user).get, pk=cohort_id)
    announcement = _found(cohort.announcements.get, pk=announcement_id)
    page = paginate(request, selectors.announcement_unread_by(announcement))
    return render(
        request,
        "cohorts/announcement_detail.html",
        {"cohort": cohort, "announcement": announcement, "page": page},
    )


@staff_of_cohorts
def attendance(request, cohort_id: int, session_id: int):
    cohort = _found(selectors.cohorts_managed_by(request.user).get, pk=cohort_id)
    session = _found(cohort.sessions.get, pk=session_id)
    roster = list(
        cohort.enrollments.filter(state__in=Enrollment.SEAT_STATES)
        .select_related("teacher")
        .order_by("teacher__full_name")
    )
    present = [str(pk) for pk in session.attendance.values_list("enrollment_id", flat=True)]
    form = AttendanceForm(request.POST or None, roster=roster, initial={"present": present})
    if request.method == "POST" and form.is_valid():
        services.attendance_mark(
            session=session,
            enrollment_ids=[int(i) for i in form.cleaned_data["present"]],
            curator=request.user,
        )
        messages.success(request, _("Attendance saved."))
        return redirect("cohorts:curate_cohort", cohort.pk)
    return render(request, "cohorts/attendance.html", {"cohort": cohort, "session": session, "form": form})


@staff_of_cohorts
def move(request, cohort_id: int, enrollment_id: int):
    cohort = _found(selectors.cohorts_managed_by(request.user).get, pk=cohort_id)
    enrollment = _found(cohort.enrollments.select_related("teacher").get, pk=enrollment_id)
    targets = (
        selectors.cohorts_managed_by(request.user)
        .filter(course_id=cohort.course_id)
        .exclude(pk=cohort.pk)
        .exclude(status__in=[Cohort.Status.FINISHED, Cohort.Status.ARCHIVED, Cohort.Status.DRAFT])
    )
    form = MoveForm(request.POST or None, cohorts=targets)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_move(
                enrollment=enrollment,
                to_cohort=form.cleaned_data["to_cohort"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except CohortError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The teacher is moved."))
            return redirect("cohorts:curate_cohort", cohort.pk)
    events = enrollment.events.select_related("actor").order_by("-created_at")[:50]
    return render(
        request,
        "cohorts/move.html",
        {"cohort": cohort, "enrollment": enrollment, "form": form, "events": events},
    )


@staff_of_cohorts
def review_queue(request):
    now = timezone.now()
    cohort_ids = selectors.managed_cohort_ids(request.user)

    def queue_page():
        page = paginate(request, selectors.review_queue(user=request.user, cohort_ids=cohort_ids))
        for submission in page:
            submission.waiting_hours = (now - submission.submitted_at).total_seconds() / 3600
        return page

    return render(
        request,
        "cohorts/review_queue.html",
        {
            "page": SimpleLazyObject(queue_page),  # read only when the cached queue is missing or stale
            "now": now,
            **personal_cache(request, "everyone", *(f"cohort:{pk}" for pk in cohort_ids)),
        },
    )


@staff_of_cohorts
def review(request, submission_id: int):
    submission = _found(selectors.submission_for_reviewer, user=request.user, submission_id=submission_id)
    criteria = selectors.rubric_of_assignment(submission.assignment_id)
    form = ReviewForm(
        request.POST or None,
        assignment=submission.assignment,
        flagged=submission.similar_to_id is not None,
        criteria=criteria,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submit(submission=submission, reviewer=request.user, **form.review_kwargs())
        except CohortError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The review is sent to the teacher."))
            return redirect("cohorts:review_queue")
    return render(
        request,
        "cohorts/review.html",
        {
            "submission": submission,
            "versions": selectors.versions_with_changes(submission, criteria=criteria),
            "criteria": criteria,
            "evidence": selectors.copy_evidence(user=request.user, submission=submission),
            "form": form,
            "can_review": submission.state == Submission.State.SUBMITTED,
            "now": timezone.now(),
        },
    )


@staff_of_cohorts
def question_queue(request):
    answered = request.GET.get("show") == "all"
    page = paginate(request, selectors.questions_for_curator(user=request.user, unanswered_only=not answered))
    return render(
        request, "cohorts/question_queue.html", {"page": page, "answered": answered, "now": timezone.now()}
    )


@staff_of_cohorts
def question_answer(request, question_id: int):
    question = _found(
        selectors.questions_for_curator(user=request.user, unanswered_only=False).get, pk=question_id
    )
    form = AnswerForm(
        request.POST or None, initial={"answer": question.answer, "publish_faq": question.is_faq}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.question_answer(
                question=question, curator=request.user, answer=form.cleaned_data["answer"]
            )
            question.refresh_from_db()
            services.question_publish_faq(question=question, published=form.cleaned_data["publish_faq"])
        except CohortError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The answer is sent."))
            return redirect("cohorts:question_queue")
    return render(
        request, "cohorts/question_answer.html", {"question": question, "form": form, "now": timezone.now()}
    )


# --- stored files: only through here (core/files.py sets the safe headers) -----------------------


@login_required
def submission_file(request, version_id: int):
    version = _found(selectors.submission_version_for_file, user=request.user, version_id=version_id)
    return serve_file(request, version.file, filename=version.file_name or "file", inline=True)


LESSON_FILES = {"video": "video_file", "material": "material"}


@login_required
def lesson_file(request, lesson_id: int, kind: str):
    """A lesson's video or material for those who learn or teach the course (not public: see
    docs/decisions/0131-privfiles-private-files.md)."""
    if kind not in LESSON_FILES:
        raise Http404
    lesson = _found(selectors.lesson_for_files, user=request.user, lesson_id=lesson_id)
    stored = getattr(lesson, LESSON_FILES[kind])
    name = slugify(lesson.title, allow_unicode=True) or kind
    return serve_file(request, stored, filename=f"{name}.{stored_extension(stored)}")
