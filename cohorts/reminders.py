"""Reminder rules run by notifications' reminder_sweep (beat entries in settings): each reminder goes out once.

- deadline_soon: an assignment is due within 3 days, then within 1 day, and the teacher has not submitted.
- curator_escalation: a question has waited longer than the cohort's response target, or a work has
  waited for review as long: the cohort's curators are told.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from notifications.reminders import Reminder, reminder_rule

from .models import Cohort, Enrollment, Question, Submission

ACTIVE = (Cohort.Status.OPEN, Cohort.Status.RUNNING)


@reminder_rule(kind="deadline_reminder")
def deadline_soon(now):
    from courses.models import Assignment

    today = timezone.localdate(now)
    cohorts = Cohort.objects.filter(status__in=ACTIVE, starts_on__lte=today, ends_on__gte=today).only("pk", "course_id", "starts_on")
    for cohort in cohorts.iterator(chunk_size=200):
        for assignment in Assignment.objects.filter(module__course_id=cohort.course_id, due_days__isnull=False):
            due = cohort.starts_on + timedelta(days=assignment.due_days)
            days_left = (due - today).days
            if not 0 <= days_left <= 3:
                continue
            step = f"c{cohort.pk}-{'1d' if days_left <= 1 else '3d'}"
            submitted = Submission.objects.filter(enrollment=OuterRef("pk"), assignment=assignment)
            learners = (
                Enrollment.objects.filter(cohort=cohort, state=Enrollment.State.ENROLLED)
                .exclude(Exists(submitted))
                .select_related("teacher")
            )
            for enrollment in learners.iterator(chunk_size=500):
                yield Reminder(
                    recipient=enrollment.teacher,
                    obj=assignment,
                    step=step,
                    title=format_lazy(_("Due {date}: {title}"), date=due.strftime("%d.%m"), title=assignment.title),
                    url=reverse("cohorts:assignment", args=[enrollment.pk, assignment.pk]),
                )


@reminder_rule(kind="curator_escalation")
def curator_escalation(now):
    cohorts = Cohort.objects.filter(status__in=ACTIVE).prefetch_related("curators")
    for cohort in cohorts.iterator(chunk_size=200):
        late = now - timedelta(hours=cohort.response_target_hours)
        curators = list(cohort.curators.all())
        if not curators:
            continue
        for question in Question.objects.filter(cohort=cohort, answered_at__isnull=True, created_at__lte=late)[:200]:
            for curator in curators:
                yield Reminder(
                    recipient=curator,
                    obj=question,
                    step="late",
                    title=format_lazy(_("A question in “{cohort}” waits for an answer"), cohort=cohort.title),
                    body=question.text[:300],
                    url=reverse("cohorts:question_answer", args=[question.pk]),
                )
        waiting = Submission.objects.filter(
            enrollment__cohort=cohort, state=Submission.State.SUBMITTED, submitted_at__lte=late
        ).select_related("assignment")[:200]
        for submission in waiting:
            for curator in curators:
                yield Reminder(
                    recipient=curator,
                    obj=submission,
                    step=f"late-v{submission.version_count}",
                    title=format_lazy(_("A work in “{cohort}” waits for review: {title}"), cohort=cohort.title, title=submission.assignment.title),
                    url=reverse("cohorts:review", args=[submission.pk]),
                )
