"""Everything surveys need from courses and cohorts, in one place.

Surveys sit above cohorts and courses. Where those apps offer a selector or service we call it; where
they do not (yet), the query is written here, against their models, so that there is exactly one
place to switch over when they do.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cohorts import selectors as cohort_selectors
from cohorts import services as cohort_services
from cohorts.models import Cohort, Enrollment
from courses.models import Course

ACTIVE_STATES = (Enrollment.State.ENROLLED, Enrollment.State.COMPLETED, Enrollment.State.NOT_COMPLETED)


def published_courses() -> QuerySet[Course]:
    """Published courses (own query: courses/selectors.py has no catalogue queryset to reuse yet)."""
    return Course.objects.filter(status=Course.Status.PUBLISHED)


def enrollment_for(*, user, cohort_id) -> Enrollment | None:
    """The user's seat in a cohort (enrolled, completed or not completed), else None."""
    if not cohort_id:
        return None
    return (
        Enrollment.objects.filter(teacher=user, cohort_id=cohort_id, state__in=ACTIVE_STATES)
        .select_related("cohort__course")
        .first()
    )


def enrollments_of(user) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(teacher=user, state__in=ACTIVE_STATES)


def cohorts_curated_by(user) -> QuerySet[Cohort]:
    return Cohort.objects.filter(curators=user)


def cohorts_of_authored_courses(user) -> QuerySet[Cohort]:
    return Cohort.objects.filter(course__authors=user)


def cohorts_managed_by(user) -> QuerySet[Cohort]:
    """Curated cohorts and cohorts of courses the user authors (cohorts' own scoping)."""
    return cohort_selectors.cohorts_managed_by(user)


def open_cohorts_with_seats(course_ids, *, teacher) -> dict[int, list[Cohort]]:
    """Cohorts open for enrolment now, per course, soonest first, each with `free_seats` for this teacher
    counted by the cohorts' own seats_free (the count enrolment uses): 0 means "the waitlist"."""
    cohorts = list(
        cohort_selectors.cohorts_open_qs().filter(course_id__in=list(course_ids)).order_by("starts_on", "id")
    )
    free = cohort_selectors.seats_free(cohorts=cohorts, teacher=teacher)
    found: dict[int, list[Cohort]] = {}
    for cohort in cohorts:
        cohort.free_seats = free[cohort.pk]
        found.setdefault(cohort.course_id, []).append(cohort)
    return found


def record_feedback(*, enrollment: Enrollment) -> None:
    """Tell cohorts that the feedback survey is filled (it may count toward completion)."""
    cohort_services.enrollment_record_feedback(enrollment_id=enrollment.pk)


def record_placement(*, enrollment: Enrollment, score: int | None, level: str) -> None:
    """Tell cohorts the placement result, for splitting a cohort into groups by level.

    cohorts has no such service yet (its split orders by Enrollment.placement_score); when it adds one
    under either name below, it is called.
    """
    for name in ("enrollment_record_placement", "enrollment_set_placement"):
        service = getattr(cohort_services, name, None)
        if service is not None:
            service(enrollment_id=enrollment.pk, score=score, level=level)
            return
