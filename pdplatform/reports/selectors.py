"""Report reads, always scoped to the acting user.

School and municipal administrators see the teachers of `accounts.selectors.schools_visible_to(user)`
and nothing else; curators and methodologists see the cohorts of `cohorts.selectors.cohorts_managed_by`.
Where another app has no selector for an aggregate a report needs, the query is written here over
that app's models (read-only, one GROUP BY or subquery each), marked "aggregate".

One file: all report reads share the scope rules at the top (`can_see_*`, `report_schools`,
`report_teachers`), the privacy boundary of reports; the columns of each report sit next to the query
whose values they name.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import School, Subject, User
from accounts.roles import Role
from accounts.selectors import schools_visible_to, teachers_visible_to, user_has_role
from cohorts.certificates.selectors import valid_certificate_number
from cohorts.models import Attendance, Cohort, Enrollment, LessonProgress, LiveSession, Review, Submission
from cohorts.selectors import cohorts_managed_by, response_stats
from communities.models import Membership, Post, Registration, Topic
from core.exports import Column, Sheet
from core.formatting import hours_label
from courses.models import Assignment, Course, Lesson
from mentoring.models import MentoringPair, PairState
from mentoring.selectors import report_coverage_by_school
from surveys.models import CompetencyScore

from .forms import SORTS, school_year_bounds
from .models import ExportJob

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

S = Enrollment.State
REPORT_STATES_VISIBLE = [s for s, _label in S.choices]


# --- who may see what -------------------------------------------------------------------------


def can_see_school_report(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        user.is_superuser
        or (user_has_role(user, Role.SCHOOL_ADMIN) and user.school_id is not None)
        or (user_has_role(user, Role.MUNICIPAL_ADMIN) and user.municipality_id is not None)
    )


def can_see_monitoring(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or (user_has_role(user, Role.MUNICIPAL_ADMIN) and user.municipality_id is not None)
    )


def can_see_cohort_reports(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or user_has_role(user, Role.CURATOR) or user_has_role(user, Role.METHODOLOGIST)
    )


def report_schools(user) -> QuerySet[School]:
    """Schools whose rows the user may see in the school report (none for anyone else)."""
    if not can_see_school_report(user):
        return School.objects.none()
    return schools_visible_to(user).order_by("name")


def report_scopes(user) -> list[str]:
    """What the user's reports change with (each app's scopes.py, core/caching.py): learning in the schools they see."""
    if user.is_superuser:
        area = "region"
    elif user_has_role(user, Role.MUNICIPAL_ADMIN) and user.municipality_id:
        area = f"municipality:{user.municipality_id}"
    else:
        area = f"school:{user.school_id}"
    return ["everyone", f"person:{user.pk}", area]


def report_teachers(user) -> QuerySet[User]:
    if not can_see_school_report(user):
        return User.objects.none()
    return teachers_visible_to(user)


# --- enrollment rows (school report and cohort report) ----------------------------------------


def _count(qs, group: str):
    return Coalesce(
        Subquery(
            qs.order_by().values(group).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        0,
    )


def enrollment_rows_qs(base: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Every column of an enrollment row as correlated subqueries (one row per enrollment, no join fan-out)."""
    now = timezone.now()
    lessons_total = _count(
        Lesson.objects.filter(module__course_id=OuterRef("cohort__course_id")), "module__course_id"
    )
    assignments_total = _count(
        Assignment.objects.filter(module__course_id=OuterRef("cohort__course_id")), "module__course_id"
    )
    lessons_done = _count(LessonProgress.objects.filter(enrollment=OuterRef("pk")), "enrollment")
    accepted = _count(
        Submission.objects.filter(enrollment=OuterRef("pk"), state=Submission.State.ACCEPTED), "enrollment"
    )
    avg_score = Subquery(
        Submission.objects.filter(enrollment=OuterRef("pk"), score__isnull=False)
        .order_by()
        .values("enrollment")
        .annotate(a=Avg("score"))
        .values("a")[:1],
        output_field=FloatField(),
    )
    attended = _count(Attendance.objects.filter(enrollment=OuterRef("pk")), "enrollment")
    sessions_held = _count(
        LiveSession.objects.filter(cohort=OuterRef("cohort"), starts_at__lte=now), "cohort"
    )
    qs = base.annotate(
        lessons_total=lessons_total,
        lessons_done=lessons_done,
        assignments_total=assignments_total,
        accepted=accepted,
        avg_score=avg_score,
        attended=attended,
        sessions_held=sessions_held,
    ).annotate(
        progress_sort=Case(
            When(lessons_total=0, then=Value(0.0)),
            default=ExpressionWrapper(
                Cast(F("lessons_done"), FloatField()) * 100.0 / Cast(F("lessons_total"), FloatField()),
                output_field=FloatField(),
            ),
            output_field=FloatField(),
        )
    )
    return qs.annotate(certificate_number=valid_certificate_number(OuterRef("pk")))


