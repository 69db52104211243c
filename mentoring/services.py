"""Every write in mentoring: pairs and their workspace, development plans.

Each function is keyword-only, transactional and raises MentoringError (a ValidationError with a
message the page shows as is) when a rule is broken; in that case nothing is written.

One file: the app's write side; pairs, their workspace (goals, meetings, messages, feedback) and plans
share the membership, capacity and notification helpers at the top and one MentoringError.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import user_has_role
from core import markup
from courses.models import Competency, Course
from notifications import services as notifications

from .models import (
    DEFAULT_MENTOR_CAPACITY,
    LIKERT_ITEMS,
    MENTOR_HELP_MAX_LENGTH,
    MENTOR_MIN_EXPERIENCE,
    OPEN_STATES,
    DevelopmentPlan,
    Feedback,
    GoalState,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MentoringPair,
    MentorProfile,
    Message,
    PairGoal,
    PairState,
    PlanGoal,
    PlanState,
    PresentationKind,
)
from .selectors import cohorts_for_plan, pairs_due_feedback

logger = logging.getLogger(__name__)

KIND_PAIR = "mentoring"  # registered by notifications.kinds
KIND_FEEDBACK = "mentoring_feedback"  # registered in MentoringConfig.ready()

MESSAGE_MAX_LENGTH = 5000


class MentoringError(ValidationError):
    """A mentoring rule was broken; the message is shown to the user as is."""


# --- who may do what --------------------------------------------------------------------------


def _is_member(user, pair: MentoringPair) -> bool:
    return user.pk in (pair.mentor_id, pair.mentee_id)


def user_manages_school_of(user, teacher: User) -> bool:
    """The school administrator of the teacher's school (or a superuser) sets up and ends pairs."""
    if user.is_superuser:
        return True
    return (
        user_has_role(user, Role.SCHOOL_ADMIN)
        and user.school_id is not None
        and user.school_id == teacher.school_id
    )


def _require_member(user, pair: MentoringPair) -> None:
    if not _is_member(user, pair):
        raise MentoringError(_("Only the mentor and the mentee can change this pair's workspace."))


def _require_active(pair: MentoringPair) -> None:
    if pair.state != PairState.ACTIVE:
        raise MentoringError(_("The pair is not active."))


def mentor_capacity(mentor: User) -> int:
    profile = MentorProfile.objects.filter(user=mentor).only("capacity").first()
    return profile.capacity if profile else DEFAULT_MENTOR_CAPACITY


# --- pairs ------------------------------------------------------------------------------------


def _lock_mentor_and_check_capacity(*, mentor: User, exclude_pair_id: int | None = None) -> None:
    """Lock the mentor's row so two proposals for one mentor run one after the other, then count."""
    User.objects.select_for_update().only("pk").get(pk=mentor.pk)
    open_pairs = MentoringPair.objects.filter(mentor=mentor, state__in=OPEN_STATES)
    if exclude_pair_id is not None:
        open_pairs = open_pairs.exclude(pk=exclude_pair_id)
    if open_pairs.count() >= mentor_capacity(mentor):
        raise MentoringError(
            _("%(mentor)s already has as many mentees as their capacity allows.") % {"mentor": mentor}
        )


