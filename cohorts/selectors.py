"""Reads scoped to the acting user, with eager loading done once here.

A teacher sees only their own enrollments and what hangs off them; a curator sees the cohorts they
curate (methodologists: the cohorts of the courses they author); a school administrator sees the
nominations of their own school's teachers.

One file: every read is scoped by the rules above (own enrollments, curated cohorts, own school's
nominations), with the eager loading the pages rely on; split, each part would re-derive the scopes.
"""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.selectors import schools_visible_to, user_has_role
from core.fingerprint import fingerprint, mark_shared
from courses.models import Assignment, Lesson, Module, Quiz, QuizQuestion, RubricCriterion
from courses.selectors import course_faq, courses_editable_by

from .models import (
    Announcement,
    AnnouncementRead,
    BulkOperation,
    Certificate,
    Cohort,
    Enrollment,
    LessonProgress,
    LiveSession,
    Question,
    RubricScore,
    SeatQuota,
    Submission,
    SubmissionVersion,
    VideoPosition,
)

S = Enrollment.State
LEARNING_STATES = (S.ENROLLED, S.COMPLETED, S.NOT_COMPLETED)


# --- cohorts --------------------------------------------------------------------------------


def cohorts_open_qs(*, now=None) -> QuerySet[Cohort]:
    now = now or timezone.now()
    return Cohort.objects.filter(
        self_enrollment=True,
        status__in=[Cohort.Status.OPEN, Cohort.Status.RUNNING],
        enrollment_opens_at__lte=now,
        enrollment_closes_at__gte=now,
    )


def seat_holder_q(now, prefix: str = "") -> Q:
    """Who holds a seat: a learning enrollment, or a waitlisted one with an offer not yet expired."""
    return Q(**{f"{prefix}state__in": Enrollment.SEAT_STATES}) | Q(
        **{f"{prefix}state": S.WAITLISTED, f"{prefix}offer_expires_at__gt": now}
    )


def cohorts_with_seats(qs: QuerySet[Cohort], *, now=None) -> QuerySet[Cohort]:
    """Seats taken (holders) per cohort, for curators' tables. What a teacher can take is seats_free."""
    now = now or timezone.now()
    return qs.annotate(
        seats_taken=Count("enrollments", filter=seat_holder_q(now, "enrollments__")),
        seats_left_raw=F("capacity") - F("seats_taken"),
    )


def _teacher_area(teacher) -> tuple[int | None, set[int]]:
    if teacher is None or not getattr(teacher, "is_authenticated", False):
        return None, set()
    municipalities = {teacher.municipality_id} if teacher.municipality_id else set()
    if teacher.school_id and teacher.school.municipality_id:
        municipalities.add(teacher.school.municipality_id)
    return teacher.school_id, municipalities