ROW_FIELDS = (
    "pk",
    "teacher__full_name",
    "teacher__email",
    "teacher__school__name",
    "cohort__course__title",
    "cohort__course__hours",
    "cohort_id",
    "cohort__title",
    "cohort__starts_on",
    "cohort__ends_on",
    "state",
    "lessons_done",
    "lessons_total",
    "accepted",
    "assignments_total",
    "avg_score",
    "attended",
    "sessions_held",
    "feedback_at",
    "completed_at",
    "certificate_number",
)


def enrollment_columns() -> list[Column]:
    return [
        Column(_("Teacher"), width=28),
        Column(_("Email"), width=28),
        Column(_("School"), width=26),
        Column(_("Course"), width=34),
        Column(_("Academic hours"), "int", 9),
        Column(_("Cohort"), width=26),
        Column(_("Starts"), "date", 11),
        Column(_("Ends"), "date", 11),
        Column(_("State"), width=14),
        Column(_("Progress, %"), "percent", 10),
        Column(_("Assignments accepted"), "int", 11),
        Column(_("Assignments"), "int", 11),
        Column(_("Average score"), "number", 10),
        Column(_("Attendance, %"), "percent", 11),
        Column(_("Feedback survey filled"), width=11),
        Column(_("Completed on"), "date", 12),
        Column(_("Certificate No."), width=16),
    ]


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


_TEXTS: dict[str, dict] = {}


def _texts() -> dict:
    """Translated words used on every row, looked up once per language (not once per row)."""
    language = get_language() or ""
    texts = _TEXTS.get(language)
    if texts is None:
        texts = {"yes": str(_("yes")), "no": str(_("no")), "states": {k: str(v) for k, v in S.choices}}
        _TEXTS[language] = texts
    return texts


def enrollment_row_values(r: dict) -> list:
    """One export/API row from a `values()` dict: plain values, numbers as numbers, dates as dates."""
    completed = r["completed_at"]
    texts = _texts()
    return [
        r["teacher__full_name"] or r["teacher__email"],
        r["teacher__email"],
        r["teacher__school__name"] or "",
        r["cohort__course__title"],
        r["cohort__course__hours"],
        r["cohort__title"],
        r["cohort__starts_on"],
        r["cohort__ends_on"],
        texts["states"].get(r["state"], r["state"]),
        _percent(r["lessons_done"], r["lessons_total"]) or 0,
        r["accepted"],
        r["assignments_total"],
        round(r["avg_score"], 1) if r["avg_score"] is not None else None,
        _percent(r["attended"], r["sessions_held"]),
        texts["yes"] if r["feedback_at"] else texts["no"],
        timezone.localtime(completed).date() if completed else None,
        "" if r["certificate_number"] is None else str(r["certificate_number"]),
    ]


@dataclass
class EnrollmentFilters:
    period: tuple = (None, None)
    course: Course | None = None
    cohort: Cohort | None = None
    state: str = ""
    subject: Subject | None = None
    school: School | None = None
    sort: str = ""

    @classmethod
    def from_form(cls, form) -> EnrollmentFilters:
        c = form.cleaned_data
        return cls(
            period=c.get("period") or (None, None),
            course=c.get("course"),
            cohort=c.get("cohort"),
            state=c.get("state") or "",
            subject=c.get("subject"),
            school=c.get("school"),
            sort=c.get("sort") or "",
        )

    def as_params(self) -> dict:
        """What the export log and a background job keep (ids and ISO dates only)."""
        date_from, date_to = self.period
        params = {
            "date_from": date_from.isoformat() if date_from else "",
            "date_to": date_to.isoformat() if date_to else "",
            "course": self.course.pk if self.course else "",
            "cohort": self.cohort.pk if self.cohort else "",
            "state": self.state,
            "subject": self.subject.pk if self.subject else "",
            "school": self.school.pk if self.school else "",
            "sort": self.sort,
        }
        return {k: v for k, v in params.items() if v not in ("", None)}