@transaction.atomic
def pair_create(
    *,
    actor: User,
    mentor: User,
    mentee: User,
    focus_competencies: list[Competency] | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    feedback_every_weeks: int = 4,
) -> MentoringPair:
    """Propose a pair. Rules: not with oneself; mentor and mentee in one municipality; the actor
    administers the mentee's school; no second open pair of the same two people; the mentor's
    capacity (open pairs, counted under a lock on the mentor's row) is never exceeded."""
    if mentor.pk == mentee.pk:
        raise MentoringError(_("A teacher cannot be their own mentor."))
    if not user_manages_school_of(actor, mentee):
        raise MentoringError(_("Only the school administrator of the mentee's school can set up this pair."))
    if mentor.municipality_id is None or mentor.municipality_id != mentee.municipality_id:
        raise MentoringError(_("The mentor and the mentee must work in the same municipality."))
    if not mentor.is_active or not user_has_role(mentor, Role.TEACHER):
        raise MentoringError(_("The mentor must be an active teacher."))
    if (mentor.years_of_experience or 0) < MENTOR_MIN_EXPERIENCE:
        raise MentoringError(
            _("A mentor needs at least %(years)s years of teaching experience.")
            % {"years": MENTOR_MIN_EXPERIENCE}
        )
    if start_date and end_date and end_date < start_date:
        raise MentoringError(_("The end date cannot be before the start date."))
    if MentorProfile.objects.filter(user=mentor, willing=False).exists():
        raise MentoringError(_("%(mentor)s is not willing to mentor at the moment.") % {"mentor": mentor})
    if not 1 <= int(feedback_every_weeks) <= 26:
        raise MentoringError(_("Feedback can be asked every 1 to 26 weeks."))
    _lock_mentor_and_check_capacity(mentor=mentor)
    if MentoringPair.objects.filter(mentor=mentor, mentee=mentee, state__in=OPEN_STATES).exists():
        raise MentoringError(_("This pair already exists."))
    try:
        with transaction.atomic():
            pair = MentoringPair.objects.create(
                mentor=mentor,
                mentee=mentee,
                start_date=start_date,
                end_date=end_date,
                feedback_every_weeks=feedback_every_weeks,
                created_by=actor,
            )
    except IntegrityError as exc:  # the partial unique index caught a concurrent duplicate
        raise MentoringError(_("This pair already exists.")) from exc
    if focus_competencies:
        pair.focus_competencies.set(focus_competencies)
    _notify(
        [mentor, mentee],
        kind=KIND_PAIR,
        title=gettext_lazy("You are invited to a mentoring pair"),
        body=format_lazy(
            gettext_lazy("{mentor} (mentor) and {mentee} (mentee): please open the pair and accept it."),
            mentor=mentor,
            mentee=mentee,
        ),
        url=pair.get_absolute_url(),
        dedupe_key=f"mentoring-pair-{pair.pk}-proposed",
    )
    return pair


@transaction.atomic
def pair_accept(*, actor: User, pair: MentoringPair) -> MentoringPair:
    """The mentor and the mentee each accept; with both acceptances the pair becomes active."""
    pair = MentoringPair.objects.select_for_update().get(pk=pair.pk)
    if pair.state != PairState.PROPOSED:
        raise MentoringError(_("Only a proposed pair can be accepted."))
    _require_member(actor, pair)
    now = timezone.now()
    if actor.pk == pair.mentor_id and pair.mentor_accepted_at is None:
        pair.mentor_accepted_at = now
    elif actor.pk == pair.mentee_id and pair.mentee_accepted_at is None:
        pair.mentee_accepted_at = now
    else:
        raise MentoringError(_("You have already accepted this pair."))
    if pair.mentor_accepted_at and pair.mentee_accepted_at:
        _lock_mentor_and_check_capacity(mentor=pair.mentor, exclude_pair_id=pair.pk)
        pair.state = PairState.ACTIVE
        if pair.start_date is None:
            pair.start_date = timezone.localdate()
    pair.save()
    return pair


@transaction.atomic
def pair_stop(*, actor: User, pair: MentoringPair, reason: str) -> MentoringPair:
    """Declining a proposal or ending an active pair early needs a reason; members or the school admin."""
    pair = MentoringPair.objects.select_for_update().select_related("mentee").get(pk=pair.pk)
    if not (_is_member(actor, pair) or user_manages_school_of(actor, pair.mentee)):
        raise MentoringError(_("You cannot stop this pair."))
    if pair.state not in OPEN_STATES:
        raise MentoringError(_("This pair has already ended."))
    reason = (reason or "").strip()
    if not reason:
        raise MentoringError(_("Please give a reason for stopping the pair."))
    pair.state = PairState.STOPPED
    pair.stop_reason = reason[:2000]
    pair.ended_at = timezone.now()
    pair.save(update_fields=["state", "stop_reason", "ended_at"])
    return pair


@transaction.atomic
def pair_complete(*, actor: User, pair: MentoringPair) -> MentoringPair:
    """An active pair is completed by its mentor or the school administrator."""
    pair = MentoringPair.objects.select_for_update().select_related("mentee").get(pk=pair.pk)
    if not (actor.pk == pair.mentor_id or user_manages_school_of(actor, pair.mentee)):
        raise MentoringError(_("Only the mentor or the school administrator can complete the pair."))
    _require_active(pair)
    pair.state = PairState.COMPLETED
    pair.ended_at = timezone.now()
    if pair.end_date is None or pair.end_date < (pair.start_date or pair.end_date):
        pair.end_date = timezone.localdate()
    pair.save(update_fields=["state", "ended_at", "end_date"])
    return pair


