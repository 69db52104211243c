"""Cached-page scopes of surveys' rows (see core/caching.py and docs/caching.md)."""

from core.caching import EVERYONE, people_scopes, scopes_declare

from . import models


def declare() -> None:
    scopes_declare(models.Survey, lambda row: EVERYONE, relations=True)
    scopes_declare(models.Participation, lambda row: people_scopes(row.user_id))
    scopes_declare(models.Response, lambda row: people_scopes(row.respondent_id))
    scopes_declare(models.Draft, lambda row: people_scopes(row.user_id))
    scopes_declare(models.CompetencyScore, lambda row: people_scopes(row.user_id))