def seats_free(
    *, cohorts, teacher=None, now=None, exclude_enrollment_id: int | None = None
) -> dict[int, int]:
    """The seats `teacher` can take now in each cohort — the one count behind every page, the API,
    recommendations and enrolment itself (services.seats_free_for), so a page never promises a seat
    that enrolment would not give.

    capacity − holders (learning, or holding an unexpired waitlist offer) − the unused part of every
    quota still in force that does not cover this teacher. A visitor (teacher=None or anonymous) is
    covered by no quota: they see the seats open to everyone. Two queries for any number of cohorts.
    """
    cohorts = list(cohorts)
    if not cohorts:
        return {}
    now = now or timezone.now()
    ids = [c.pk for c in cohorts]
    holders = Enrollment.objects.filter(seat_holder_q(now), cohort_id__in=ids)
    if exclude_enrollment_id:
        holders = holders.exclude(pk=exclude_enrollment_id)
    taken = dict(holders.order_by().values("cohort_id").annotate(n=Count("pk")).values_list("cohort_id", "n"))
    in_quota = (
        holders.filter(cohort_id=OuterRef("cohort_id"))
        .filter(
            Q(teacher__school_id=OuterRef("school_id"))
            | Q(teacher__municipality_id=OuterRef("municipality_id"))
            | Q(teacher__school__municipality_id=OuterRef("municipality_id"))
        )
        .order_by()
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    quotas = SeatQuota.objects.filter(cohort_id__in=ids, release_at__gt=now).annotate(
        used=Coalesce(Subquery(in_quota), 0)
    )
    school_id, municipalities = _teacher_area(teacher)
    reserved: dict[int, int] = {}
    for quota in quotas.values("cohort_id", "school_id", "municipality_id", "seats", "used"):
        covers = (quota["school_id"] and quota["school_id"] == school_id) or (
            quota["municipality_id"] and quota["municipality_id"] in municipalities
        )
        if not covers:
            reserved[quota["cohort_id"]] = reserved.get(quota["cohort_id"], 0) + max(
                0, quota["seats"] - quota["used"]
            )
    return {c.pk: max(0, c.capacity - taken.get(c.pk, 0) - reserved.get(c.pk, 0)) for c in cohorts}


def with_seats_left(cohorts, *, teacher=None, now=None) -> list[Cohort]:
    """Set `seats_left` on each cohort (as seats_free counts it for this teacher) and return the list."""
    cohorts = list(cohorts)
    free = seats_free(cohorts=cohorts, teacher=teacher, now=now)
    for cohort in cohorts:
        cohort.seats_left = free[cohort.pk]
    return cohorts


def open_cohorts_for_course(course, user) -> list[Cohort]:
    """Open cohorts of a course that this user may join, with seats left and the user's own enrollment."""
    qs = cohorts_open_qs().filter(course=course).order_by("starts_on", "pk")
    if getattr(user, "is_authenticated", False):
        qs = qs.annotate(
            my_state=Subquery(
                Enrollment.objects.filter(cohort=OuterRef("pk"), teacher=user).values("state")[:1]
            ),
            my_enrollment_id=Subquery(
                Enrollment.objects.filter(cohort=OuterRef("pk"), teacher=user).values("pk")[:1]
            ),
        )
        school_id = user.school_id
        municipality_id = user.municipality_id
        restricted = Q(restricted_to_municipalities__isnull=False) | Q(restricted_to_schools__isnull=False)
        allowed = Q(restricted_to_schools=school_id) | Q(restricted_to_municipalities=municipality_id)
        qs = (
            qs.filter(~restricted | allowed).distinct()
            if school_id or municipality_id
            else qs.exclude(restricted).distinct()
        )
    else:
        qs = qs.exclude(
            Q(restricted_to_municipalities__isnull=False) | Q(restricted_to_schools__isnull=False)
        ).distinct()
    return with_seats_left(qs, teacher=user)


def course_page_context(request, course) -> dict:
    """The course page's hook (courses.hooks): open cohorts with seats left and the enrol button."""
    return {"open_cohorts": open_cohorts_for_course(course, request.user)}


def open_cohort_exists(course_ref) -> Exists:
    return Exists(cohorts_open_qs().filter(course=course_ref))


def cohorts_managed_by(user) -> QuerySet[Cohort]:
    """Cohorts a curator curates, or whose course a methodologist authors; everything for superusers."""
    if not getattr(user, "is_authenticated", False):
        return Cohort.objects.none()
    qs = Cohort.objects.select_related("course")
    if user.is_superuser:
        return qs
    curated = Cohort.curators.through.objects.filter(user_id=user.pk).values("cohort_id")
    authored = Cohort.objects.filter(course__authors=user).values("pk")
    return qs.filter(Q(pk__in=curated) | Q(pk__in=authored))


def cohort_list_for_curator(*, user) -> QuerySet[Cohort]:
    return (
        cohorts_with_seats(cohorts_managed_by(user))
        .annotate(
            waitlisted=Count("enrollments", filter=Q(enrollments__state=S.WAITLISTED), distinct=True),
        )
        .order_by("-starts_on", "pk")
    )


def cohorts_open_for_nomination(*, user) -> QuerySet[Cohort]:
    if not user_has_role(user, Role.SCHOOL_ADMIN):
        return Cohort.objects.none()
    now = timezone.now()
    qs = Cohort.objects.filter(
        self_enrollment=True,
        status__in=[Cohort.Status.OPEN, Cohort.Status.RUNNING],
        enrollment_closes_at__gte=now,
    ).select_related("course")
    if not user.is_superuser:
        restricted = Q(restricted_to_municipalities__isnull=False) | Q(restricted_to_schools__isnull=False)
        allowed = Q(restricted_to_schools=user.school_id) | Q(
            restricted_to_municipalities=user.municipality_id
        )
        qs = qs.filter(~restricted | allowed).distinct()
    return cohorts_with_seats(qs).order_by("starts_on", "pk")


# --- a teacher's own enrollments ------------------------------------------------------------


def enrollments_of(user) -> QuerySet[Enrollment]:
    if not getattr(user, "is_authenticated", False):
        return Enrollment.objects.none()
    return Enrollment.objects.filter(teacher=user).select_related("cohort__course")


def enrollment_for_teacher(*, user, enrollment_id: int) -> Enrollment:
    """The teacher's own enrollment or DoesNotExist (→ 404)."""
    return enrollments_of(user).get(pk=enrollment_id)


def enrollment_for_learning(*, user, enrollment_id: int) -> Enrollment:
    return enrollments_of(user).filter(state__in=LEARNING_STATES).get(pk=enrollment_id)


def video_position(*, enrollment: Enrollment, lesson) -> int:
    """Seconds into the lesson's video where the teacher stopped; 0 when never watched (no query for a
    lesson without a video)."""
    if not (lesson.video_file or lesson.embed_url):
        return 0

    seconds = VideoPosition.objects.filter(enrollment=enrollment, lesson=lesson).values_list(
        "seconds", flat=True
    )
    return next(iter(seconds), 0)


def learning_scopes(enrollment: Enrollment) -> list[str]:
    """What the course player and its lessons show changes with: the teacher's own learning, the
    cohort's announcements and sessions, and the course (each app's scopes.py, core/caching.py)."""
    return ["everyone", f"person:{enrollment.teacher_id}", f"cohort:{enrollment.cohort_id}"]


@dataclass
class PlayerData:
    modules: list
    done_ids: set
    submissions: dict
    progress_percent: int
    lessons_total: int
    lessons_done: int
    deadlines: dict
    sessions: list
    announcements: list
    faq: list
    next_lesson: object = None


def player_data(enrollment: Enrollment) -> PlayerData:
    """Everything the course player shows, in a fixed number of queries."""

    cohort = enrollment.cohort
    modules = list(
        Module.objects.filter(course_id=cohort.course_id)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.order_by("position", "pk")),
            Prefetch("assignments", queryset=Assignment.objects.order_by("position", "pk")),
        )
    )
    done_ids = set(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))
    submissions = {s.assignment_id: s for s in Submission.objects.filter(enrollment=enrollment)}
    lessons = [lesson for module in modules for lesson in module.lessons.all()]
    deadlines = {}
    for module in modules:
        for assignment in module.assignments.all():
            assignment.deadline = None
            assignment.my_submission = submissions.get(assignment.pk)
            if assignment.due_days is not None:
                assignment.deadline = cohort.starts_on + timedelta(days=assignment.due_days)
                deadlines[assignment.pk] = assignment.deadline
    total = len(lessons)
    done = len([lesson for lesson in lessons if lesson.pk in done_ids])
    sessions = list(cohort.sessions.order_by("starts_at", "pk"))
    read = AnnouncementRead.objects.filter(enrollment=enrollment, announcement=OuterRef("pk"))
    announcements = list(
        cohort.announcements.annotate(is_read=Exists(read)).order_by("-created_at", "-pk")[:10]
    )

    faq = course_faq(course_id=cohort.course_id, limit=20)
    return PlayerData(
        modules=modules,
        done_ids=done_ids,
        submissions=submissions,
        progress_percent=int(100 * done / total) if total else 0,
        lessons_total=total,
        lessons_done=done,
        deadlines=deadlines,
        sessions=sessions,
        announcements=announcements,
        faq=faq,
        next_lesson=next((lesson for lesson in lessons if lesson.pk not in done_ids), None),
    )


