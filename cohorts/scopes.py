"""Cached-page scopes of cohorts' rows (see core/caching.py and docs/caching.md).

Certificates are left out on purpose: the worker issues thousands in a batch (each renewal is a query
and two cache writes), the pages show a completed course's certificate link from the enrollment, and a
report shows a new number within PERSONAL_PAGE_CACHE_SECONDS.
"""

from accounts.scopes import teachers_scopes
from core.caching import EVERYONE, area_scopes, scopes_changed, scopes_declare

from . import models


def enrollment_scopes(*enrollment_ids) -> list[str]:
    """A learning row's scopes: its teacher's (as teachers_scopes) and its cohort's, in one query."""
    rows = models.Enrollment.objects.filter(pk__in=enrollment_ids).values_list(
        "cohort_id",
        "teacher_id",
        "teacher__school_id",
        "teacher__municipality_id",
        "teacher__school__municipality_id",
    )
    return [
        "region",
        *(scope for cohort, *teacher in rows for scope in (f"cohort:{cohort}", *area_scopes(*teacher))),
    ]


def learning_changed(*enrollment_ids) -> None:
    """For services whose bulk updates of learning rows send no signal."""
    if enrollment_ids:
        scopes_changed(*enrollment_scopes(*enrollment_ids))


def _by_enrollment(row):
    return enrollment_scopes(row.enrollment_id)


def _cohort(row):
    return [f"cohort:{row.cohort_id}"]


def declare() -> None:
    scopes_declare(models.Cohort, lambda row: [f"cohort:{row.pk}", *EVERYONE], relations=True)
    scopes_declare(models.LiveSession, _cohort)
    scopes_declare(models.Announcement, _cohort)
    scopes_declare(
        models.Enrollment, lambda row: [f"cohort:{row.cohort_id}", *teachers_scopes([row.teacher_id])]
    )
    for model in (
        models.Nomination,
        models.LessonProgress,
        models.Submission,
        models.AnnouncementRead,
        models.Attendance,
    ):
        scopes_declare(model, _by_enrollment)
    scopes_declare(models.SubmissionVersion, lambda row: enrollment_scopes(row.submission.enrollment_id))
    scopes_declare(models.Review, lambda row: enrollment_scopes(row.version.submission.enrollment_id))
    scopes_declare(
        models.Question, lambda row: [*enrollment_scopes(row.enrollment_id), f"cohort:{row.cohort_id}"]
    )
