"""Cached-page scopes of mentoring's rows (see core/caching.py and docs/caching.md)."""

from accounts.scopes import teachers_scopes
from core.caching import people_scopes, scopes_declare

from . import models


def _pair(pair):
    return people_scopes(pair.mentor_id, pair.mentee_id)


def declare() -> None:
    scopes_declare(models.MentorProfile, lambda row: people_scopes(row.user_id))
    # pairs count in the hours report
    scopes_declare(models.MentoringPair, lambda pair: teachers_scopes([pair.mentor_id, pair.mentee_id]))
    for model in (models.PairGoal, models.Meeting, models.Feedback):
        scopes_declare(model, lambda row: _pair(row.pair))
    scopes_declare(models.DevelopmentPlan, lambda row: people_scopes(row.teacher_id))
    scopes_declare(models.PlanGoal, lambda row: people_scopes(row.plan.teacher_id))