def submission_for_teacher(*, enrollment: Enrollment, assignment_id: int) -> Submission | None:
    return (
        Submission.objects.filter(enrollment=enrollment, assignment_id=assignment_id)
        .prefetch_related("versions__review__reviewer")
        .first()
    )


def questions_of_enrollment(enrollment: Enrollment) -> QuerySet[Question]:
    return (
        Question.objects.filter(enrollment=enrollment)
        .select_related("lesson", "answered_by")
        .order_by("-created_at")
    )


# --- the cabinet ----------------------------------------------------------------------------


@dataclass
class Cabinet:
    enrollments: list
    waiting: list
    nominations: list
    offers: list
    deadlines: list
    sessions: list
    new_reviews: list
    answered_questions: list
    unread_announcements: list


def cabinet_scopes(user) -> list[str]:
    """What the cabinet shows changes with: the person, their cohorts (announcements, sessions), content."""
    cohorts = (
        Enrollment.objects.filter(teacher=user).order_by("cohort_id").values_list("cohort_id", flat=True)
    )
    return ["everyone", f"person:{user.pk}", *(f"cohort:{pk}" for pk in cohorts)]


def cabinet_for_teacher(user) -> Cabinet:
    """The teacher's cabinet in a constant number of queries, however many cohorts they are in."""

    now = timezone.now()
    all_mine = list(
        enrollments_of(user)
        .exclude(state=S.WITHDRAWN)
        .select_related("nomination__nominated_by")
        .annotate(
            lessons_total=Subquery(
                Lesson.objects.filter(module__course_id=OuterRef("cohort__course_id"))
                .values("module__course_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            lessons_done=Count("lesson_marks", distinct=True),
            # a revoked certificate disappears from the cabinet (its holder is told why)
            certificate_revoked=Exists(
                Certificate.objects.filter(enrollment=OuterRef("pk"), revoked_at__isnull=False)
            ),
        )
        .order_by("cohort__starts_on", "pk")
    )
    learning = [e for e in all_mine if e.state in (S.ENROLLED, S.COMPLETED)]
    for enrollment in learning:
        total = enrollment.lessons_total or 0
        enrollment.progress_percent = int(100 * enrollment.lessons_done / total) if total else 0
    active_ids = [e.pk for e in learning if e.state == S.ENROLLED]
    by_course = {e.cohort.course_id: e for e in learning if e.state == S.ENROLLED}
    deadlines = []
    if by_course:
        submitted = Submission.objects.filter(enrollment_id__in=active_ids, state=Submission.State.ACCEPTED)
        accepted = set(submitted.values_list("enrollment_id", "assignment_id"))
        due_assignments = Assignment.objects.filter(module__course_id__in=by_course, due_days__isnull=False)
        for assignment in due_assignments.select_related("module").order_by("pk"):
            enrollment = by_course[assignment.module.course_id]
            if (enrollment.pk, assignment.pk) in accepted:
                continue
            due = enrollment.cohort.starts_on + timedelta(days=assignment.due_days)  # type: ignore[arg-type]  # filtered on due_days__isnull=False
            if due >= timezone.localdate():
                deadlines.append({"assignment": assignment, "enrollment": enrollment, "due": due})
        deadlines.sort(key=lambda d: d["due"])
    sessions = list(
        LiveSession.objects.filter(
            cohort__enrollments__in=active_ids, starts_at__gte=now - timedelta(hours=2)
        )
        .select_related("cohort")
        .order_by("starts_at")[:5]
    )
    new_reviews = list(
        Submission.objects.filter(
            enrollment__teacher=user, reviewed_at__isnull=False, review_seen_at__isnull=True
        )
        .select_related("assignment", "enrollment__cohort")
        .order_by("-reviewed_at")[:10]
    )
    answered = list(
        Question.objects.filter(
            enrollment__teacher=user, answered_at__isnull=False, answer_seen_at__isnull=True
        )
        .select_related("cohort")
        .order_by("-answered_at")[:10]
    )
    read = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), enrollment__teacher=user)
    unread = list(
        Announcement.objects.filter(cohort__enrollments__in=active_ids)
        .exclude(Exists(read))
        .select_related("cohort")
        .distinct()
        .order_by("-created_at")[:10]
    )
    by_cohort = {e.cohort_id: e for e in learning}
    for announcement in unread:
        announcement.enrollment = by_cohort.get(announcement.cohort_id)
    return Cabinet(
        enrollments=learning,
        waiting=[e for e in all_mine if e.state in (S.APPLIED, S.WAITLISTED)],
        nominations=[e for e in all_mine if e.state == S.NOMINATED],
        offers=[
            e for e in all_mine if e.state == S.WAITLISTED and e.offer_expires_at and e.offer_expires_at > now
        ],
        deadlines=deadlines[:8],
        sessions=sessions,
        new_reviews=new_reviews,
        answered_questions=answered,
        unread_announcements=unread,
    )