@transaction.atomic
def pair_set_focus(*, actor: User, pair: MentoringPair, competency_ids: list) -> MentoringPair:
    """The pair itself or the mentee's school administrator chooses the focus competencies of an open pair."""
    if not (_is_member(actor, pair) or user_manages_school_of(actor, pair.mentee)):
        raise MentoringError(_("You cannot change this pair."))
    if pair.state not in OPEN_STATES:
        raise MentoringError(_("This pair has already ended."))
    try:
        ids = {int(i) for i in competency_ids}
    except (TypeError, ValueError) as exc:
        raise MentoringError(_("Unknown competency.")) from exc
    competencies = list(Competency.objects.filter(pk__in=ids))
    if len(competencies) != len(ids):
        raise MentoringError(_("Unknown competency."))
    pair.focus_competencies.set(competencies)
    return pair


def mentor_set_capacity(*, actor: User, mentor: User, capacity: int) -> MentorProfile:
    if not user_manages_school_of(actor, mentor):
        raise MentoringError(_("Only the school administrator can change a mentor's capacity."))
    if not 0 <= int(capacity) <= 10:
        raise MentoringError(_("Capacity must be between 0 and 10."))
    profile, _created = MentorProfile.objects.update_or_create(user=mentor, defaults={"capacity": capacity})
    return profile


@transaction.atomic
def mentor_profile_save(
    *,
    actor: User,
    willing: bool,
    capacity: int,
    subjects: list | None = None,
    levels: list | None = None,
    can_help_with: str = "",
) -> MentorProfile:
    """A teacher opts in (or out) as a mentor: their own profile only, and only an experienced teacher.
    Lowering the capacity or opting out does not end open pairs: the mentor is just not suggested."""
    if not user_has_role(actor, Role.TEACHER):
        raise MentoringError(_("Only a teacher has a mentor profile."))
    if willing and (actor.years_of_experience or 0) < MENTOR_MIN_EXPERIENCE:
        raise MentoringError(
            _("A mentor needs at least %(years)s years of teaching experience.")
            % {"years": MENTOR_MIN_EXPERIENCE}
        )
    if not 0 <= int(capacity) <= 10:
        raise MentoringError(_("Capacity must be between 0 and 10."))
    can_help_with = (can_help_with or "").strip()
    if len(can_help_with) > MENTOR_HELP_MAX_LENGTH:
        raise MentoringError(
            _('Please keep "what I can help with" under %(n)s characters.') % {"n": MENTOR_HELP_MAX_LENGTH}
        )
    profile, _created = MentorProfile.objects.update_or_create(
        user=actor, defaults={"willing": willing, "capacity": capacity, "can_help_with": can_help_with}
    )
    profile.subjects.set(subjects or [])
    profile.levels.set(levels or [])
    return profile


# --- workspace ----------------------------------------------------------------------------------


def _competency(competency_id) -> Competency:
    try:
        return Competency.objects.get(pk=int(competency_id))
    except (Competency.DoesNotExist, TypeError, ValueError) as exc:
        raise MentoringError(_("Unknown competency.")) from exc


@transaction.atomic
def pair_goal_create(
    *, actor: User, pair: MentoringPair, competency_id, title: str, due_date: dt.date
) -> PairGoal:
    """A goal of the mentoring plan is set by the pair itself and always names a known competency."""
    _require_member(actor, pair)
    _require_active(pair)
    competency = _competency(competency_id)
    title = (title or "").strip()
    if not title:
        raise MentoringError(_("Please describe the goal."))
    if due_date is None:
        raise MentoringError(_("Please set a due date."))
    return PairGoal.objects.create(pair=pair, competency=competency, title=title[:255], due_date=due_date)


def _set_goal_state(goal, state: str) -> None:
    if state not in GoalState.values:
        raise MentoringError(_("Unknown goal state."))
    goal.state = state
    goal.completed_at = timezone.now() if state == GoalState.DONE else None
    goal.save(update_fields=["state", "completed_at"])


@transaction.atomic
def pair_goal_set_state(*, actor: User, goal: PairGoal, state: str) -> PairGoal:
    goal = PairGoal.objects.select_for_update().select_related("pair").get(pk=goal.pk)
    _require_member(actor, goal.pair)
    _require_active(goal.pair)
    _set_goal_state(goal, state)
    return goal


@transaction.atomic
def meeting_log(
    *,
    actor: User,
    pair: MentoringPair,
    date: dt.date,
    kind: str,
    status: str = MeetingStatus.HELD,
    notes: str = "",
    next_steps: str = "",
) -> Meeting:
    """A held meeting cannot be dated in the future (a planned one can)."""
    _require_member(actor, pair)
    _require_active(pair)
    if kind not in MeetingKind.values:
        raise MentoringError(_("Unknown kind of meeting."))
    if status not in MeetingStatus.values:
        raise MentoringError(_("Unknown meeting status."))
    if date is None:
        raise MentoringError(_("Please set the meeting date."))
    if status == MeetingStatus.HELD and date > timezone.localdate():
        raise MentoringError(_("A meeting dated in the future cannot be marked as held."))
    return Meeting.objects.create(
        pair=pair,
        date=date,
        kind=kind,
        status=status,
        notes=notes.strip(),
        next_steps=next_steps.strip(),
        logged_by=actor,
    )