def apply_enrollment_filters(qs: QuerySet[Enrollment], flt: EnrollmentFilters) -> QuerySet[Enrollment]:
    date_from, date_to = flt.period
    if date_from:
        qs = qs.filter(cohort__ends_on__gte=date_from)
    if date_to:
        qs = qs.filter(cohort__starts_on__lte=date_to)
    if flt.course:
        qs = qs.filter(cohort__course=flt.course)
    if flt.cohort:
        qs = qs.filter(cohort=flt.cohort)
    if flt.state:
        qs = qs.filter(state=flt.state)
    if flt.subject:
        qs = qs.filter(teacher__subjects=flt.subject).distinct()
    if flt.school:
        qs = qs.filter(teacher__school=flt.school)
    return qs


def _ordered(qs, sort: str):
    key = sort.lstrip("-")
    fields: tuple[str, ...] = SORTS.get(key) or SORTS["school"]
    if sort.startswith("-"):
        fields = tuple(f"-{f}" for f in fields[:1]) + tuple(fields[1:])
    return qs.order_by(*fields, "pk")


def school_enrollments(*, user, flt: EnrollmentFilters) -> QuerySet[Enrollment]:
    """Enrollments of the teachers of the user's schools, filtered; scope first, filters second."""
    return apply_enrollment_filters(school_enrollments_in_scope(user), flt)


def school_enrollments_in_scope(user) -> QuerySet[Enrollment]:
    """Every enrollment of the teachers of the user's schools (before the report's filters)."""
    return Enrollment.objects.filter(teacher__school__in=report_schools(user).values("pk"))


def enrollment_report_rows(enrollments: QuerySet[Enrollment], *, sort: str = "") -> QuerySet:
    """Enrollments (already scoped and filtered) as the report's `values()` dicts in the chosen order."""
    return _ordered(enrollment_rows_qs(enrollments), sort).values(*ROW_FIELDS)


def school_report_rows(*, user, flt: EnrollmentFilters) -> QuerySet:
    """The school report as `values()` dicts in the chosen order (page, export and API alike)."""
    return enrollment_report_rows(school_enrollments(user=user, flt=flt), sort=flt.sort)


def filter_choices(user) -> dict:
    """Courses and cohorts the user's teachers are or were in (for the filter selects)."""
    schools = report_schools(user).values("pk")
    # Only what the options show: DISTINCT over whole rows (descriptions, search vectors) was most of the cost.
    cohorts = (
        Cohort.objects.filter(enrollments__teacher__school__in=schools)
        .distinct()
        .only("pk", "title", "starts_on")
        .order_by("-starts_on", "title")
    )
    courses = (
        Course.objects.filter(cohorts__enrollments__teacher__school__in=schools)
        .distinct()
        .only("pk", "title")
        .order_by("title")
    )
    return {"schools": report_schools(user), "courses": courses, "cohorts": cohorts}


# --- the cohort report ------------------------------------------------------------------------


def cohorts_for_reports(user) -> QuerySet[Cohort]:
    if not can_see_cohort_reports(user):
        return Cohort.objects.none()
    return (
        cohorts_managed_by(user)
        .annotate(enrolled=Count("enrollments", filter=Q(enrollments__state__in=Enrollment.SEAT_STATES)))
        .order_by("-starts_on", "pk")
    )


def cohort_for_report(*, user, cohort_id: int) -> Cohort:
    """Cohort.DoesNotExist (→ 404) for a cohort the user does not curate or author."""
    return cohorts_for_reports(user).get(pk=cohort_id)


def cohort_report_rows(cohort: Cohort) -> QuerySet:
    base = Enrollment.objects.filter(cohort=cohort)
    return (
        enrollment_rows_qs(base)
        .order_by("teacher__school__name", "teacher__full_name", "pk")
        .values(*ROW_FIELDS)
    )