# --- curators -------------------------------------------------------------------------------


def managed_cohort_ids(user) -> list[int]:
    return list(cohorts_managed_by(user).order_by("pk").values_list("pk", flat=True))


def review_queue(*, user, cohort_ids: list[int] | None = None) -> QuerySet[Submission]:
    """Work waiting for review in the cohorts the user manages, oldest first.

    The cohort ids are read first: given a short list, PostgreSQL walks those cohorts' enrollments;
    given a subquery, it walked every waiting submission in the region by date (slower as data grows).
    The queue shows only whether an answer is near-identical to another, so that one is not joined.
    """
    if cohort_ids is None:
        cohort_ids = managed_cohort_ids(user)
    return (
        Submission.objects.filter(state=Submission.State.SUBMITTED, enrollment__cohort_id__in=cohort_ids)
        .select_related("assignment", "enrollment__teacher", "enrollment__cohort")
        .order_by("submitted_at", "pk")
    )


def submission_for_reviewer(*, user, submission_id: int) -> Submission:
    return (
        Submission.objects.filter(enrollment__cohort__in=cohorts_managed_by(user).values("pk"))
        .select_related(
            "assignment",
            "enrollment__teacher",
            "enrollment__cohort",
            "similar_to__enrollment__teacher",
            "similar_to__enrollment__cohort",
        )
        .prefetch_related("versions__review__reviewer")
        .get(pk=submission_id)
    )


def copy_evidence(*, user, submission: Submission) -> dict | None:
    """For the reviewer of a flagged answer: both answers side by side (latest versions), the passages
    they share inside <mark>, every character of the teachers' text escaped. The matched answer may
    belong to a cohort the reviewer does not manage (an earlier cohort of the course): its text is shown
    as the evidence, its review page is linked only when the reviewer may open it."""
    other = submission.similar_to
    if other is None:
        return None
    texts = dict(
        SubmissionVersion.objects.filter(submission_id__in=[submission.pk, other.pk])
        .order_by("submission_id", "number")
        .values_list("submission_id", "text")
    )  # ordered by number: the latest version of each is the one kept
    own_text, other_text = texts.get(submission.pk, ""), texts.get(other.pk, "")
    shared = fingerprint(own_text) & fingerprint(other_text)
    return {
        "other": other,
        "similarity_percent": round((submission.similarity or 0) * 100),
        "other_reviewable": cohorts_managed_by(user).filter(pk=other.enrollment.cohort_id).exists(),
        "own_html": mark_shared(own_text, shared),
        "other_html": mark_shared(other_text, shared),
    }


def questions_for_curator(*, user, unanswered_only: bool = True) -> QuerySet[Question]:
    qs = Question.objects.filter(cohort__in=cohorts_managed_by(user).values("pk")).select_related(
        "enrollment__teacher", "cohort", "lesson"
    )
    if unanswered_only:
        return qs.filter(answered_at__isnull=True).order_by("created_at", "pk")
    return qs.order_by("-created_at", "-pk")


def response_stats(cohort_ids) -> dict[int, dict]:
    """Median and 90th percentile first-response time (hours) per cohort."""
    values: dict[int, list[int]] = {}
    rows = Question.objects.filter(
        cohort_id__in=cohort_ids, first_response_seconds__isnull=False
    ).values_list("cohort_id", "first_response_seconds")
    for cohort_id, seconds in rows.iterator(chunk_size=2000):
        values.setdefault(cohort_id, []).append(seconds)  # type: ignore[arg-type]  # filtered on first_response_seconds__isnull=False
    stats = {}
    for cohort_id, secs in values.items():
        secs.sort()
        p90 = secs[min(len(secs) - 1, max(0, int(round(0.9 * len(secs) + 0.5)) - 1))]
        stats[cohort_id] = {
            "count": len(secs),
            "median_hours": round(statistics.median(secs) / 3600, 1),
            "p90_hours": round(p90 / 3600, 1),
        }
    return stats


def cohort_roster(cohort: Cohort) -> QuerySet[Enrollment]:
    return (
        cohort.enrollments.select_related("teacher__school")
        .annotate(
            lessons_done=Count("lesson_marks", distinct=True),
            attended=Count("attendance", distinct=True),
        )
        .order_by("state", "waitlisted_at", "teacher__full_name", "pk")
    )


