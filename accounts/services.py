"""Writes on people: every rule about a profile or a role is enforced here."""

import datetime
import secrets
from dataclasses import dataclass, field

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.i18n import language_set_value
from core.ratelimit import rate_limit_hit

from .models import (
    ApiToken,
    CalendarFeed,
    Level,
    Municipality,
    Position,
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

NAME_MAX_LENGTH = 100  # ApiToken.name


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
    if teacher.groups.filter(name__in=[Role.SCHOOL_ADMIN, Role.MUNICIPAL_ADMIN]).exists():
        # an approved move would hand the requester the new school's (or municipality's) reports
        raise AccountError(
            _("Administrators do not move by request: the platform's administrator changes your school.")
        )
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


# --- Bulk import of a school's teachers (decision 0393): check every row, write all or nothing ---


@dataclass
class ImportRow:
    row: int
    name: str
    email: str
    subject: Subject | None = None
    position: str = ""
    start_date: datetime.date | None = None
    existing: User | None = None  # an unassigned account that is attached instead of created
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)

    @property
    def position_label(self) -> str:
        return str(Position(self.position).label) if self.position else ""


def _parse_date(text: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def teacher_import_check(*, school: School, rows: list[dict]) -> list[ImportRow]:
    """Each row with its errors (field, message); writes nothing. Three queries whatever the size."""
    subjects = {}
    for subject in Subject.objects.all():
        subjects[subject.code.lower()] = subject
        subjects[subject.name.lower()] = subject
    positions = {value.lower(): value for value in Position.values}
    positions.update({str(label).lower(): value for value, label in Position.choices})
    emails = [str(row.get("email", "")).strip().lower() for row in rows]
    accounts = {
        user.email.lower(): user
        for user in User.objects.annotate(email_ci=Lower("email")).filter(
            email_ci__in=[e for e in emails if e]
        )
    }
    labels = {
        "name": _("Name"),
        "email": _("E-mail"),
        "subject": _("Subject"),
        "position": _("Position"),
        "start_date": _("Start date"),
    }
    seen: dict[str, int] = {}
    checked = []
    for raw, email in zip(rows, emails, strict=True):
        item = ImportRow(row=raw["row"], name=" ".join(str(raw.get("name", "")).split()), email=email)
        if not item.name:
            item.errors.append((labels["name"], _("The name is empty.")))
        try:
            validate_email(email)
        except ValidationError:
            item.errors.append(
                (labels["email"], _("“%(email)s” is not an e-mail address.") % {"email": email})
            )
        else:
            if email in seen:
                item.errors.append(
                    (
                        labels["email"],
                        _("The address is also in row %(row)d of the file.") % {"row": seen[email]},
                    )
                )
            seen.setdefault(email, item.row)
            account = accounts.get(email)
            if account is not None and account.school_id == school.pk:
                item.errors.append((labels["email"], _("This teacher already works at your school.")))
            elif account is not None:
                # Never attach an existing account: its password (and tokens) may be someone else's, and
                # its owner never agreed to the school. They choose or ask for a school in their profile.
                item.errors.append(
                    (
                        labels["email"],
                        _(
                            "This address already has an account: its owner chooses the school in their"
                            " profile (or asks for a move there)."
                        ),
                    )
                )
            item.existing = account
        subject_text = str(raw.get("subject", "")).strip()
        item.subject = subjects.get(subject_text.lower()) if subject_text else None
        if subject_text and item.subject is None:
            item.errors.append(
                (labels["subject"], _("Unknown subject “%(subject)s”.") % {"subject": subject_text})
            )
        position_text = str(raw.get("position", "")).strip()
        item.position = positions.get(position_text.lower(), "") if position_text else ""
        if position_text and not item.position:
            item.errors.append(
                (labels["position"], _("Unknown position “%(position)s”.") % {"position": position_text})
            )
        date_text = str(raw.get("start_date", "")).strip()
        item.start_date = _parse_date(date_text) if date_text else None
        if date_text and (item.start_date is None or item.start_date > timezone.localdate()):
            item.errors.append(
                (
                    labels["start_date"],
                    _("“%(date)s” is not a past date (YYYY-MM-DD or DD.MM.YYYY).") % {"date": date_text},
                )
            )
        checked.append(item)
    return checked


def _years_since(start: datetime.date | None) -> int | None:
    if start is None:
        return None
    today = timezone.localdate()
    return min(70, today.year - start.year - ((today.month, today.day) < (start.month, start.day)))


@transaction.atomic
def teacher_import_commit(*, school: School, admin: User, rows: list[dict]) -> list[User]:
    """Every row checked again; any error and nothing is written. New accounts have no password (they
    set one through the invitation link); an existing account without a school is attached."""
    if school not in schools_visible_to(admin):
        raise AccountError(_("You do not administer this school."), code="forbidden")
    checked = teacher_import_check(school=school, rows=rows)
    bad = [item for item in checked if item.errors]
    if bad:
        first = bad[0]
        raise AccountError(
            _("Row %(row)d, %(field)s: %(message)s")
            % {
                "row": first.row,
                "field": first.errors[0][0],
                "message": first.errors[0][1],
            },
            code="rows",
        )
    teacher_group, _created = Group.objects.get_or_create(name=Role.TEACHER)
    people = []
    for item in checked:
        # only new accounts (teacher_import_check refuses every existing address, here re-checked)
        user = User(email=item.email, preferred_language=admin.preferred_language)
        user.set_unusable_password()
        user.full_name = item.name
        user.school = school
        user.municipality_id = school.municipality_id
        if item.position:
            user.position = item.position
        if item.start_date is not None:
            user.years_of_experience = _years_since(item.start_date)
        user.save()
        user.groups.add(teacher_group)
        if item.subject is not None:
            user.subjects.add(item.subject)
        # The administrator vouches for the address, and only its holder can use the invitation link.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        SchoolChange.objects.create(
            teacher=user, from_school=None, to_school=school, how=SchoolChangeHow.IMPORT, changed_by=admin
        )
        people.append(user)
    return people