def cohort_school_summary(cohort: Cohort) -> list[dict]:
    """A summary row per school of the cohort: teachers, completed, feedback filled (one GROUP BY)."""
    return list(
        Enrollment.objects.filter(cohort=cohort)
        .values("teacher__school__name")
        .annotate(
            teachers=Count("pk"),
            learning=Count("pk", filter=Q(state__in=Enrollment.SEAT_STATES)),
            completed=Count("pk", filter=Q(state=S.COMPLETED)),
            feedback=Count("pk", filter=Q(feedback_at__isnull=False)),
        )
        .order_by("teacher__school__name")
    )


def _median_p90(values: list[int]) -> dict | None:
    if not values:
        return None
    values.sort()
    p90 = values[min(len(values) - 1, max(0, int(round(0.9 * len(values) + 0.5)) - 1))]
    return {
        "count": len(values),
        "median_hours": round(statistics.median(values) / 3600, 1),
        "p90_hours": round(p90 / 3600, 1),
    }


def review_time_stats(cohort: Cohort) -> dict | None:
    """Aggregate: hours from a submitted version to its review, median and 90th percentile (one query)."""
    rows = Review.objects.filter(version__submission__enrollment__cohort=cohort).values_list(
        "created_at", "version__created_at"
    )
    seconds = [
        max(0, int((reviewed - submitted).total_seconds())) for reviewed, submitted in rows.iterator(2000)
    ]
    return _median_p90(seconds)


def cohort_response_stats(cohort: Cohort) -> dict | None:
    return response_stats([cohort.pk]).get(cohort.pk)


# --- teachers' hours: last three years and the current cycle (hours ledger) ---------------------


def ledger_settings() -> dict:
    defaults = {
        "required_hours": 72,  # per cycle
        "cycle_years": 3,
        "cycle_start": "2024-09-01",  # cycles run from this date in steps of cycle_years
        "event_hours": 2,  # per community event attended (registered, already held); 0 = not counted
        "mentor_pair_hours": 18,  # per completed mentoring pair, for the mentor; 0 = not counted
        "mentee_pair_hours": 18,  # per completed mentoring pair, for the young teacher
    }
    return {**defaults, **getattr(settings, "REPORTS_HOURS_LEDGER", {})}


@dataclass
class Cycle:
    start: dt.date
    end: dt.date  # exclusive
    required: int
    elapsed_share: float = field(default=0.0)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def expected_now(self) -> int:
        return round(self.required * self.elapsed_share)


def current_cycle(today: dt.date | None = None) -> Cycle:
    conf = ledger_settings()
    today = today or timezone.localdate()
    start = dt.date.fromisoformat(conf["cycle_start"])
    years = max(1, int(conf["cycle_years"]))
    while start.replace(year=start.year + years) <= today:
        start = start.replace(year=start.year + years)
    while start > today:
        start = start.replace(year=start.year - years)
    end = start.replace(year=start.year + years)
    share = min(1.0, max(0.0, (today - start).days / max(1, (end - start).days)))
    return Cycle(start=start, end=end, required=int(conf["required_hours"]), elapsed_share=share)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class TeacherHours(TypedDict):
    """What `teacher_hours_qs` annotates on each teacher (and `teacher_report` prefetches)."""

    courses_3y: int
    hours_3y: int
    cycle_course_hours: int
    cycle_events: int
    cycle_mentor_pairs: int
    cycle_mentee_pairs: int
    cycle_event_hours: int
    cycle_mentoring_hours: int
    cycle_total: int


class TeacherReportRow(TeacherHours):
    """A row of `teacher_report`: the hours and the recent completed enrollments it prefetches."""

    recent_completed: list[Enrollment]