def announcement_unread_by(announcement: Announcement) -> QuerySet[Enrollment]:
    read = AnnouncementRead.objects.filter(announcement=announcement, enrollment=OuterRef("pk"))
    return (
        announcement.cohort.enrollments.filter(state=S.ENROLLED)
        .exclude(Exists(read))
        .select_related("teacher")
        .order_by("teacher__full_name", "pk")
    )


def nominations_for_school_admin(*, user) -> QuerySet[Enrollment]:
    schools = schools_visible_to(user).values("pk")
    return (
        Enrollment.objects.filter(nomination__isnull=False, teacher__school__in=schools)
        .select_related("teacher", "cohort__course", "nomination__nominated_by")
        .order_by("-nomination__created_at", "-pk")
    )


def bulk_operation_for(*, user, operation_id: int) -> BulkOperation:
    qs = BulkOperation.objects.select_related("cohort")
    if not user.is_superuser:
        qs = qs.filter(created_by=user)
    return qs.get(pk=operation_id)


def rubric_of_assignment(assignment_id: int) -> list:
    """The assignment's rubric: its criteria in order, each with its levels (highest points first); [] without one."""

    return list(
        RubricCriterion.objects.filter(assignment_id=assignment_id)
        .prefetch_related("levels")
        .order_by("position", "pk")
    )


def rubric_rows(criteria: list, review) -> list[dict]:
    """For showing a review scored by the rubric: per criterion its levels (the chosen one marked), the
    points and the reviewer's comment on it. Uses the review's prefetched `rubric_scores`."""
    scores = {score.criterion_id: score for score in review.rubric_scores.all()} if review is not None else {}
    rows = []
    for criterion in criteria:
        score = scores.get(criterion.pk)
        levels = list(criterion.levels.all())
        rows.append(
            {
                "criterion": criterion,
                "levels": [(level, score is not None and level.pk == score.level_id) for level in levels],
                "score": score,
                "top": max((level.points for level in levels), default=0),
            }
        )
    return rows


def versions_with_changes(submission, *, criteria: list | None = None) -> list:
    """The versions of a work, newest first, each with `changes`: the lines removed and added since the one
    before; a review scored by the rubric (`criteria`) gets `rubric_rows` for showing it."""
    import difflib

    versions = list(
        submission.versions.select_related("review")
        .prefetch_related("review__rubric_scores")
        .order_by("number")
    )
    for version in versions:
        review = getattr(version, "review", None)  # RelatedObjectDoesNotExist is an AttributeError
        if review is not None:
            review.rubric_rows = (
                rubric_rows(criteria, review) if criteria and review.rubric_scores.all() else []
            )
    previous_text = None
    for version in versions:
        version.changes = []
        if previous_text is not None and version.text != previous_text:
            for line in difflib.ndiff(previous_text.splitlines(), version.text.splitlines()):
                tag, text = line[:2], line[2:]
                kind = {"- ": "removed", "+ ": "added", "  ": "same"}.get(tag)
                if kind:  # "? " lines are ndiff's hints, not text
                    version.changes.append((kind, text))
        previous_text = version.text
    versions.reverse()
    return versions


