"""Cached-page scopes of accounts' rows (see core/caching.py and docs/caching.md)."""

from core.caching import EVERYONE, area_scopes, people_scopes, scopes_declare

from .models import Municipality, School, Subject, User

# A login saves only these: no cached page shows them, so a login renews nothing.
USER_UNSEEN_FIELDS = ("last_login", "password")


def teachers_scopes(user_ids) -> list[str]:
    """person + school + municipality + region of these teachers (what reports read)."""
    rows = User.objects.filter(pk__in=user_ids).values_list(
        "pk", "school_id", "municipality_id", "school__municipality_id"
    )
    return ["region", *(scope for row in rows for scope in area_scopes(*row))]


def _user(row):
    return [
        *people_scopes(row.pk),
        "region",
        f"school:{row.school_id}" if row.school_id else "",
        f"municipality:{row.municipality_id}" if row.municipality_id else "",
    ]


def declare() -> None:
    # relations: subjects show on reports; a role change renews everyone (rare, by staff)
    scopes_declare(User, _user, unseen_fields=USER_UNSEEN_FIELDS, relations=True)
    scopes_declare(Subject, lambda row: EVERYONE)
    scopes_declare(School, lambda row: EVERYONE)
    scopes_declare(Municipality, lambda row: EVERYONE)