def teacher_hours_qs(
    teachers: QuerySet[User], *, cycle: Cycle, today: dt.date | None = None
) -> QuerySet[WithAnnotations[User, TeacherHours]]:
    """Aggregate per teacher (correlated subqueries, so one row each): completed courses and their hours
    in the last three years, and the cycle's ledger — course hours, events and mentoring as configured."""
    conf = ledger_settings()
    today = today or timezone.localdate()
    three_years_ago = _day_start(
        today.replace(year=today.year - 3)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 3, day=28)
    )
    cycle_from, cycle_to = _day_start(cycle.start), _day_start(cycle.end)
    completed = Enrollment.objects.filter(teacher=OuterRef("pk"), state=S.COMPLETED)

    def hours_sum(qs):
        return Coalesce(
            Subquery(
                qs.order_by().values("teacher").annotate(h=Sum("cohort__course__hours")).values("h")[:1],
                output_field=IntegerField(),
            ),
            0,
        )

    def count_of(qs, group):
        return _count(qs, group)

    events = Registration.objects.filter(
        user=OuterRef("pk"),
        event__ends_at__lte=timezone.now(),
        event__starts_at__gte=cycle_from,
        event__starts_at__lt=cycle_to,
    )
    as_mentor = MentoringPair.objects.filter(mentor=OuterRef("pk"), state=PairState.COMPLETED)
    as_mentee = MentoringPair.objects.filter(mentee=OuterRef("pk"), state=PairState.COMPLETED)
    as_mentor = as_mentor.filter(ended_at__gte=cycle_from, ended_at__lt=cycle_to)
    as_mentee = as_mentee.filter(ended_at__gte=cycle_from, ended_at__lt=cycle_to)
    qs = (
        teachers.annotate(
            courses_3y=count_of(completed.filter(completed_at__gte=three_years_ago), "teacher"),
            hours_3y=hours_sum(completed.filter(completed_at__gte=three_years_ago)),
            cycle_course_hours=hours_sum(
                completed.filter(completed_at__gte=cycle_from, completed_at__lt=cycle_to)
            ),
            cycle_events=count_of(events, "user"),
            cycle_mentor_pairs=count_of(as_mentor, "mentor"),
            cycle_mentee_pairs=count_of(as_mentee, "mentee"),
        )
        .annotate(
            cycle_event_hours=F("cycle_events") * Value(int(conf["event_hours"])),
            cycle_mentoring_hours=F("cycle_mentor_pairs") * Value(int(conf["mentor_pair_hours"]))
            + F("cycle_mentee_pairs") * Value(int(conf["mentee_pair_hours"])),
        )
        .annotate(
            cycle_total=F("cycle_course_hours") + F("cycle_event_hours") + F("cycle_mentoring_hours"),
        )
    )
    return qs


def teacher_report(
    *, user, show: str = "", subject=None, school=None, cycle: Cycle | None = None, base=None
) -> QuerySet[WithAnnotations[User, TeacherHours]]:
    """The hours ledger of the user's teachers (or of `base`, a subset of them), filtered."""
    cycle = cycle or current_cycle()
    teachers = report_teachers(user) if base is None else base
    if subject:
        teachers = teachers.filter(subjects=subject)
    if school:
        teachers = teachers.filter(school=school)
    qs = teacher_hours_qs(teachers.distinct() if subject else teachers, cycle=cycle)
    if show == "none":
        qs = qs.filter(courses_3y=0)
    elif show == "behind":
        qs = qs.filter(cycle_total__lt=cycle.expected_now)
    three_years_ago = timezone.now() - dt.timedelta(days=3 * 365)
    return qs.order_by("school__name", "full_name", "pk").prefetch_related(
        Prefetch(
            "enrollments",
            queryset=Enrollment.objects.filter(state=S.COMPLETED, completed_at__gte=three_years_ago)
            .select_related("cohort__course")
            .order_by("-completed_at"),
            to_attr="recent_completed",
        ),
        "subjects",
    )


def teacher_columns() -> list[Column]:
    return [
        Column(_("Teacher"), width=28),
        Column(_("Email"), width=28),
        Column(_("School"), width=26),
        Column(_("Subjects"), width=22),
        Column(_("Courses completed in 3 years"), width=50),
        Column(_("Courses in 3 years"), "int", 10),
        Column(_("Course hours in 3 years"), "int", 10),
        Column(_("Cycle: course hours"), "int", 10),
        Column(_("Cycle: events"), "int", 10),
        Column(_("Cycle: event hours"), "int", 10),
        Column(_("Cycle: mentoring hours"), "int", 10),
        Column(_("Cycle: total hours"), "int", 10),
        Column(_("Cycle: required"), "int", 10),
        Column(_("Expected by now"), "int", 10),
        Column(_("Behind"), width=8),
    ]


