"""Enrollment with consent: enrol, nominate/accept/decline, waitlist offers, withdraw, move, split.

Seats are counted while the cohort row is locked (`select_for_update`), so concurrent requests
can never exceed the capacity. Every change of an enrollment's state writes an EnrollmentEvent.

One file: every seat-changing action runs under the same cohort row lock and seat count (`_lock_cohort`,
`seats_free_for`) and records its change through one `_transition`; together, the capacity invariant is
audited in one module.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from accounts.roles import Role
from accounts.selectors import teachers_visible_to, user_has_role
from cohorts.scopes import learning_changed
from cohorts.selectors import open_cohorts_for_course, seat_holder_q, seats_free
from core.caching import scopes_changed
from core.progress import stalled_cutoff

from ..models import (
    Announcement,
    AnnouncementRead,
    Attendance,
    BulkOperation,
    Certificate,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    LiveSession,
    Nomination,
    Question,
)
from .errors import CohortError
from .notify import lazy_format, notify

logger = logging.getLogger(__name__)

S = Enrollment.State


def _transition(
    enrollment: Enrollment, to_state: str, *, actor=None, reason: str = "", **fields
) -> Enrollment:
    """Change the state, stamp the matching time, and keep the audit record."""
    now = timezone.now()
    from_state = enrollment.state if enrollment.pk else ""
    enrollment.state = to_state
    if to_state != S.WAITLISTED:
        enrollment.offer_expires_at = None
    if to_state == S.ENROLLED:
        enrollment.enrolled_at = now
    elif to_state == S.WAITLISTED and not fields.get("keep_queue_place"):
        enrollment.waitlisted_at = now
    elif to_state == S.WITHDRAWN:
        enrollment.withdrawn_at = now
    elif to_state == S.COMPLETED:
        enrollment.completed_at = now
    if to_state != S.COMPLETED:
        enrollment.completed_at = None
    fields.pop("keep_queue_place", None)
    for name, value in fields.items():
        setattr(enrollment, name, value)
    enrollment.save()
    EnrollmentEvent.objects.create(
        enrollment=enrollment, actor=actor, from_state=from_state, to_state=to_state, reason=reason[:500]
    )
    return enrollment


def _lock_cohort(cohort_id: int) -> Cohort:
    return Cohort.objects.select_for_update().get(pk=cohort_id)


def _seat_holders(cohort: Cohort, now):
    return cohort.enrollments.filter(seat_holder_q(now))


def seats_free_for(cohort: Cohort, teacher, *, now=None, exclude_enrollment_id=None) -> int:
    """Seats this teacher could take now — the very count the pages show (selectors.seats_free)."""
    return seats_free(
        cohorts=[cohort], teacher=teacher, now=now, exclude_enrollment_id=exclude_enrollment_id
    )[cohort.pk]


def _check_eligible(cohort: Cohort, teacher) -> None:
    municipalities = list(cohort.restricted_to_municipalities.values_list("pk", flat=True))
    schools = list(cohort.restricted_to_schools.values_list("pk", flat=True))
    if not municipalities and not schools:
        return
    teacher_municipality = teacher.municipality_id or (
        teacher.school.municipality_id if teacher.school_id else None
    )
    if teacher.school_id in schools or (teacher_municipality and teacher_municipality in municipalities):
        return
    raise CohortError(_("This cohort is only for teachers of certain municipalities or schools."))


def _check_window(cohort: Cohort) -> None:
    now = timezone.now()
    if cohort.status in (Cohort.Status.FINISHED, Cohort.Status.ARCHIVED):
        raise CohortError(_("This cohort is finished; enrollment is closed."))
    if cohort.status == Cohort.Status.DRAFT:
        raise CohortError(_("This cohort is not open for enrollment."))
    if now < cohort.enrollment_opens_at:
        raise CohortError(_("Enrollment has not opened yet."))
    if now > cohort.enrollment_closes_at:
        raise CohortError(_("Enrollment is closed."))


def _place(enrollment: Enrollment, cohort: Cohort, *, actor, reason: str = "") -> Enrollment:
    """Give a seat if one is free for this teacher, else put them on the waitlist (first come, first served)."""
    # Those already waiting come first: free seats they can take are offered to them before.
    seats_offer_freed(cohort=cohort, actor=actor)
    if seats_free_for(cohort, enrollment.teacher, exclude_enrollment_id=enrollment.pk) > 0:
        return _transition(enrollment, S.ENROLLED, actor=actor, reason=reason)
    return _transition(enrollment, S.WAITLISTED, actor=actor, reason=reason or _("No free seat"))


def _player_url(enrollment: Enrollment) -> str:
    return reverse("cohorts:player", args=[enrollment.pk])


@transaction.atomic
def enrollment_enrol(*, cohort: Cohort, teacher, actor=None) -> Enrollment:
    """The teacher's own request: a seat if one is free (never past the capacity), else the waitlist."""
    cohort = _lock_cohort(cohort.pk)
    _check_window(cohort)
    if not cohort.self_enrollment and (actor is None or actor == teacher):
        raise CohortError(_("Teachers do not enrol in this cohort themselves: its curators place them."))
    if not user_has_role(teacher, Role.TEACHER):
        raise CohortError(_("Only teachers can enrol in a cohort."))
    _check_eligible(cohort, teacher)
    enrollment = Enrollment.objects.select_for_update().filter(cohort=cohort, teacher=teacher).first()
    if enrollment is None:
        enrollment = Enrollment(cohort=cohort, teacher=teacher)
    elif enrollment.state == S.NOMINATED:
        return _accept_nomination(enrollment, cohort, actor=actor or teacher)
    elif enrollment.state != S.WITHDRAWN:
        raise CohortError(_("You are already in this cohort."))
    _transition(enrollment, S.APPLIED, actor=actor or teacher, reason=_("Enrolled themself"))
    return _place(enrollment, cohort, actor=actor or teacher)


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, actor, reason: str = "") -> Enrollment:
    """Leaving is the teacher's right until the cohort's withdrawal date; a freed seat goes to the waitlist."""
    cohort = _lock_cohort(enrollment.cohort_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.state not in (S.APPLIED, S.ENROLLED, S.WAITLISTED):
        raise CohortError(_("This enrollment cannot be withdrawn now."))
    if timezone.localdate() > cohort.last_withdrawal_day:
        raise CohortError(_("The last day to withdraw from this cohort has passed."))
    held_seat = enrollment.state == S.ENROLLED or enrollment.offer_expires_at is not None
    _transition(enrollment, S.WITHDRAWN, actor=actor, reason=reason or _("Withdrew"))
    if held_seat:
        seats_offer_freed(cohort=cohort, actor=actor)
    return enrollment


def seats_offer_freed(*, cohort: Cohort, actor=None) -> list[Enrollment]:
    """Offer free seats to the waitlist in order (first come, first served within quotas). Caller holds the lock."""
    now = timezone.now()
    offered: list[Enrollment] = []
    if cohort.status in (Cohort.Status.FINISHED, Cohort.Status.ARCHIVED):
        return offered
    queue = (
        cohort.enrollments.filter(state=S.WAITLISTED, offer_expires_at__isnull=True)
        .select_related("teacher__school")
        .order_by("waitlisted_at", "id")
    )
    for candidate in queue[:200]:
        if cohort.capacity - _seat_holders(cohort, now).count() <= 0:
            break
        if seats_free_for(cohort, candidate.teacher, now=now) <= 0:
            continue
        candidate.offer_expires_at = now + timedelta(hours=cohort.offer_hours)
        candidate.save(update_fields=["offer_expires_at", "updated_at"])
        EnrollmentEvent.objects.create(
            enrollment=candidate,
            actor=actor,
            from_state=S.WAITLISTED,
            to_state=S.WAITLISTED,
            reason=_("A seat is offered until %(time)s")
            % {"time": candidate.offer_expires_at.isoformat(timespec="minutes")},
        )
        notify(
            recipient=candidate.teacher,
            kind="waitlist_offer",
            title=lazy_format(gettext_lazy("A seat is free for you in “%(cohort)s”"), cohort=cohort.title),
            body=lazy_format(
                ngettext_lazy(
                    "Confirm within %(hours)s hour, or the seat goes to the next teacher.",
                    "Confirm within %(hours)s hours, or the seat goes to the next teacher.",
                    "hours",
                ),
                hours=cohort.offer_hours,
            ),
            url=_player_url(candidate),
            dedupe_key=f"cohorts.offer.{candidate.pk}.{candidate.offer_expires_at.timestamp():.0f}",
        )
        offered.append(candidate)
    return offered


@transaction.atomic
def enrollment_accept_offer(*, enrollment: Enrollment, teacher) -> Enrollment:
    cohort = _lock_cohort(enrollment.cohort_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.teacher_id != teacher.pk:
        raise CohortError(_("This offer is not yours."))
    if (
        enrollment.state != S.WAITLISTED
        or not enrollment.offer_expires_at
        or enrollment.offer_expires_at <= timezone.now()
    ):
        raise CohortError(_("There is no open seat offer for you in this cohort."))
    del cohort
    return _transition(enrollment, S.ENROLLED, actor=teacher, reason=_("Accepted the seat offer"))


@transaction.atomic
def enrollment_decline_offer(*, enrollment: Enrollment, teacher) -> Enrollment:
    cohort = _lock_cohort(enrollment.cohort_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if (
        enrollment.teacher_id != teacher.pk
        or enrollment.state != S.WAITLISTED
        or not enrollment.offer_expires_at
    ):
        raise CohortError(_("There is no open seat offer for you in this cohort."))
    _transition(enrollment, S.WITHDRAWN, actor=teacher, reason=_("Declined the seat offer"))
    seats_offer_freed(cohort=cohort, actor=teacher)
    return enrollment


def _notify_offer_expired(enrollment: Enrollment, cohort: Cohort) -> None:
    """The teacher who let an offer lapse has lost the place: say so, with the course's next cohorts."""
    later = [
        c
        for c in open_cohorts_for_course(cohort.course, enrollment.teacher)
        if c.pk != cohort.pk and c.my_state in (None, S.WITHDRAWN)  # type: ignore[attr-defined]  # annotated by open_cohorts_for_course
    ][:3]
    if later:
        listed = lazy(
            lambda: "; ".join(f"{c.title} ({date_format(c.starts_on, 'SHORT_DATE_FORMAT')})" for c in later),
            str,
        )()
        next_text = lazy_format(
            gettext_lazy("Next cohorts of the course open for enrolment: %(cohorts)s."), cohorts=listed
        )
    else:
        next_text = gettext_lazy(
            "No other cohort of this course is open for enrolment now; the course page shows new ones."
        )
    body = lazy_format(
        gettext_lazy("The seat went to the next teacher on the waitlist. %(next)s"), next=next_text
    )
    notify(
        recipient=enrollment.teacher,
        kind="waitlist_offer_expired",
        title=lazy_format(gettext_lazy("Your seat offer in “%(cohort)s” expired"), cohort=cohort.title),
        body=body,
        url=reverse("courses:detail", args=[cohort.course.slug]),
        dedupe_key=f"cohorts.offer_expired.{enrollment.pk}.{enrollment.events.count()}",
    )


def enrollment_expire_offers(*, now=None, batch: int = 500) -> int:
    """Periodic sweep: an offer not taken in time passes to the next teacher; released quotas are offered too."""
    now = now or timezone.now()
    expired = 0
    due = list(
        Enrollment.objects.filter(state=S.WAITLISTED, offer_expires_at__lte=now).values_list(
            "pk", "cohort_id"
        )[:batch]
    )
    for enrollment_id, cohort_id in due:
        with transaction.atomic():
            cohort = _lock_cohort(cohort_id)
            enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
            if (
                enrollment.state != S.WAITLISTED
                or not enrollment.offer_expires_at
                or enrollment.offer_expires_at > now
            ):
                continue  # taken or already handled by a concurrent sweep
            _transition(enrollment, S.WITHDRAWN, reason=_("The seat offer expired"))
            _notify_offer_expired(enrollment, cohort)
            seats_offer_freed(cohort=cohort)
            expired += 1
    # Seats freed by released quotas or raised capacity reach the waitlist too.
    waiting = (
        Cohort.objects.filter(
            status__in=[Cohort.Status.OPEN, Cohort.Status.RUNNING],
            enrollments__state=S.WAITLISTED,
            enrollments__offer_expires_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .distinct()[:batch]
    )
    for cohort_id in list(waiting):
        with transaction.atomic():
            seats_offer_freed(cohort=_lock_cohort(cohort_id))
    return expired


# --- nominations --------------------------------------------------------------------------


@transaction.atomic
def nomination_create(*, cohort: Cohort, teacher, nominated_by) -> Enrollment:
    """A school administrator proposes one of their own school's teachers; nothing happens without the teacher's yes."""
    cohort = _lock_cohort(cohort.pk)
    if not (
        user_has_role(nominated_by, Role.SCHOOL_ADMIN)
        and teachers_visible_to(nominated_by).filter(pk=teacher.pk).exists()
    ):
        raise CohortError(_("You can nominate only teachers of your own school."))
    if (
        cohort.status not in (Cohort.Status.OPEN, Cohort.Status.RUNNING)
        or timezone.now() > cohort.enrollment_closes_at
    ):
        raise CohortError(_("This cohort is not accepting nominations."))
    _check_eligible(cohort, teacher)
    enrollment = Enrollment.objects.select_for_update().filter(cohort=cohort, teacher=teacher).first()
    if enrollment is None:
        enrollment = Enrollment(cohort=cohort, teacher=teacher)
    elif enrollment.state != S.WITHDRAWN:
        raise CohortError(_("%(teacher)s is already in this cohort.") % {"teacher": teacher})
    _transition(enrollment, S.NOMINATED, actor=nominated_by, reason=_("Nominated by the school"))
    Nomination.objects.update_or_create(
        enrollment=enrollment,
        defaults={
            "nominated_by": nominated_by,
            "decision": Nomination.Decision.PENDING,
            "decided_at": None,
            "reason": "",
            "created_at": timezone.now(),
        },
    )
    notify(
        recipient=teacher,
        kind="nomination",
        title=lazy_format(gettext_lazy("Your school nominated you for “%(cohort)s”"), cohort=cohort.title),
        body=gettext_lazy("Accept or decline the nomination in your cabinet."),
        url=reverse("cabinet"),
        dedupe_key=f"cohorts.nomination.{enrollment.pk}.{enrollment.events.count()}",
    )
    return enrollment


def _notify_nomination_decision(enrollment: Enrollment, cohort: Cohort) -> None:
    """The school administrator who nominated is told what the teacher decided (and where they stand)."""
    nomination = Nomination.objects.select_related("nominated_by").filter(enrollment=enrollment).first()
    if nomination is None or nomination.nominated_by is None or not nomination.nominated_by.is_active:
        return
    teacher = enrollment.teacher.full_name or enrollment.teacher.email
    if nomination.decision == Nomination.Decision.DECLINED:
        title = lazy_format(
            gettext_lazy("%(teacher)s declined the nomination for “%(cohort)s”"),
            teacher=teacher,
            cohort=cohort.title,
        )
        body = lazy_format(gettext_lazy("The teacher's reason: %(reason)s"), reason=nomination.reason)
    else:
        title = lazy_format(
            gettext_lazy("%(teacher)s accepted the nomination for “%(cohort)s”"),
            teacher=teacher,
            cohort=cohort.title,
        )
        body = (
            gettext_lazy("The teacher has a seat in the cohort.")
            if enrollment.state == S.ENROLLED
            else gettext_lazy(
                "The cohort is full: the teacher is on the waitlist and gets the first free seat."
            )
        )
    notify(
        recipient=nomination.nominated_by,
        kind="nomination_decision",
        title=title,
        body=body,
        url=reverse("cohorts:nominations"),
        dedupe_key=f"cohorts.nomination_decision.{nomination.pk}.{enrollment.events.count()}",
    )


def _accept_nomination(enrollment: Enrollment, cohort: Cohort, *, actor) -> Enrollment:
    _check_window(cohort)
    Nomination.objects.filter(enrollment=enrollment).update(
        decision=Nomination.Decision.ACCEPTED, decided_at=timezone.now()
    )
    _transition(enrollment, S.APPLIED, actor=actor, reason=_("Accepted the nomination"))
    enrollment = _place(enrollment, cohort, actor=actor)
    _notify_nomination_decision(enrollment, cohort)
    return enrollment


@transaction.atomic
def nomination_accept(*, enrollment: Enrollment, teacher) -> Enrollment:
    cohort = _lock_cohort(enrollment.cohort_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.teacher_id != teacher.pk or enrollment.state != S.NOMINATED:
        raise CohortError(_("There is no pending nomination for you in this cohort."))
    return _accept_nomination(enrollment, cohort, actor=teacher)


@transaction.atomic
def nomination_decline(*, enrollment: Enrollment, teacher, reason: str) -> Enrollment:
    reason = (reason or "").strip()
    if not reason:
        raise CohortError(_("Please say why you decline."))
    _lock_cohort(enrollment.cohort_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.teacher_id != teacher.pk or enrollment.state != S.NOMINATED:
        raise CohortError(_("There is no pending nomination for you in this cohort."))
    Nomination.objects.filter(enrollment=enrollment).update(
        decision=Nomination.Decision.DECLINED, decided_at=timezone.now(), reason=reason[:500]
    )
    _transition(
        enrollment,
        S.WITHDRAWN,
        actor=teacher,
        reason=_("Declined the nomination: %(reason)s") % {"reason": reason},
    )
    _notify_nomination_decision(enrollment, enrollment.cohort)
    return enrollment


# --- curators' moves ------------------------------------------------------------------------


@transaction.atomic
def enrollment_move(*, enrollment: Enrollment, to_cohort: Cohort, actor, reason: str = "") -> Enrollment:
    """Move a teacher to another cohort of the same course; the old seat goes to that cohort's waitlist."""
    first, second = sorted([enrollment.cohort_id, to_cohort.pk])
    locked = {first: _lock_cohort(first), second: _lock_cohort(second)}
    source, target = locked[enrollment.cohort_id], locked[to_cohort.pk]
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if source.pk == target.pk:
        raise CohortError(_("The teacher is already in this cohort."))
    if source.course_id != target.course_id:
        raise CohortError(_("A teacher can be moved only between cohorts of the same course."))
    if target.status in (Cohort.Status.FINISHED, Cohort.Status.ARCHIVED, Cohort.Status.DRAFT):
        raise CohortError(_("The target cohort is not running."))
    if enrollment.state not in (S.APPLIED, S.ENROLLED, S.WAITLISTED, S.NOMINATED):
        raise CohortError(_("Only a current enrollment can be moved."))
    moved = (
        Enrollment.objects.select_for_update().filter(cohort=target, teacher_id=enrollment.teacher_id).first()
    )
    if moved is None:
        moved = Enrollment(
            cohort=target, teacher_id=enrollment.teacher_id, placement_score=enrollment.placement_score
        )
    elif moved.state != S.WITHDRAWN:
        raise CohortError(_("The teacher is already in the target cohort."))
    held_seat = enrollment.state == S.ENROLLED or enrollment.offer_expires_at is not None
    note = reason or _("Moved by a curator")
    _transition(
        enrollment,
        S.WITHDRAWN,
        actor=actor,
        reason=_("Moved to “%(cohort)s”: %(why)s") % {"cohort": target.title, "why": note},
    )
    _transition(
        moved,
        S.APPLIED,
        actor=actor,
        reason=_("Moved from “%(cohort)s”: %(why)s") % {"cohort": source.title, "why": note},
    )
    if seats_free_for(target, moved.teacher, exclude_enrollment_id=moved.pk) > 0:
        _transition(moved, S.ENROLLED, actor=actor, reason=note)
    else:
        _transition(moved, S.WAITLISTED, actor=actor, reason=_("No free seat"))
    if held_seat:
        seats_offer_freed(cohort=source, actor=actor)
    return moved


SPLIT_UNSCORED_RULES = ("spread", "introductory")


def split_undo_hours() -> int:
    return int(getattr(settings, "COHORTS_SPLIT_UNDO_HOURS", 48))


def cohort_split_plan(
    *, cohort: Cohort, groups: int, max_size: int, unscored: str = "spread"
) -> list[list[int]]:
    """Enrolled teachers cut into N groups, best placement score first (group 1 is the most advanced).

    Teachers without a score are placed by the rule chosen on the action: "spread" deals them out evenly
    over the groups (one each in turn, the groups filled up with the scored teachers in order), or
    "introductory" puts them after every scored teacher, into the last (introductory) groups. Group sizes
    differ by at most one.
    """
    if unscored not in SPLIT_UNSCORED_RULES:
        raise CohortError(_("Choose how to place teachers without a placement score."))
    if groups < 2:
        raise CohortError(_("Split into at least two groups."))
    if max_size < 1:
        raise CohortError(_("A group must have room for at least one teacher."))
    enrolled = cohort.enrollments.filter(state=S.ENROLLED)
    scored = list(
        enrolled.filter(placement_score__isnull=False)
        .order_by("-placement_score", "id")
        .values_list("pk", flat=True)
    )
    unscored_ids = list(
        enrolled.filter(placement_score__isnull=True).order_by("id").values_list("pk", flat=True)
    )
    total = len(scored) + len(unscored_ids)
    if groups > total:
        raise CohortError(
            _("Only %(n)s teachers are enrolled: they cannot make %(g)s groups.") % {"n": total, "g": groups}
        )
    if total > groups * max_size:
        raise CohortError(
            _("%(n)s teachers do not fit into %(g)s groups of at most %(k)s.")
            % {"n": total, "g": groups, "k": max_size}
        )
    size, extra = divmod(total, groups)
    targets = [size + (1 if index < extra else 0) for index in range(groups)]
    if unscored == "introductory":
        ordered, plan, start = scored + unscored_ids, [], 0
        for target in targets:
            plan.append(ordered[start : start + target])
            start += target
        return plan
    plan = [unscored_ids[index::groups] for index in range(groups)]
    start = 0
    for index, target in enumerate(targets):
        room = target - len(plan[index])
        plan[index] = scored[start : start + room] + plan[index]
        start += room
    return plan


def _split_levels(*, cohort: Cohort, groups: int, has_scores: bool) -> list[str]:
    order = [Cohort.Level.ADVANCED, Cohort.Level.BASIC, Cohort.Level.INTRODUCTORY]
    if not has_scores:
        return [cohort.level] * groups
    return [order[min(len(order) - 1, index * len(order) // groups)] for index in range(groups)]


def _split_titles(*, cohort: Cohort, levels: list[str]) -> list[str]:
    """ "<title> — advanced level", or "<title> — basic level, group 2" when a level has several groups,
    in the cohort's language (its course's), whoever runs the split."""
    with translation.override(cohort_language(cohort)):
        titles: list[str] = []
        seen: dict[str, int] = {}
        for level in levels:
            seen[level] = seen.get(level, 0) + 1
            label = str(Cohort.Level(level).label).lower()
            if levels.count(level) == 1:
                titles.append(_("%(title)s — %(level)s level") % {"title": cohort.title, "level": label})
            else:
                titles.append(
                    _("%(title)s — %(level)s level, group %(n)s")
                    % {"title": cohort.title, "level": label, "n": seen[level]}
                )
    return [title[:255] for title in titles]


def cohort_language(cohort: Cohort) -> str:
    """The language a cohort's own texts are written in: its course's language (the site's default for a
    course without one)."""
    return cohort.course.language or settings.LANGUAGE_CODE


def _split_group(*, cohort: Cohort, index: int, title: str, level: str, max_size: int, curators) -> Cohort:
    group, created = Cohort.objects.get_or_create(
        parent=cohort,
        split_index=index,
        defaults=dict(
            course=cohort.course,
            title=title,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            enrollment_opens_at=cohort.enrollment_opens_at,
            enrollment_closes_at=cohort.enrollment_closes_at,
            withdrawal_deadline=cohort.withdrawal_deadline,
            capacity=max_size,
            level=level,
            status=cohort.status,
            self_enrollment=False,
            response_target_hours=cohort.response_target_hours,
            offer_hours=cohort.offer_hours,
            require_lessons=cohort.require_lessons,
            require_assignments=cohort.require_assignments,
            min_attendance_percent=cohort.min_attendance_percent,
            require_feedback=cohort.require_feedback,
        ),
    )
    if created:
        group.curators.add(*curators)
        for session in cohort.sessions.filter(copied_from__isnull=True).order_by("pk"):
            LiveSession.objects.create(
                cohort=group,
                copied_from=session,
                title=session.title,
                starts_at=session.starts_at,
                duration_minutes=session.duration_minutes,
                link=session.link,
                recording_url=session.recording_url,
                checkin_code=session.checkin_code,
            )
        for announcement in cohort.announcements.filter(copied_from__isnull=True).order_by("pk"):
            copy = Announcement.objects.create(
                cohort=group,
                copied_from=announcement,
                author=announcement.author,
                title=announcement.title,
                body=announcement.body,
            )
            # Published when the original was: the group's feed reads in the same order.
            Announcement.objects.filter(pk=copy.pk).update(created_at=announcement.created_at)
    return group


def _move_learning(*, ids: list[int], source: Cohort, target: Cohort) -> None:
    """Move enrollments with everything that hangs on their cohort's own rows: questions, attendance at
    the (copied) sessions, read confirmations of the (copied) announcements."""
    Enrollment.objects.filter(pk__in=ids, cohort=source).update(cohort=target, updated_at=timezone.now())
    Question.objects.filter(enrollment_id__in=ids).update(cohort=target)
    if target.parent_id == source.pk:  # into a group: from the originals to their copies
        pairs = LiveSession.objects.filter(cohort=target, copied_from__isnull=False).values_list(
            "copied_from_id", "pk"
        )
        notes = Announcement.objects.filter(cohort=target, copied_from__isnull=False).values_list(
            "copied_from_id", "pk"
        )
    else:  # back to the parent: from the copies to their originals
        pairs = LiveSession.objects.filter(cohort=source, copied_from__isnull=False).values_list(
            "pk", "copied_from_id"
        )
        notes = Announcement.objects.filter(cohort=source, copied_from__isnull=False).values_list(
            "pk", "copied_from_id"
        )
    for old, new in pairs:
        Attendance.objects.filter(session_id=old, enrollment_id__in=ids).update(session_id=new)
    for old, new in notes:
        AnnouncementRead.objects.filter(announcement_id=old, enrollment_id__in=ids).update(
            announcement_id=new
        )
    learning_changed(*ids)
    scopes_changed(f"cohort:{source.pk}", f"cohort:{target.pk}")


def cohort_split(
    *, cohort: Cohort, groups: int, max_size: int, actor, unscored: str = "spread", plan=None, chunk_done=None
) -> list[Cohort]:
    """Large intake → N groups of at most K by level, each its own cohort, closed to self-enrolment.

    Each group gets the parent's curators, a copy of its sessions and announcements (attendance and read
    confirmations follow the teachers), and a title naming its level in the cohort's language. The parent
    closes (no seats, no self-enrolment). The groups are made first, then the teachers move chunk by
    chunk (progress through `chunk_done`); a re-run with the same `plan` reuses the groups and moves only
    who is still in the parent, so a redelivered job does nothing twice.
    """
    with transaction.atomic():
        cohort = _lock_cohort(cohort.pk)
        if plan is None:
            plan = cohort_split_plan(cohort=cohort, groups=groups, max_size=max_size, unscored=unscored)
        cohort.capacity = 0
        cohort.self_enrollment = False
        cohort.save(update_fields=["capacity", "self_enrollment"])
    planned = [pk for ids in plan for pk in ids]
    has_scores = Enrollment.objects.filter(pk__in=planned, placement_score__isnull=False).exists()
    levels = _split_levels(cohort=cohort, groups=len(plan), has_scores=has_scores)
    titles = _split_titles(cohort=cohort, levels=levels)
    curators = list(cohort.curators.order_by("pk"))
    created = []
    for index, member_ids in enumerate(plan):
        with transaction.atomic():
            group = _split_group(
                cohort=cohort,
                index=index + 1,
                title=titles[index],
                level=levels[index],
                max_size=max_size,
                curators=curators,
            )
        for start in range(0, len(member_ids), 200):
            with transaction.atomic():
                chunk = list(
                    Enrollment.objects.select_for_update()
                    .filter(pk__in=member_ids[start : start + 200], cohort=cohort)
                    .values_list("pk", flat=True)
                )
                _move_learning(ids=chunk, source=cohort, target=group)
                EnrollmentEvent.objects.bulk_create(
                    EnrollmentEvent(
                        enrollment_id=pk,
                        actor=actor,
                        from_state=S.ENROLLED,
                        to_state=S.ENROLLED,
                        reason=_("Placed in “%(group)s” when “%(cohort)s” was split")
                        % {"group": group.title, "cohort": cohort.title},
                    )
                    for pk in chunk
                )
            if chunk_done:
                chunk_done(len(member_ids[start : start + 200]))
        created.append(group)
    return created


def split_undo_refusal(operation: BulkOperation, *, now=None) -> str:
    """Why this split can no longer be undone, or "" when it can."""
    now = now or timezone.now()
    if operation.kind != BulkOperation.Kind.SPLIT or operation.state != BulkOperation.State.DONE:
        return _("Only a finished split can be undone.")
    if operation.undone_at is not None:
        return _("This split is already undone.")
    if operation.finished_at is None or operation.finished_at < now - timedelta(hours=split_undo_hours()):
        hours = split_undo_hours()
        return ngettext(
            "A split can be undone within %(hours)s hour; this one is older.",
            "A split can be undone within %(hours)s hours; this one is older.",
            hours,
        ) % {"hours": hours}
    groups = Cohort.objects.filter(parent_id=operation.cohort_id, split_index__isnull=False)
    if Certificate.objects.filter(enrollment__cohort__in=groups).exists():
        return _("Certificates are already issued in the groups.")
    if (
        LiveSession.objects.filter(cohort__in=groups, copied_from__isnull=True).exists()
        or Announcement.objects.filter(cohort__in=groups, copied_from__isnull=True).exists()
    ):
        return _("The groups have sessions or announcements of their own since the split.")
    return ""


def cohort_split_undo(*, operation: BulkOperation, actor) -> Cohort:
    """Put every teacher of the groups back into the split cohort, with their work, questions, attendance
    and read confirmations; remove the groups; reopen the cohort as it was before the split."""
    with transaction.atomic():
        parent = _lock_cohort(operation.cohort_id)
        operation = BulkOperation.objects.select_for_update().get(pk=operation.pk)
        refusal = split_undo_refusal(operation)
        if refusal:
            raise CohortError(refusal)
        for group in Cohort.objects.filter(parent=parent, split_index__isnull=False).order_by("split_index"):
            ids = list(group.enrollments.values_list("pk", flat=True))
            _move_learning(ids=ids, source=group, target=parent)
            EnrollmentEvent.objects.bulk_create(
                EnrollmentEvent(
                    enrollment_id=pk,
                    actor=actor,
                    from_state=state,
                    to_state=state,
                    reason=_("Back in “%(cohort)s”: the split was undone") % {"cohort": parent.title},
                )
                for pk, state in Enrollment.objects.filter(pk__in=ids).values_list("pk", "state")
            )
            group.delete()
        parent.capacity = max(
            int(operation.payload.get("parent_capacity", 0)),
            parent.enrollments.filter(state__in=Enrollment.SEAT_STATES).count(),
        )
        parent.self_enrollment = bool(operation.payload.get("parent_self_enrollment", True))
        parent.save(update_fields=["capacity", "self_enrollment"])
        operation.undone_at = timezone.now()
        operation.save(update_fields=["undone_at"])
    return parent


def bulk_operation_start(
    *, kind: str, cohort: Cohort, actor, ids: list[int] | None = None, **params
) -> BulkOperation:
    """Record the job, then queue it after commit: the page polls the record for progress."""
    from ..tasks import bulk_operation_run  # tasks imports this module

    ids = [int(i) for i in (ids or [])]
    if kind == BulkOperation.Kind.SPLIT:
        # The plan is fixed now and kept with the job: a redelivered job moves the same people.
        plan = cohort_split_plan(
            cohort=cohort,
            groups=int(params["groups"]),
            max_size=int(params["max_size"]),
            unscored=params.get("unscored", "spread"),
        )
        total = sum(len(ids) for ids in plan)
        params.update(
            plan=plan, parent_capacity=cohort.capacity, parent_self_enrollment=cohort.self_enrollment
        )
    else:
        if not ids:
            raise CohortError(_("Choose at least one teacher."))
        total = len(ids)
    op = BulkOperation.objects.create(
        kind=kind, cohort=cohort, created_by=actor, payload={"ids": ids, **params}, total=total
    )
    transaction.on_commit(lambda: bulk_operation_run.delay(op.pk))
    return op


def bulk_operations_resume(*, now=None, limit: int = 100) -> list[int]:
    """The sweep: every waiting or running bulk operation with no progress (and not resumed) for
    PDP_STALLED_AFTER seconds is queued again; it goes on from its position (each item is handled once,
    in a transaction with the position). Two sweeps at once resume it once (SKIP LOCKED, re-checked)."""
    from ..tasks import bulk_operation_run  # tasks imports this module

    now = now or timezone.now()
    cutoff = stalled_cutoff(now)
    stalled = Q(
        state__in=[BulkOperation.State.QUEUED, BulkOperation.State.RUNNING], progressed_at__lt=cutoff
    ) & (Q(resumed_at__isnull=True) | Q(resumed_at__lt=cutoff))
    resumed = []
    for pk in (
        BulkOperation.objects.filter(stalled).order_by("progressed_at").values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic():
            op = BulkOperation.objects.select_for_update(skip_locked=True).filter(stalled, pk=pk).first()
            if op is None:
                continue  # another sweep has it, or an item is being handled right now
            op.resumed_at = now
            op.resumed_count = F("resumed_count") + 1
            op.save(update_fields=["resumed_at", "resumed_count"])
            logger.warning("bulk operation %s stalled at %s of %s: queued again", pk, op.position, op.total)
            transaction.on_commit(partial(bulk_operation_run.delay, pk))
            resumed.append(pk)
    return resumed


LEVEL_SCORES: dict[str, int] = {Cohort.Level.INTRODUCTORY: 1, Cohort.Level.BASIC: 2, Cohort.Level.ADVANCED: 3}


def enrollment_record_placement(*, enrollment_id: int, score=None, level: str = "") -> None:
    """Called by the surveys app with a placement survey's result; the split orders groups by it."""
    if score is None:
        score = LEVEL_SCORES.get(level)
    if score is None:
        return
    Enrollment.objects.filter(pk=enrollment_id).update(placement_score=score)
    learning_changed(enrollment_id)