def render_message(body: str) -> str:
    """Markdown → sanitized HTML through the site's one renderer (a newline is a line break here)."""
    return markup.render(body, profile="message")


@transaction.atomic
def message_send(*, actor: User, pair: MentoringPair, body: str) -> Message:
    """Only the two people of the pair write to each other; administrators read, never write."""
    _require_member(actor, pair)
    if pair.state == PairState.STOPPED:
        raise MentoringError(_("The pair has been stopped."))
    body = (body or "").strip()
    if not body:
        raise MentoringError(_("The message is empty."))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise MentoringError(
            _("The message is too long (at most %(n)s characters).") % {"n": MESSAGE_MAX_LENGTH}
        )
    message = Message.objects.create(pair=pair, author=actor, body=body, body_html=render_message(body))
    other = pair.mentee if actor.pk == pair.mentor_id else pair.mentor
    _notify(
        [other],
        kind=KIND_PAIR,
        title=format_lazy(gettext_lazy("New message from {author}"), author=actor),
        body=body[:200],
        url=pair.get_absolute_url() + "#messages",
    )
    return message


def feedback_period(pair: MentoringPair, on: dt.date | None = None) -> int | None:
    """Which feedback period is due on a date: 1 after the first N weeks, 2 after 2N weeks... None before."""
    if pair.state != PairState.ACTIVE or pair.start_date is None:
        return None
    on = on or timezone.localdate()
    weeks = (on - pair.start_date).days // 7
    period = weeks // pair.feedback_every_weeks
    return period if period >= 1 else None


@transaction.atomic
def feedback_submit(
    *, actor: User, pair: MentoringPair, answers: Mapping[str, Any], comment: str = ""
) -> Feedback:
    """The mentee rates the mentoring (Likert 1-5) once per period."""
    if actor.pk != pair.mentee_id:
        raise MentoringError(_("Only the mentee gives feedback on the mentoring."))
    period = feedback_period(pair)
    if period is None:
        raise MentoringError(_("Feedback is not due yet."))
    values = {}
    for name, _label in LIKERT_ITEMS:
        try:
            value = int(answers.get(name, ""))
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise MentoringError(_("Please rate every statement from 1 to 5."))
        values[name] = value
    if Feedback.objects.filter(pair=pair, period=period).exists():
        raise MentoringError(_("You have already given feedback for this period."))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                pair=pair, period=period, comment=(comment or "").strip(), **values
            )
    except IntegrityError as exc:
        raise MentoringError(_("You have already given feedback for this period.")) from exc


@transaction.atomic
def feedback_set_shared(*, actor: User, feedback: Feedback, shared: bool) -> Feedback:
    """A feedback entry is private to the pair; only the mentee who wrote it may share it with the school."""
    feedback = Feedback.objects.select_for_update().select_related("pair").get(pk=feedback.pk)
    if actor.pk != feedback.pair.mentee_id:
        raise MentoringError(_("Only the mentee can share their feedback with the school."))
    feedback.shared_with_school = bool(shared)
    feedback.save(update_fields=["shared_with_school"])
    return feedback


def feedback_remind_due(*, today: dt.date | None = None, pair_ids: list[int] | None = None) -> int:
    """Remind each mentee whose feedback for the current period is missing; once per pair and period
    (the notifications module keeps the once-only record, so running twice sends nothing new)."""

    sent = 0
    for pair in pairs_due_feedback(today=today, pair_ids=pair_ids):
        period = feedback_period(pair, today)
        if _notify(
            [pair.mentee],
            kind=KIND_FEEDBACK,
            title=gettext_lazy("How is your mentoring going?"),
            body=format_lazy(
                gettext_lazy("Please rate your mentoring with {mentor}: it takes two minutes."),
                mentor=pair.mentor,
            ),
            url=pair.get_absolute_url() + "#feedback",
            obj=pair,
            step=f"feedback-{period}",
        ):
            sent += 1
    return sent


