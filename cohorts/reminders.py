"""Reminder rules run by notifications' reminder_sweep (beat entries in settings): each reminder goes out once.

- deadline_soon: an assignment is due within 3 days, then within 1 day, and the teacher has not submitted.
- curator_escalation: a question has waited longer than the cohort's response target, or a work has
  waited for review as long: the cohort's curators are told.
- methodologist_escalation: waiting longer than twice the target: the course's methodologists (authors) too.
- announcement_unconfirmed: 48 h after an announcement, teachers who have not confirmed reading it.
- announcement_unconfirmed_school_admins: after 96 h, each school's administrators get who has not confirmed.
"""

from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from courses.models import Assignment, Course
from notifications.reminders import Reminder, reminder_rule

from .models import Announcement, AnnouncementRead, Cohort, Enrollment, Question, Submission

ACTIVE = (Cohort.Status.OPEN, Cohort.Status.RUNNING)


def _chunks(iterable, size: int = 500):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@reminder_rule(kind="deadline_reminder")
def deadline_soon(now):
    """Constant queries whatever the size: the running cohorts, their dated assignments, the learners
    (one cursor), and per 500 learners their submissions."""

    today = timezone.localdate(now)
    cohorts = list(
        Cohort.objects.filter(status__in=ACTIVE, starts_on__lte=today, ends_on__gte=today).only(
            "pk", "course_id", "starts_on"
        )
    )
    if not cohorts:
        return
    by_course: dict[int, list] = {}
    dated = Assignment.objects.filter(
        module__course_id__in={c.course_id for c in cohorts}, due_days__isnull=False
    )
    for assignment in dated.select_related("module").order_by("pk"):
        by_course.setdefault(assignment.module.course_id, []).append(assignment)
    due: dict[int, list] = {}
    for cohort in cohorts:
        for assignment in by_course.get(cohort.course_id, []):
            day = cohort.starts_on + timedelta(days=assignment.due_days)
            days_left = (day - today).days
            if 0 <= days_left <= 3:
                due.setdefault(cohort.pk, []).append(
                    (assignment, day, f"c{cohort.pk}-{'1d' if days_left <= 1 else '3d'}")
                )
    if not due:
        return
    assignment_ids = {assignment.pk for items in due.values() for assignment, _day, _step in items}
    learners = (
        Enrollment.objects.filter(cohort_id__in=list(due), state=Enrollment.State.ENROLLED)
        .select_related("teacher")
        .order_by("pk")
    )
    for chunk in _chunks(learners.iterator(chunk_size=500)):
        submitted = set(
            Submission.objects.filter(
                enrollment_id__in=[e.pk for e in chunk], assignment_id__in=assignment_ids
            ).values_list("enrollment_id", "assignment_id")
        )
        for enrollment in chunk:
            for assignment, day, step in due[enrollment.cohort_id]:
                if (enrollment.pk, assignment.pk) in submitted:
                    continue
                yield Reminder(
                    recipient=enrollment.teacher,
                    obj=assignment,
                    step=step,
                    title=format_lazy(
                        _("Due {date}: {title}"), date=day.strftime("%d.%m"), title=assignment.title
                    ),
                    url=reverse("cohorts:assignment", args=[enrollment.pk, assignment.pk]),
                )


@reminder_rule(kind="curator_escalation")
def curator_escalation(now):
    """Waiting longer than the cohort's response target: its curators are told. Four queries, any size."""
    targets = set(
        Cohort.objects.filter(status__in=ACTIVE).values_list("response_target_hours", flat=True).distinct()
    )
    if not targets:
        return
    floor = now - timedelta(days=30)
    questions = list(
        Question.objects.filter(
            _older_than_target("created_at", "cohort__response_target_hours", targets, now, 1),
            answered_at__isnull=True,
            cohort__status__in=ACTIVE,
            created_at__gte=floor,
        )
        .select_related("cohort")
        .order_by("pk")[:2000]
    )
    submissions = list(
        Submission.objects.filter(
            _older_than_target("submitted_at", "enrollment__cohort__response_target_hours", targets, now, 1),
            state=Submission.State.SUBMITTED,
            enrollment__cohort__status__in=ACTIVE,
            submitted_at__gte=floor,
        )
        .select_related("assignment", "enrollment__cohort")
        .order_by("pk")[:2000]
    )
    cohort_ids = {q.cohort_id for q in questions} | {s.enrollment.cohort_id for s in submissions}
    curators: dict[int, list] = {}
    for row in Cohort.curators.through.objects.filter(
        cohort_id__in=cohort_ids, user__is_active=True
    ).select_related("user"):
        curators.setdefault(row.cohort_id, []).append(row.user)
    for question in questions:
        for curator in curators.get(question.cohort_id, []):
            yield Reminder(
                recipient=curator,
                obj=question,
                step="late",
                title=format_lazy(
                    _("A question in “{cohort}” waits for an answer"), cohort=question.cohort.title
                ),
                body=question.text[:300],
                url=reverse("cohorts:question_answer", args=[question.pk]),
            )
    for submission in submissions:
        cohort = submission.enrollment.cohort
        for curator in curators.get(cohort.pk, []):
            yield Reminder(
                recipient=curator,
                obj=submission,
                step=f"late-v{submission.version_count}",
                title=format_lazy(
                    _("A work in “{cohort}” waits for review: {title}"),
                    cohort=cohort.title,
                    title=submission.assignment.title,
                ),
                url=reverse("cohorts:review", args=[submission.pk]),
            )


# --- escalation to methodologists, unconfirmed announcements (constant queries, whatever the data size) ---


