"""Writes on people: every rule about a profile or a role is enforced here."""

import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.i18n import language_set_value
from core.ratelimit import rate_limit_hit

from .models import ApiToken, CalendarFeed, Level, Municipality, School, Subject, User
from .roles import Role

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
    Course languages besides one's own: a set of known languages, stored canonically (own one dropped)."""
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
