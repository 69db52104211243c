"""Which cached pages a saved or deleted row makes stale: the scopes each model's rows belong to.

Signed-in people's busiest pages keep their rendered content under the tokens of the scopes they read
(pdplatform.caching.scope_token). Here every model those pages show names its rows' scopes, and a
signal gives those scopes new tokens after each save or delete:

- person:<user id>: a person's own learning, surveys, registrations, mentoring (cabinet, course player);
- cohort:<id>: a cohort's announcements, sessions and waiting work (course player, review queue);
- school:<id>, municipality:<id>, region: enrollments and learning of teachers there (reports);
- everyone: what all pages may show (courses, surveys, events, communities, schools), changed by staff.

Bulk updates (QuerySet.update, bulk_create) send no signals: what they change lags by at most
PERSONAL_PAGE_CACHE_SECONDS unless their service calls scopes_changed() itself. Certificates are left
out on purpose: the worker issues thousands in a batch (each renewal is a query and two cache writes),
the pages show a completed course's certificate link from the enrollment, and a report shows a new
number within PERSONAL_PAGE_CACHE_SECONDS.
"""

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import m2m_changed, post_delete, post_save

from pdplatform.caching import scopes_changed

EVERYONE = ("everyone",)


def _people(*user_ids) -> list[str]:
    return [f"person:{pk}" for pk in user_ids if pk]


def _area_scopes(person, school, *municipalities) -> list[str]:
    return [f"person:{person}", f"school:{school}" if school else "", *(f"municipality:{m}" for m in municipalities if m)]


def _teachers_scopes(user_ids) -> list[str]:
    """person + school + municipality + region of these teachers (what reports read)."""
    from accounts.models import User

    rows = User.objects.filter(pk__in=user_ids).values_list("pk", "school_id", "municipality_id", "school__municipality_id")
    return ["region", *(scope for row in rows for scope in _area_scopes(*row))]


def enrollment_scopes(*enrollment_ids) -> list[str]:
    """A learning row's scopes: its teacher's (as _teachers_scopes) and its cohort's, in one query."""
    from cohorts.models import Enrollment

    rows = Enrollment.objects.filter(pk__in=enrollment_ids).values_list(
        "cohort_id", "teacher_id", "teacher__school_id", "teacher__municipality_id", "teacher__school__municipality_id")
    return ["region", *(scope for cohort, *teacher in rows for scope in (f"cohort:{cohort}", *_area_scopes(*teacher)))]


def learning_changed(*enrollment_ids) -> None:
    """For services whose bulk updates of learning rows send no signal."""
    if enrollment_ids:
        scopes_changed(*enrollment_scopes(*enrollment_ids))


def _enrollment(row):
    return [f"cohort:{row.cohort_id}", *_teachers_scopes([row.teacher_id])]


def _by_enrollment(row):
    return enrollment_scopes(row.enrollment_id)


def _cohort(row):
    return [f"cohort:{row.cohort_id}"]


def _pair(pair):
    return _people(pair.mentor_id, pair.mentee_id)


# model label → the scopes of one of its rows. A deleted row still has its own fields; a lookup
# through a deleted parent finds nothing, and the parent's own deletion has renewed those scopes.
SCOPES_OF = {
    "accounts.User": lambda row: [*_people(row.pk), "region", f"school:{row.school_id}" if row.school_id else "",
                                  f"municipality:{row.municipality_id}" if row.municipality_id else ""],
    "accounts.School": lambda row: EVERYONE,
    "accounts.Municipality": lambda row: EVERYONE,
    "courses.Course": lambda row: EVERYONE,
    "courses.Module": lambda row: EVERYONE,
    "courses.Lesson": lambda row: EVERYONE,
    "courses.Assignment": lambda row: EVERYONE,
    "cohorts.Cohort": lambda row: [f"cohort:{row.pk}", *EVERYONE],
    "cohorts.LiveSession": _cohort,
    "cohorts.Announcement": _cohort,
    "cohorts.Enrollment": _enrollment,
    "cohorts.Nomination": _by_enrollment,
    "cohorts.LessonProgress": _by_enrollment,
    "cohorts.Submission": _by_enrollment,
    "cohorts.SubmissionVersion": lambda row: enrollment_scopes(row.submission.enrollment_id),
    "cohorts.Review": lambda row: enrollment_scopes(row.version.submission.enrollment_id),
    "cohorts.Question": lambda row: [*enrollment_scopes(row.enrollment_id), f"cohort:{row.cohort_id}"],
    "cohorts.AnnouncementRead": _by_enrollment,
    "cohorts.Attendance": _by_enrollment,
    "surveys.Survey": lambda row: EVERYONE,
    "surveys.Participation": lambda row: _people(row.user_id),
    "surveys.Response": lambda row: _people(row.respondent_id),
    "surveys.Draft": lambda row: _people(row.user_id),
    "surveys.CompetencyScore": lambda row: _people(row.user_id),
    "communities.Community": lambda row: EVERYONE,
    "communities.Event": lambda row: EVERYONE,
    "communities.Membership": lambda row: _people(row.user_id),
    "communities.Registration": lambda row: _teachers_scopes([row.user_id]),  # attended events count in hours
    "mentoring.MentorProfile": lambda row: _people(row.user_id),
    "mentoring.MentoringPair": lambda pair: _teachers_scopes([pair.mentor_id, pair.mentee_id]),  # hours too
    "mentoring.PairGoal": lambda row: _pair(row.pair),
    "mentoring.Meeting": lambda row: _pair(row.pair),
    "mentoring.Feedback": lambda row: _pair(row.pair),
    "mentoring.DevelopmentPlan": lambda row: _people(row.teacher_id),
    "mentoring.PlanGoal": lambda row: _people(row.plan.teacher_id),
}


def _changed(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures (loaddata) load rows as they are
        return
    try:
        scopes = SCOPES_OF[sender._meta.label](instance)
    except ObjectDoesNotExist:  # a parent gone in the same cascade: renew everything rather than guess
        scopes = EVERYONE
    scopes_changed(*scopes)


def _relation_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        scopes_changed(*EVERYONE)


def connect() -> None:
    """Called from PdplatformConfig.ready()."""
    for label in SCOPES_OF:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"scopes-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"scopes-delete-{label}")
    for label in ("surveys.Survey", "cohorts.Cohort", "courses.Course"):  # audiences, curators, subjects
        for field in apps.get_model(label)._meta.many_to_many:
            m2m_changed.connect(_relation_changed, sender=field.remote_field.through,
                                dispatch_uid=f"scopes-m2m-{label}-{field.name}")