def _older_than_target(field: str, target: str, targets, now, times: int) -> Q:
    """`field` is older than `times` × its cohort's response target `target` (one OR term per distinct target)."""
    condition = Q(pk__in=[])
    for hours in targets:
        condition |= Q(**{target: hours, f"{field}__lte": now - timedelta(hours=hours * times)})
    return condition


@reminder_rule(kind="curator_escalation")
def methodologist_escalation(now):
    """Waiting longer than twice the cohort's response target: the course's methodologists (authors) are told."""

    targets = set(
        Cohort.objects.filter(status__in=ACTIVE).values_list("response_target_hours", flat=True).distinct()
    )
    if not targets:
        return
    floor = now - timedelta(days=30)  # older than a month: long escalated already, not re-sent to new authors
    questions = list(
        Question.objects.filter(
            _older_than_target("created_at", "cohort__response_target_hours", targets, now, 2),
            answered_at__isnull=True,
            cohort__status__in=ACTIVE,
            created_at__gte=floor,
        )
        .select_related("cohort")
        .order_by("pk")[:1000]
    )
    submissions = list(
        Submission.objects.filter(
            _older_than_target("submitted_at", "enrollment__cohort__response_target_hours", targets, now, 2),
            state=Submission.State.SUBMITTED,
            enrollment__cohort__status__in=ACTIVE,
            submitted_at__gte=floor,
        )
        .select_related("assignment", "enrollment__cohort")
        .order_by("pk")[:1000]
    )
    course_ids = {q.cohort.course_id for q in questions} | {
        s.enrollment.cohort.course_id for s in submissions
    }
    authors: dict[int, list] = {}
    for row in Course.authors.through.objects.filter(
        course_id__in=course_ids, user__is_active=True
    ).select_related("user"):
        authors.setdefault(row.course_id, []).append(row.user)
    for question in questions:
        for author in authors.get(question.cohort.course_id, []):
            yield Reminder(
                recipient=author,
                obj=question,
                step="late-2x",
                title=format_lazy(
                    _("A question in “{cohort}” has waited twice the response target"),
                    cohort=question.cohort.title,
                ),
                body=question.text[:300],
                url=reverse("cohorts:question_answer", args=[question.pk]),
            )
    for submission in submissions:
        cohort = submission.enrollment.cohort
        for author in authors.get(cohort.course_id, []):
            yield Reminder(
                recipient=author,
                obj=submission,
                step=f"late-2x-v{submission.version_count}",
                title=format_lazy(
                    _("A work in “{cohort}” has waited twice the response target: {title}"),
                    cohort=cohort.title,
                    title=submission.assignment.title,
                ),
                url=reverse("cohorts:review", args=[submission.pk]),
            )


def _unconfirmed(now, hours: int):
    """(enrollment with teacher, announcement id) pairs: published more than `hours` ago (within two weeks), not confirmed."""
    read = AnnouncementRead.objects.filter(
        announcement=OuterRef("announcement_id"), enrollment=OuterRef("pk")
    )
    return (
        Enrollment.objects.filter(
            state=Enrollment.State.ENROLLED,
            cohort__announcements__created_at__lte=now - timedelta(hours=hours),
            cohort__announcements__created_at__gte=now - timedelta(days=14),
        )
        .annotate(announcement_id=F("cohort__announcements__id"))
        .exclude(Exists(read))
        .select_related("teacher")
        .order_by("announcement_id", "pk")
    )


def _announcements(ids) -> dict:
    return {a.pk: a for a in Announcement.objects.filter(pk__in=set(ids)).select_related("cohort")}


@reminder_rule(kind="announcement_reminder")
def announcement_unconfirmed(now):
    """48 hours after an announcement, each teacher who has not confirmed reading it is reminded once."""
    pairs = list(_unconfirmed(now, 48).iterator(chunk_size=500))
    announcements = _announcements(p.announcement_id for p in pairs)
    for enrollment in pairs:
        announcement = announcements[enrollment.announcement_id]
        yield Reminder(
            recipient=enrollment.teacher,
            obj=announcement,
            step="48h",
            title=format_lazy(_("Please confirm you have read: {title}"), title=announcement.title),
            url=reverse("cohorts:player", args=[enrollment.pk]),
        )


@reminder_rule(kind="announcement_unconfirmed")
def announcement_unconfirmed_school_admins(now):
    """96 hours after an announcement, each school's administrators learn which of their teachers have not confirmed."""

    by_school: dict[tuple[int, int], list[str]] = {}
    for enrollment in _unconfirmed(now, 96).filter(teacher__school__isnull=False).iterator(chunk_size=500):
        key = (enrollment.announcement_id, enrollment.teacher.school_id)
        by_school.setdefault(key, []).append(enrollment.teacher.full_name or enrollment.teacher.email)
    if not by_school:
        return
    announcements = _announcements(a for a, _school in by_school)
    admins: dict[int, list] = {}
    school_ids = {school for _a, school in by_school}
    for admin in User.objects.filter(
        groups__name=Role.SCHOOL_ADMIN, school_id__in=school_ids, is_active=True
    ).distinct():
        admins.setdefault(admin.school_id, []).append(admin)
    for (announcement_id, school_id), names in sorted(by_school.items()):
        announcement = announcements[announcement_id]
        for admin in admins.get(school_id, []):
            yield Reminder(
                recipient=admin,
                obj=announcement,
                step=f"96h-s{school_id}",
                title=format_lazy(
                    _("{count} of your teachers have not confirmed “{title}”"),
                    count=len(names),
                    title=announcement.title,
                ),
                body="\n".join(sorted(names)),
                url="",
            )