def teacher_row_values(t: WithAnnotations[User, TeacherReportRow], cycle: Cycle) -> list:
    courses = "; ".join(
        f"{e.cohort.course.title} ({hours_label(e.cohort.course.hours)}, {date_format(timezone.localtime(e.completed_at), 'SHORT_DATE_FORMAT')})"
        for e in t.recent_completed
    )
    return [
        t.full_name or t.email,
        t.email,
        t.school.name if t.school else "",
        ", ".join(s.name for s in t.subjects.all()),
        courses,
        t.courses_3y,
        t.hours_3y,
        t.cycle_course_hours,
        t.cycle_events,
        t.cycle_event_hours,
        t.cycle_mentoring_hours,
        t.cycle_total,
        cycle.required,
        cycle.expected_now,
        _texts()["yes"] if t.cycle_total < cycle.expected_now else _texts()["no"],
    ]


# --- municipal monitoring ---------------------------------------------------------------------


def _year_bounds(year: int):
    start, end = school_year_bounds(year)
    return _day_start(start), _day_start(end + dt.timedelta(days=1))


def monitoring_trained_by_school(*, user, year: int) -> list[dict]:
    """Aggregate: per school, teachers, teachers who completed a course in the school year, and teachers
    with a completed course in the last three years (share in percent)."""
    start, end = _year_bounds(year)
    three_years_ago = end - dt.timedelta(days=3 * 365)
    teachers = User.objects.filter(is_active=True, groups__name=Role.TEACHER, school=OuterRef("pk"))
    done = Enrollment.objects.filter(teacher=OuterRef("pk"), state=S.COMPLETED)
    trained_year = teachers.filter(Exists(done.filter(completed_at__gte=start, completed_at__lt=end)))
    trained_3y = teachers.filter(Exists(done.filter(completed_at__gte=three_years_ago, completed_at__lt=end)))
    rows = list(
        report_schools(user)
        .annotate(
            teachers=_count(teachers, "school"),
            trained_year=_count(trained_year, "school"),
            trained_3y=_count(trained_3y, "school"),
        )
        .values("pk", "name", "teachers", "trained_year", "trained_3y")
    )
    for r in rows:
        r["share_3y"] = _percent(r["trained_3y"], r["teachers"])
    return rows


def monitoring_trained_by_course(*, user, year: int) -> list[dict]:
    """Aggregate: per course, teachers of the user's schools enrolled and completed in the school year."""
    start, end = _year_bounds(year)
    schools = report_schools(user).values("pk")
    return list(
        Enrollment.objects.filter(teacher__school__in=schools, teacher__is_active=True)
        .filter(
            Q(completed_at__gte=start, completed_at__lt=end)
            | Q(cohort__starts_on__lte=end.date(), cohort__ends_on__gte=start.date())
        )
        .values("cohort__course_id", "cohort__course__title", "cohort__course__hours")
        .annotate(
            enrolled=Count("teacher", distinct=True, filter=Q(state__in=Enrollment.SEAT_STATES)),
            completed=Count(
                "teacher",
                distinct=True,
                filter=Q(state=S.COMPLETED, completed_at__gte=start, completed_at__lt=end),
            ),
        )
        .order_by("-completed", "cohort__course__title")
    )


def monitoring_deficits(*, user, year: int) -> list[dict]:
    """Aggregate over surveys' CompetencyScore: per competency, teachers whose latest diagnostic (up to the
    end of the school year) found a deficit, and how many of them then completed a course addressing it."""

    _start, end = _year_bounds(year)
    teachers = report_teachers(user)
    newest = CompetencyScore.objects.filter(
        user=OuterRef("user"), competency=OuterRef("competency"), measured_at__lt=end
    ).order_by("-measured_at", "-pk")
    addressed = Enrollment.objects.filter(
        teacher=OuterRef("user"),
        state=S.COMPLETED,
        completed_at__gte=OuterRef("measured_at"),
        cohort__course__competencies=OuterRef("competency"),
    )
    return list(
        CompetencyScore.objects.filter(
            user__in=teachers.values("pk"),
            is_deficit=True,
            measured_at__lt=end,
            pk=Subquery(newest.values("pk")[:1]),
        )
        .annotate(addressed=Exists(addressed))
        .values("competency_id", "competency__code", "competency__name")
        .annotate(
            found=Count("user", distinct=True), fixed=Count("user", distinct=True, filter=Q(addressed=True))
        )
        .order_by("competency__code")
    )


def monitoring_mentoring(*, user) -> list[dict]:

    scope = set(report_schools(user).values_list("pk", flat=True))
    return [
        r
        for r in report_coverage_by_school(user=user).values(
            "pk", "name", "young_total", "young_mentored", "young_unmentored"
        )
        if r["pk"] in scope
    ]


