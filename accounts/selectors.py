"""Scoped reads of people and places. Every later app builds its selectors on these."""

from django.db.models import Q, QuerySet

from .models import (
    ApiToken,
    CalendarFeed,
    Municipality,
    School,
    SchoolChange,
    SchoolMoveRequest,
    SchoolMoveState,
    User,
)
from .roles import Role


def user_role_codes(user) -> frozenset[str]:
    """The user's role codes, read once per user object (cached on it for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_codes = cached
    return cached


def user_has_role(user, role: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return role in user_role_codes(user)


def users_with_role(role: str) -> QuerySet:
    """Active accounts that hold `role` (e.g. the curators a cohort's picker offers), by name."""
    return User.objects.filter(is_active=True, groups__name=role).distinct().order_by("full_name", "email")


def municipalities_visible_to(user) -> QuerySet[Municipality]:
    if not getattr(user, "is_authenticated", False):
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    if Role.MUNICIPAL_ADMIN in user_role_codes(user) and user.municipality_id:
        return Municipality.objects.filter(pk=user.municipality_id)
    if Role.SCHOOL_ADMIN in user_role_codes(user) and user.school_id:
        return Municipality.objects.filter(schools__pk=user.school_id)
    return Municipality.objects.none()


def schools_visible_to(user) -> QuerySet[School]:
    """Schools whose people and reports the user administers: one school, one municipality, or all."""
    if not getattr(user, "is_authenticated", False):
        return School.objects.none()
    qs = School.objects.select_related("municipality")
    if user.is_superuser:
        return qs
    roles = user_role_codes(user)
    if Role.MUNICIPAL_ADMIN in roles and user.municipality_id:
        return qs.filter(municipality_id=user.municipality_id)
    if Role.SCHOOL_ADMIN in roles and user.school_id:
        return qs.filter(pk=user.school_id)
    return qs.none()


def teachers_visible_to(user) -> QuerySet[User]:
    """Teachers of the schools the user administers (a teacher sees only themself)."""
    base = User.objects.filter(is_active=True, groups__name=Role.TEACHER).select_related("school")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if user.is_superuser:
        return base
    roles = user_role_codes(user)
    if Role.MUNICIPAL_ADMIN in roles or Role.SCHOOL_ADMIN in roles:
        return base.filter(school__in=schools_visible_to(user))
    return base.filter(pk=user.pk)


def school_list_for_municipality(*, municipality_id) -> QuerySet[School]:
    """Public list used by the profile form: which schools belong to a municipality."""
    return School.objects.filter(municipality_id=municipality_id).order_by("name")


def calendar_feed_owner(*, token: str) -> User | None:
    """The active person whose calendar address carries this secret, or None (unknown, renewed,
    revoked, or the person is deactivated). Compared by hash in the database: no timing on the secret."""
    if not token or len(token) > 128:
        return None
    return User.objects.filter(calendar_feed__token_hash=CalendarFeed.hash_of(token), is_active=True).first()


def calendar_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def school_moves_to_decide(user) -> QuerySet[SchoolMoveRequest]:
    """Move requests into the schools the user administers (pending first, then the decided ones)."""
    return (
        SchoolMoveRequest.objects.filter(to_school__in=schools_visible_to(user))
        .exclude(teacher_id=getattr(user, "pk", None))
        .select_related("teacher", "from_school", "to_school", "decided_by")
        .order_by("-created_at", "-pk")
    )


def school_move_pending_of(user) -> SchoolMoveRequest | None:
    return (
        SchoolMoveRequest.objects.filter(teacher_id=user.pk, state=SchoolMoveState.PENDING)
        .select_related("to_school__municipality")
        .first()
    )


def school_move_last_decided_of(user) -> SchoolMoveRequest | None:
    return (
        SchoolMoveRequest.objects.filter(teacher_id=user.pk)
        .exclude(state=SchoolMoveState.PENDING)
        .select_related("to_school")
        .order_by("-decided_at", "-pk")
        .first()
    )


def school_changes_visible_to(user) -> QuerySet[SchoolChange]:
    """The audit trail of people coming to or leaving the schools the user administers."""
    schools = schools_visible_to(user)
    return (
        SchoolChange.objects.filter(Q(from_school__in=schools) | Q(to_school__in=schools))
        .select_related("teacher", "from_school", "to_school", "changed_by")
        .order_by("-changed_at", "-pk")
    )


def api_tokens_of(user) -> QuerySet[ApiToken]:
    """The person's own API tokens, newest first (never the secrets: only their beginnings)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_of(*, user, token_id: int) -> ApiToken | None:
    """One of the person's own tokens; None for another's or a revoked one (the view answers 404)."""
    return api_tokens_of(user).filter(pk=token_id).first()


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The token carrying this secret, with its person, or None. Compared by hash in the database."""
    if not secret or len(secret) > 128:
        return None
    return ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash_of(secret)).first()