def _notify(
    users,
    *,
    kind: str,
    title,
    body,
    url: str,
    dedupe_key: str | None = None,
    obj=None,
    step: str | None = None,
) -> bool:
    """Through the platform's notifications module: a reminder step (obj + step) goes out once in the
    life of the platform; titles are lazy so each person reads them in their own language."""
    sent_any = False
    for user in users:
        if obj is not None and step is not None:
            sent = notifications.reminder_send_once(
                recipient=user, kind=kind, obj=obj, step=step, title=title, body=body, url=url
            )
        else:
            sent = bool(
                notifications.notification_send(
                    recipient=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
                )
            )
        sent_any = sent_any or bool(sent)
    return sent_any


# --- individual development plans -------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: User,
    topic: str,
    period_start: dt.date,
    period_end: dt.date,
    presentation_kind: str,
    presentation_details: str = "",
    competency_id=None,
    from_deficit_profile: bool = False,
) -> DevelopmentPlan:
    """Any teacher writes their own plan; one active plan at a time."""
    topic = (topic or "").strip()
    if not topic:
        raise MentoringError(_("Please name the topic of your plan."))
    if period_start is None or period_end is None or period_end <= period_start:
        raise MentoringError(_("The period must end after it starts."))
    if (period_end - period_start).days > 5 * 366:
        raise MentoringError(_("A plan covers at most five years."))
    if presentation_kind not in PresentationKind.values:
        raise MentoringError(_("Unknown way of presenting the results."))
    competency = _competency(competency_id) if competency_id not in (None, "") else None
    if DevelopmentPlan.objects.filter(teacher=actor, state=PlanState.ACTIVE).exists():
        raise MentoringError(_("You already have an active development plan."))
    try:
        with transaction.atomic():
            return DevelopmentPlan.objects.create(
                teacher=actor,
                topic=topic[:255],
                competency=competency,
                from_deficit_profile=bool(from_deficit_profile and competency),
                period_start=period_start,
                period_end=period_end,
                presentation_kind=presentation_kind,
                presentation_details=(presentation_details or "").strip()[:255],
            )
    except IntegrityError as exc:
        raise MentoringError(_("You already have an active development plan.")) from exc


@transaction.atomic
def plan_set_state(*, actor: User, plan: DevelopmentPlan, state: str) -> DevelopmentPlan:
    if plan.teacher_id != actor.pk:
        raise MentoringError(_("Only the plan's owner can change it."))
    if state not in PlanState.values:
        raise MentoringError(_("Unknown plan state."))
    if (
        state == PlanState.ACTIVE
        and DevelopmentPlan.objects.filter(Q(teacher=actor, state=PlanState.ACTIVE) & ~Q(pk=plan.pk)).exists()
    ):
        raise MentoringError(_("You already have an active development plan."))
    plan.state = state
    plan.save(update_fields=["state"])
    return plan


@transaction.atomic
def plan_goal_create(
    *,
    actor: User,
    plan: DevelopmentPlan,
    title: str,
    due_date: dt.date,
    course_id=None,
    cohort_id=None,
    event_link: str = "",
) -> PlanGoal:
    """A plan goal may name a published course, a cohort the teacher is in (or may join), and a
    community event by name or address (mentoring does not depend on communities)."""
    if plan.teacher_id != actor.pk:
        raise MentoringError(_("Only the plan's owner can change it."))
    title = (title or "").strip()
    if not title:
        raise MentoringError(_("Please describe the goal."))
    if due_date is None:
        raise MentoringError(_("Please set a due date."))
    course = None
    if course_id not in (None, ""):
        try:
            course = Course.objects.get(pk=int(course_id), status=Course.Status.PUBLISHED)
        except (Course.DoesNotExist, TypeError, ValueError) as exc:
            raise MentoringError(_("Unknown course.")) from exc
    cohort = None
    if cohort_id not in (None, ""):
        try:
            cohort = cohorts_for_plan(actor).get(pk=int(cohort_id))
        except (ObjectDoesNotExist, TypeError, ValueError) as exc:
            raise MentoringError(_("Unknown cohort.")) from exc
        if course is None:
            course = cohort.course
    return PlanGoal.objects.create(
        plan=plan,
        title=title[:255],
        due_date=due_date,
        course=course,
        cohort=cohort,
        event_link=(event_link or "").strip()[:500],
    )


@transaction.atomic
def plan_goal_set_state(*, actor: User, goal: PlanGoal, state: str) -> PlanGoal:
    goal = PlanGoal.objects.select_for_update().select_related("plan").get(pk=goal.pk)
    if goal.plan.teacher_id != actor.pk:
        raise MentoringError(_("Only the plan's owner can change it."))
    _set_goal_state(goal, state)
    return goal
