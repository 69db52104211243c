"""The cohort's space follows the cohort at once, in the transaction that changed it (issue: communities,
item 7): a cohort that opens gets its space with its curators; an enrolment that takes or gives up a seat
joins or leaves it; a curator added or removed moderates or leaves. Nobody waits for the periodic
`cohort_communities_sync`, which stays only to repair rows changed by bulk updates (they send no signal).
Connected in CommunitiesConfig.ready()."""

from django.db.models.signals import m2m_changed, post_save

from cohorts.models import Cohort, Enrollment

from . import services

LIVE = (Cohort.Status.OPEN, Cohort.Status.RUNNING, Cohort.Status.FINISHED)


def _cohort_saved(sender, instance: Cohort, raw=False, **kwargs) -> None:
    if not raw and instance.status in LIVE:
        services.cohort_community_sync(cohort=instance)


def _enrollment_saved(
    sender, instance: Enrollment, created=False, raw=False, update_fields=None, **kwargs
) -> None:
    """Only when the state may have changed: progress and other saves with `update_fields` cost nothing."""
    if raw or (not created and update_fields is not None and "state" not in update_fields):
        return
    services.cohort_member_follow(cohort=instance.cohort, user_id=instance.teacher_id)


def _curators_changed(sender, instance, action: str, pk_set=None, reverse=False, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # user.curated_cohorts.add(cohort): `instance` is the person, pk_set the cohorts
        for cohort in Cohort.objects.filter(pk__in=pk_set or (), status__in=LIVE):
            services.cohort_member_follow(cohort=cohort, user_id=instance.pk)
    elif instance.status in LIVE:
        services.cohort_community_sync(cohort=instance)


def connect() -> None:
    post_save.connect(_cohort_saved, sender=Cohort, dispatch_uid="communities.cohort_saved")
    post_save.connect(_enrollment_saved, sender=Enrollment, dispatch_uid="communities.enrollment_saved")
    m2m_changed.connect(
        _curators_changed, sender=Cohort.curators.through, dispatch_uid="communities.curators_changed"
    )