def set_password_path(user: User) -> str:
    """A one-time link to set a password: allauth's password-reset-from-key page (the key stops working
    once the password is set, or after PASSWORD_RESET_TIMEOUT)."""
    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user),
        },
    )


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for the person: a name of their own (unique among their tokens), at most
    ApiToken.LIMIT_PER_PERSON of them. Returns the row and the secret — shown once: only its hash is kept.
    The person's row is locked so two requests at once cannot pass the limit together; making tokens is
    rate-limited ("api_token" in PDP_RATE_LIMITS), so a script cannot churn through secrets."""
    rate_limit_hit(action="api_token", key=user.pk)
    name = " ".join(name.split())
    if not name:
        raise AccountError(_("Give the token a name, for example the program that will use it."))
    if len(name) > NAME_MAX_LENGTH:
        raise AccountError(_("The name is too long: at most 100 characters."))
    User.objects.select_for_update().filter(pk=user.pk).first()
    tokens = ApiToken.objects.filter(user=user)
    if tokens.count() >= ApiToken.LIMIT_PER_PERSON:
        raise AccountError(
            _("You already have %(limit)d tokens: revoke one you no longer use first.")
            % {"limit": ApiToken.LIMIT_PER_PERSON}
        )
    if tokens.filter(name=name).exists():
        raise AccountError(_("You already have a token with this name."))
    secret = "pdp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[: ApiToken.PREFIX_LENGTH], token_hash=ApiToken.hash_of(secret)
    )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> None:
    """The token stops working at once (the row is deleted). The caller got it from the person's own
    tokens (accounts.selectors.api_token_of), so nobody revokes another's."""
    ApiToken.objects.filter(pk=token.pk).delete()
