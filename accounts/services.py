"""Writes on people: every rule about a profile or a role is enforced here."""

import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.i18n import language_set_value
from core.ratelimit import rate_limit_hit

from .models import (
    CalendarFeed,
    Level,
    Municipality,
    School,
    SchoolChange,
    SchoolChangeHow,
    SchoolMoveRequest,
    SchoolMoveState,
    Subject,
    User,
)
from .roles import Role
from .selectors import schools_visible_to


class AccountError(ValidationError):
    """A rule about accounts was broken; the message is shown to the user as is."""


def user_assign_role(*, user: User, role: str) -> None:
    if role not in Role.values:
        raise AccountError(_("Unknown role."))
    group, _created = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user._role_codes = None


def user_remove_role(*, user: User, role: str) -> None:
    user.groups.remove(*Group.objects.filter(name=role))
    user._role_codes = None


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    full_name: str,
    preferred_language: str,
    municipality: Municipality | None,
    school: School | None,
    subjects: list[Subject],
    school_levels: list[Level],
    position: str,
    years_of_experience: int | None,
    also_course_languages: list[str] | None = None,
) -> User:
    """A school always belongs to the chosen municipality; the user's municipality follows the school.
    Course languages besides one's own: a set of known languages, stored canonically (own one dropped).
    The school is chosen here once, at onboarding; a person who has a school moves only through an
    approved move request (`school_move_request_create`, decision 0393)."""
    first_choice = user.school_id is None and school is not None
    if user.school_id is not None and (school is None or school.pk != user.school_id):
        raise AccountError(_("To work at another school, ask for a move: the receiving school approves it."))
    if school is not None and municipality is not None and school.municipality_id != municipality.pk:
        raise AccountError(_("This school is not in the chosen municipality."))
    if preferred_language not in {"en", "ru", "uk"}:
        raise AccountError(_("Unknown language."))
    if also_course_languages is not None and not set(also_course_languages) <= {"en", "ru", "uk"}:
        raise AccountError(_("Unknown language."))
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    if also_course_languages is not None:
        user.also_course_languages = language_set_value(set(also_course_languages) - {preferred_language})
    user.school = school
    user.municipality = school.municipality if school is not None else municipality
    user.position = position
    user.years_of_experience = years_of_experience
    user.full_clean(exclude=["password"])
    user.save()
    user.subjects.set(subjects)
    user.school_levels.set(school_levels)
    if first_choice:
        SchoolChange.objects.create(
            teacher=user,
            from_school=None,
            to_school=school,
            how=SchoolChangeHow.FIRST_CHOICE,
            changed_by=user,
        )
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language not in {"en", "ru", "uk"}:
        raise AccountError(_("Unknown language."))
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


@transaction.atomic
def calendar_feed_renew(*, user: User) -> str:
    """A new secret for the person's calendar address; any earlier address stops working at once.
    The secret is returned once, to be shown once: only its hash is kept."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": CalendarFeed.hash_of(token)})
    return token


def calendar_feed_revoke(*, user: User) -> bool:
    """The address stops working; True if there was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


# --- School moves: a teacher asks, the receiving school decides (decision 0393) ---


def school_move_request_create(*, teacher: User, to_school_id, reason: str) -> SchoolMoveRequest:
    """The teacher asks to work at another school; nothing about them changes until it is approved."""
    rate_limit_hit(action="school_move", key=teacher.pk)
    reason = (reason or "").strip()
    if teacher.school_id is None:
        raise AccountError(_("Choose your school in your profile first."))
    to_school = School.objects.filter(pk=to_school_id).first() if str(to_school_id).isdigit() else None
    if to_school is None:
        raise AccountError(_("There is no such school."))
    if to_school.pk == teacher.school_id:
        raise AccountError(_("You already work at this school."))
    if not reason:
        raise AccountError(_("Say why you are moving: the receiving school reads it."))
    if len(reason) > 1000:
        raise AccountError(_("The reason is too long (at most 1000 characters)."))
    if SchoolMoveRequest.objects.filter(teacher=teacher, state=SchoolMoveState.PENDING).exists():
        raise AccountError(_("You already have a move request waiting for a decision."))
    try:
        with transaction.atomic():
            return SchoolMoveRequest.objects.create(
                teacher=teacher, from_school_id=teacher.school_id, to_school=to_school, reason=reason
            )
    except IntegrityError:  # a second request sent at the same moment: the constraint decided
        raise AccountError(_("You already have a move request waiting for a decision.")) from None


def school_move_withdraw(*, teacher: User, move_id) -> None:
    """The teacher takes back their own pending request (deleted: nothing was decided)."""
    deleted, _rows = SchoolMoveRequest.objects.filter(
        pk=move_id, teacher=teacher, state=SchoolMoveState.PENDING
    ).delete()
    if not deleted:
        raise AccountError(_("This request is no longer waiting for a decision."))


def _move_to_decide(*, move_id, decider: User) -> SchoolMoveRequest:
    """The pending request, locked, if the decider administers the receiving school."""
    move = (
        SchoolMoveRequest.objects.select_for_update(of=("self",))
        .select_related("teacher", "from_school", "to_school__municipality")
        .filter(pk=move_id, to_school__in=schools_visible_to(decider))
        .first()
    )
    if move is None:
        raise AccountError(_("There is no such request among the ones you decide."), code="not_found")
    if move.teacher_id == decider.pk:
        raise AccountError(_("You cannot decide your own move request."), code="forbidden")
    if move.state != SchoolMoveState.PENDING:
        raise AccountError(_("This request has already been decided."), code="decided")
    return move


@transaction.atomic
def school_move_approve(*, move_id, decider: User) -> SchoolMoveRequest:
    """The teacher now works at the receiving school; the change is kept in the audit trail."""
    move = _move_to_decide(move_id=move_id, decider=decider)
    teacher = User.objects.select_for_update().get(pk=move.teacher_id)
    move.state = SchoolMoveState.APPROVED
    move.decided_by = decider
    move.decided_at = timezone.now()
    move.save(update_fields=["state", "decided_by", "decided_at"])
    from_school_id = teacher.school_id
    teacher.school = move.to_school
    teacher.municipality = move.to_school.municipality
    teacher.save(update_fields=["school", "municipality"])
    SchoolChange.objects.create(
        teacher=teacher,
        from_school_id=from_school_id,
        to_school=move.to_school,
        how=SchoolChangeHow.REQUEST,
        changed_by=decider,
        move_request=move,
    )
    move.teacher = teacher
    return move


@transaction.atomic
def school_move_reject(*, move_id, decider: User, reason: str) -> SchoolMoveRequest:
    """The teacher stays where they were and is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise AccountError(_("Say why the request is rejected: the teacher reads it."), code="reason")
    if len(reason) > 1000:
        raise AccountError(_("The reason is too long (at most 1000 characters)."), code="reason")
    move = _move_to_decide(move_id=move_id, decider=decider)
    move.state = SchoolMoveState.REJECTED
    move.decided_by = decider
    move.decided_at = timezone.now()
    move.rejection_reason = reason
    move.save(update_fields=["state", "decided_by", "decided_at", "rejection_reason"])
    return move


def school_change_record(*, teacher: User, from_school_id, to_school_id, how: str, changed_by) -> None:
    """An audit row for a change made elsewhere (the administration site, an import)."""
    if from_school_id == to_school_id:
        return
    SchoolChange.objects.create(
        teacher=teacher,
        from_school_id=from_school_id,
        to_school_id=to_school_id,
        how=how,
        changed_by=changed_by,
    )