def rubric_stats_for_cohort(cohort: Cohort) -> list[dict]:
    """Which criteria fail most in a cohort: for every rubric criterion of the cohort's course that its
    reviews scored, the number of scores, the share at the criterion's lowest level (percent) and the
    average points out of the highest; worst first (largest share at the lowest level, then the lowest
    average relative to the maximum). Every review counts (a revised work's earlier reviews too).
    Two queries whatever the number of reviews: the criteria with their lowest and highest points, and
    the scores grouped by criterion and points in SQL."""
    from django.db.models import Max, Min

    histogram: dict[int, dict[int, int]] = {}
    rows = (
        RubricScore.objects.filter(review__version__submission__enrollment__cohort=cohort)
        .values("criterion_id", "points")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        histogram.setdefault(row["criterion_id"], {})[row["points"]] = row["n"]
    if not histogram:
        return []
    criteria = (
        RubricCriterion.objects.filter(pk__in=list(histogram))
        .select_related("assignment")
        .annotate(lowest=Min("levels__points"), highest=Max("levels__points"))
    )
    stats = []
    for criterion in criteria:
        counts = histogram[criterion.pk]
        total = sum(counts.values())
        at_lowest = counts.get(criterion.lowest, 0)
        average = sum(points * n for points, n in counts.items()) / total
        stats.append(
            {
                "criterion": criterion,
                "assignment": criterion.assignment,
                "reviews": total,
                "at_lowest": at_lowest,
                "lowest_percent": round(at_lowest * 100 / total),
                "average": round(average, 1),
                "highest": criterion.highest,
                "average_ratio": average / criterion.highest if criterion.highest else 0,
            }
        )
    stats.sort(
        key=lambda s: (
            -s["at_lowest"] / s["reviews"],
            s["average_ratio"],
            s["assignment"].title,
            s["criterion"].position,
            s["criterion"].pk,
        )
    )
    return stats


# --- stored files (served by views through core/files.py) -------------------------------------


def submission_version_for_file(*, user, version_id: int) -> SubmissionVersion:
    """A version's file is read by its teacher and by whoever manages the cohort (curators, the
    course's methodologists, superusers); DoesNotExist (→ 404) for anyone else."""
    if not getattr(user, "is_authenticated", False):
        raise SubmissionVersion.DoesNotExist
    return SubmissionVersion.objects.filter(
        Q(submission__enrollment__teacher=user)
        | Q(submission__enrollment__cohort__in=cohorts_managed_by(user).values("pk"))
    ).get(pk=version_id)


def lesson_for_files(*, user, lesson_id: int):
    """A lesson whose video and material the user may fetch: a teacher learning (or having learnt) in a
    cohort of its course, the cohort's curators, the course's authors, superusers; DoesNotExist otherwise."""

    if not getattr(user, "is_authenticated", False):
        raise Lesson.DoesNotExist
    learning = Enrollment.objects.filter(teacher=user, state__in=LEARNING_STATES).values("cohort__course_id")
    managed = cohorts_managed_by(user).values("course_id")
    return Lesson.objects.filter(
        Q(module__course__in=learning)
        | Q(module__course__in=managed)
        | Q(module__course__in=courses_editable_by(user).values("pk"))
    ).get(pk=lesson_id)


# --- the curator's day ----------------------------------------------------------------------

DAY_LIST_SIZE = 10


@dataclass
class CuratorDay:
    """What waits for a curator, oldest first, each list with its full count and the first rows."""

    reviews: list
    reviews_count: int
    questions: list
    questions_count: int
    announcements: list
    sessions_today: list
    behind: list
    behind_count: int

    @property
    def is_empty(self) -> bool:
        return not (
            self.reviews_count
            or self.questions_count
            or self.announcements
            or self.sessions_today
            or self.behind_count
        )


def curator_day(*, user, now=None) -> CuratorDay:
    """The curator's home: work to review (with waiting time), unanswered questions (late past the cohort's
    response target, the threshold the escalation reminder uses), announcements not yet confirmed by
    everyone, today's sessions with their check-in codes, and teachers behind schedule (an assignment past
    its due day without any submission). The same selectors as the review and question queues, so the
    numbers here and there never differ. A constant number of queries, whatever the data size."""

    now = now or timezone.now()
    today = timezone.localdate(now)
    cohort_ids = managed_cohort_ids(user)
    reviews_qs = review_queue(user=user, cohort_ids=cohort_ids)
    reviews = list(reviews_qs[:DAY_LIST_SIZE])
    for submission in reviews:
        submission.waiting_hours = int((now - submission.submitted_at).total_seconds() // 3600)
    questions_qs = Question.objects.filter(cohort_id__in=cohort_ids, answered_at__isnull=True)
    questions = list(
        questions_qs.select_related("enrollment__teacher", "cohort", "lesson").order_by("created_at", "pk")[
            :DAY_LIST_SIZE
        ]
    )
    for question in questions:
        question.age_hours = int((now - question.created_at).total_seconds() // 3600)
        question.late = question.age_hours >= question.cohort.response_target_hours
    enrolled = Count("cohort__enrollments", filter=Q(cohort__enrollments__state=S.ENROLLED), distinct=True)
    read = Count("reads", filter=Q(reads__enrollment__state=S.ENROLLED), distinct=True)
    announcements = [
        note
        for note in Announcement.objects.filter(
            cohort_id__in=cohort_ids, created_at__gte=now - timedelta(days=14)
        )
        .select_related("cohort")
        .annotate(enrolled=enrolled, confirmed=read)
        .order_by("created_at", "pk")[:50]
        if note.confirmed < note.enrolled
    ][:DAY_LIST_SIZE]
    sessions_today = list(
        LiveSession.objects.filter(cohort_id__in=cohort_ids, starts_at__date=today)
        .select_related("cohort")
        .order_by("starts_at", "pk")
    )
    running = list(
        Cohort.objects.filter(pk__in=cohort_ids, status=Cohort.Status.RUNNING).values_list(
            "pk", "course_id", "starts_on"
        )
    )
    overdue: dict[int, list] = {}  # cohort id → assignments past their due day
    assignments = Assignment.objects.filter(
        module__course_id__in={course_id for _pk, course_id, _start in running}, due_days__isnull=False
    ).values_list("pk", "module__course_id", "due_days", "title")
    for cohort_id, course_id, starts_on in running:
        overdue[cohort_id] = [
            (pk, title)
            for pk, a_course, due_days, title in assignments
            if a_course == course_id and starts_on + timedelta(days=due_days) < today  # type: ignore[arg-type]  # filtered on due_days__isnull=False
        ]
    behind = []
    if any(overdue.values()):
        handed_in = set(
            Submission.objects.filter(enrollment__cohort_id__in=list(overdue)).values_list(
                "enrollment_id", "assignment_id"
            )
        )
        for enrollment in (
            Enrollment.objects.filter(
                cohort_id__in=[pk for pk, items in overdue.items() if items], state=S.ENROLLED
            )
            .select_related("teacher", "cohort")
            .order_by("cohort__starts_on", "teacher__full_name", "pk")
        ):
            missing = [
                title for pk, title in overdue[enrollment.cohort_id] if (enrollment.pk, pk) not in handed_in
            ]
            if missing:
                enrollment.missing = missing
                behind.append(enrollment)
    return CuratorDay(
        reviews=reviews,
        reviews_count=reviews_qs.count(),
        questions=questions,
        questions_count=questions_qs.count(),
        announcements=announcements,
        sessions_today=sessions_today,
        behind=behind[:DAY_LIST_SIZE],
        behind_count=len(behind),
    )


# --- Calendar feeds -------------------------------------------------------------------------------


@dataclass
class TeacherCalendar:
    sessions: list
    deadlines: list  # (assignment, cohort)
    enrollment_ids: dict  # cohort id → the person's enrollment there (the pages entries link to)


def calendar_for_teacher(*, user) -> TeacherCalendar:
    """Live sessions of the cohorts the person learns or learned in (past ones keep their recording),
    and the deadlines of the cohorts they learn in now. Three queries whatever the data size."""
    enrollments = list(
        Enrollment.objects.filter(teacher=user, state__in=[S.ENROLLED, S.COMPLETED]).select_related("cohort")
    )
    ids = {e.cohort_id: e.pk for e in enrollments}
    sessions = (
        list(
            LiveSession.objects.filter(cohort_id__in=ids).select_related("cohort").order_by("starts_at", "pk")
        )
        if ids
        else []
    )
    deadlines = _deadlines([e.cohort for e in enrollments if e.state == S.ENROLLED])
    return TeacherCalendar(sessions=sessions, deadlines=deadlines, enrollment_ids=ids)


def calendar_cohort_for_curator(*, user, cohort_id: int) -> Cohort | None:
    """The cohort's feed belongs to the people who run it (curators, the course's authors)."""
    return cohorts_managed_by(user).filter(pk=cohort_id).first()


def calendar_sessions_for_cohort(*, cohort: Cohort) -> QuerySet[LiveSession]:
    return LiveSession.objects.filter(cohort=cohort).select_related("cohort").order_by("starts_at", "pk")


def calendar_deadlines_for_cohort(*, cohort: Cohort) -> list[tuple]:
    return _deadlines([cohort])


def calendar_cohorts_curated(*, user) -> QuerySet[Cohort]:
    """The cohorts whose feed addresses the person's calendar page lists."""
    return cohorts_managed_by(user).exclude(status=Cohort.Status.ARCHIVED).order_by("-starts_on", "pk")


def _deadlines(cohorts: list[Cohort]) -> list[tuple]:

    by_course: dict[int, list[Cohort]] = {}
    for cohort in cohorts:
        by_course.setdefault(cohort.course_id, []).append(cohort)
    if not by_course:
        return []
    assignments = (
        Assignment.objects.filter(module__course_id__in=by_course, due_days__isnull=False)
        .select_related("module")
        .order_by("pk")
    )
    return [(a, cohort) for a in assignments for cohort in by_course[a.module.course_id]]


# --- quizzes ---------------------------------------------------------------------------------
# What the pages and the API show of an attempt comes from quiz_attempt_view: while the attempt runs it
# carries the question texts and the choices' texts in their shown order, and the teacher's own responses
# by index, never which choice is correct, the accepted answers, the number and tolerance, the matches in
# their own order or the feedback (tests/cohorts/test_quiz_views.py plays this as an attack).


def quiz_for_enrollment(*, enrollment: Enrollment, lesson_id: int):
    """The quiz of a quiz lesson of the enrollment's course, or DoesNotExist (→ 404)."""

    return Quiz.objects.select_related("lesson__module").get(
        lesson_id=lesson_id, lesson__kind="quiz", lesson__module__course_id=enrollment.cohort.course_id
    )


def quiz_attempts_for(*, enrollment: Enrollment, quiz) -> list:
    from .models import QuizAttempt

    return list(QuizAttempt.objects.filter(enrollment=enrollment, quiz=quiz).order_by("number"))


def quiz_attempt_for_teacher(*, user, attempt_id: int):
    """The teacher's own attempt (any learning enrollment) or DoesNotExist (→ 404)."""
    from .models import QuizAttempt

    return QuizAttempt.objects.select_related("quiz__lesson__module", "enrollment__cohort__course").get(
        pk=attempt_id,
        enrollment__in=enrollments_of(user).filter(state__in=LEARNING_STATES),
    )


def quiz_attempts_of_teacher(*, user) -> QuerySet:
    from .models import QuizAttempt

    if not getattr(user, "is_authenticated", False):
        return QuizAttempt.objects.none()
    return (
        QuizAttempt.objects.filter(enrollment__teacher=user, enrollment__state__in=LEARNING_STATES)
        .select_related("quiz__lesson", "enrollment")
        .prefetch_related("answers__question__choices")
        .order_by("-started_at", "-pk")
    )


def _plain_number(value) -> str:
    """4.5000 → "4.5", 100.0000 → "100", None → "0"."""
    return format(value.normalize(), "f") if value is not None else "0"


def _result(fraction) -> str:
    if fraction is None:
        return ""
    return "correct" if fraction >= 0.999 else "partial" if fraction > 0 else "incorrect"


def quiz_attempt_view(*, attempt, revealed: bool, answers=None) -> list[dict]:
    """The attempt's questions in order, as plain data for the page and the API (three queries, or none
    with `answers` prefetched). The key appears only for a finished attempt with `revealed`."""
    from .models import QuizAnswer

    if answers is None:
        answers = list(
            QuizAnswer.objects.filter(attempt=attempt)
            .select_related("question")
            .prefetch_related("question__choices")
            .order_by("position")
        )
    finished = not attempt.is_running
    revealed = revealed and finished
    items = []
    for answer in answers:
        question = answer.question
        choices = {c.pk: c for c in question.choices.all()}
        response = answer.response or {}
        item = {
            "position": answer.position,
            "kind": question.kind,
            "kind_label": str(question.get_kind_display()),
            "text": question.text,
            "points": question.points,
            "options": [],
            "matches": [],
        }
        if question.kind in ("single", "multiple", "matching", "ordering"):
            chosen = set(response.get("choices") or []) | {response.get("choice")}
            pairs = {int(k): v for k, v in (response.get("pairs") or {}).items()}
            ranks = {int(k): v for k, v in (response.get("ranks") or {}).items()}
            match_index = {pk: i for i, pk in enumerate(answer.match_order)}
            for index, pk in enumerate(answer.choice_order):
                choice = choices.get(pk)
                if choice is None:
                    continue
                option = {"index": index, "text": choice.text}
                if question.kind in ("single", "multiple"):
                    option["selected"] = pk in chosen
                elif question.kind == "matching":
                    option["selected_match"] = match_index.get(pairs.get(pk))
                else:
                    option["rank"] = ranks.get(pk)
                if revealed:
                    if question.kind in ("single", "multiple"):
                        option["correct"] = choice.is_correct
                        option["feedback"] = choice.feedback if pk in chosen else ""
                    elif question.kind == "matching":
                        option["correct_match"] = choice.match
                    else:
                        option["correct_rank"] = [c.pk for c in question.choices.all()].index(pk) + 1
                item["options"].append(option)
            item["matches"] = [
                {"index": i, "text": choices[pk].match}
                for i, pk in enumerate(answer.match_order)
                if pk in choices
            ]
            item["ranks"] = list(range(1, len(item["options"]) + 1))
        elif question.kind == "true_false":
            item["value"] = response.get("value")
            if revealed:
                item["correct_value"] = question.true_false_answer
        else:
            item["given"] = response.get("text", "")
            if revealed and question.kind == "short":
                item["accepted"] = [
                    line.strip() for line in question.accepted_answers.splitlines() if line.strip()
                ]
            if revealed and question.kind == "numeric":
                item["number"] = _plain_number(question.numeric_answer)
                item["tolerance"] = _plain_number(question.tolerance)
        if finished:
            item["earned"] = answer.points
            item["result"] = _result(answer.fraction)
        if revealed:
            item["feedback"] = question.feedback
        items.append(item)
    return items


def quizzes_for_author(*, user) -> QuerySet:
    """The quizzes of the courses a user may edit (authors, superusers)."""

    return Quiz.objects.filter(lesson__module__course__in=courses_editable_by(user)).select_related(
        "lesson__module__course"
    )


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sx = sum((x - mx) ** 2 for x in xs)
    sy = sum((y - my) ** 2 for y in ys)
    if sx == 0 or sy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (sx * sy) ** 0.5


def quiz_statistics(*, quiz) -> dict:
    """Per question of the quiz's finished attempts: facility (mean share of the points earned),
    discrimination (the corrected item–total correlation: Pearson's r between the item's share and the
    rest of the attempt's score, from three attempts on) and, for choice questions, the share of the
    answers choosing each option. Three queries whatever the number of attempts."""

    from .models import QuizAnswer, QuizAttempt

    rows = list(
        QuizAnswer.objects.filter(attempt__quiz=quiz)
        .exclude(attempt__state=QuizAttempt.State.RUNNING)
        .values_list("question_id", "fraction", "points", "response", "attempt__score", "attempt_id")
    )
    by_question: dict[int, list] = {}
    attempts = set()
    for question_id, fraction, points, response, score, attempt_id in rows:
        by_question.setdefault(question_id, []).append(
            (fraction or 0.0, points or 0, response or {}, score or 0)
        )
        attempts.add(attempt_id)
    questions = (
        QuizQuestion.objects.filter(pk__in=by_question).prefetch_related("choices").order_by("position", "pk")
    )
    result = []
    for question in questions:
        answered = by_question[question.pk]
        fractions = [f for f, _p, _r, _s in answered]
        rest = [float(score - points) for _f, points, _r, score in answered]
        options = []
        if question.kind in ("single", "multiple", "true_false"):
            values: list[tuple[object, str]] = (
                [(True, _("True")), (False, _("False"))]
                if question.kind == "true_false"
                else [(c.pk, c.text) for c in question.choices.all()]
            )
            correct: set[object] = (
                {question.true_false_answer}
                if question.kind == "true_false"
                else {c.pk for c in question.choices.all() if c.is_correct}
            )
            for value, label in values:
                count = sum(
                    1
                    for _f, _p, r, _s in answered
                    if r.get("choice") == value
                    or value in (r.get("choices") or [])
                    or r.get("value") is value
                )
                options.append(
                    {
                        "text": label,
                        "correct": value in correct,
                        "percent": round(100 * count / len(answered)),
                    }
                )
        result.append(
            {
                "question": question,
                "answers": len(answered),
                "facility": round(statistics.fmean(fractions) * 100),
                "discrimination": _pearson(fractions, rest),
                "options": options,
            }
        )
    return {"attempts": len(attempts), "questions": result}