def monitoring_communities(*, user, year: int) -> list[dict]:
    """Aggregate over communities' rows: per school, active members, topics, posts and event registrations
    of its teachers in the school year."""

    start, end = _year_bounds(year)
    people = User.objects.filter(school=OuterRef("pk"), is_active=True)
    members = people.filter(Exists(Membership.objects.filter(user=OuterRef("pk"), state="active")))
    return list(
        report_schools(user)
        .annotate(
            members=_count(members, "school"),
            topics=_count(
                Topic.objects.filter(
                    author__school=OuterRef("pk"), created_at__gte=start, created_at__lt=end
                ),
                "author__school",
            ),
            posts=_count(
                Post.objects.filter(author__school=OuterRef("pk"), created_at__gte=start, created_at__lt=end),
                "author__school",
            ),
            registrations=_count(
                Registration.objects.filter(
                    user__school=OuterRef("pk"), event__starts_at__gte=start, event__starts_at__lt=end
                ),
                "user__school",
            ),
        )
        .values("pk", "name", "members", "topics", "posts", "registrations")
    )


def monitoring(*, user, year: int) -> dict:
    by_school = monitoring_trained_by_school(user=user, year=year)
    teachers = sum(r["teachers"] for r in by_school)
    trained_3y = sum(r["trained_3y"] for r in by_school)
    return {
        "year": year,
        "by_school": by_school,
        "by_course": monitoring_trained_by_course(user=user, year=year),
        "deficits": monitoring_deficits(user=user, year=year),
        "mentoring": monitoring_mentoring(user=user),
        "communities": monitoring_communities(user=user, year=year),
        "totals": {
            "teachers": teachers,
            "trained_year": sum(r["trained_year"] for r in by_school),
            "trained_3y": trained_3y,
            "share_3y": _percent(trained_3y, teachers),
        },
    }


def monitoring_sheets(data: dict) -> list:
    return [
        Sheet(
            _("Trained per school"),
            [
                Column(_("School"), width=30),
                Column(_("Teachers"), "int", 10),
                Column(_("Trained this year"), "int", 12),
                Column(_("Completed a course in 3 years"), "int", 14),
                Column(_("Share, %"), "percent", 10),
            ],
            [
                [r["name"], r["teachers"], r["trained_year"], r["trained_3y"], r["share_3y"]]
                for r in data["by_school"]
            ],
        ),
        Sheet(
            _("Trained per course"),
            [
                Column(_("Course"), width=40),
                Column(_("Academic hours"), "int", 10),
                Column(_("Teachers enrolled"), "int", 12),
                Column(_("Teachers completed"), "int", 12),
            ],
            [
                [r["cohort__course__title"], r["cohort__course__hours"], r["enrolled"], r["completed"]]
                for r in data["by_course"]
            ],
        ),
        Sheet(
            _("Deficits"),
            [
                Column(_("Competency"), width=40),
                Column(_("Teachers with a deficit"), "int", 14),
                Column(_("Addressed by a completed course"), "int", 14),
            ],
            [
                [f"{r['competency__code']} {r['competency__name']}", r["found"], r["fixed"]]
                for r in data["deficits"]
            ],
        ),
        Sheet(
            _("Young teachers"),
            [
                Column(_("School"), width=30),
                Column(_("Young teachers"), "int", 12),
                Column(_("With a mentor"), "int", 12),
                Column(_("Without a mentor"), "int", 12),
            ],
            [
                [r["name"], r["young_total"], r["young_mentored"], r["young_unmentored"]]
                for r in data["mentoring"]
            ],
        ),
        Sheet(
            _("Communities"),
            [
                Column(_("School"), width=30),
                Column(_("Community members"), "int", 12),
                Column(_("Topics"), "int", 10),
                Column(_("Posts"), "int", 10),
                Column(_("Event registrations"), "int", 12),
            ],
            [
                [r["name"], r["members"], r["topics"], r["posts"], r["registrations"]]
                for r in data["communities"]
            ],
        ),
    ]


def export_job_for(*, user, job_id) -> ExportJob:
    """Only the one who asked for an export sees it (ExportJob.DoesNotExist → 404 otherwise)."""
    return ExportJob.objects.filter(requested_by=user).get(pk=job_id)
