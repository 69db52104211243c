"""Cached-page scopes of communities' rows (see core/caching.py and docs/caching.md)."""

from accounts.scopes import teachers_scopes
from core.caching import EVERYONE, people_scopes, scopes_declare

from . import models


def declare() -> None:
    scopes_declare(models.Community, lambda row: EVERYONE)
    scopes_declare(models.Event, lambda row: EVERYONE)
    scopes_declare(models.Membership, lambda row: people_scopes(row.user_id))
    # attended events count in the hours report
    scopes_declare(models.Registration, lambda row: teachers_scopes([row.user_id]))
