"""Thin, idempotent tasks: load ids, call a service."""

from celery import shared_task

from cohorts.models import Cohort
from core.jobs import RETRY

from . import services
from .models import Event, Post


@shared_task(ignore_result=True, **RETRY)
def post_notify(post_id: int) -> int:
    """Notifications for a new post; the notifications module's dedupe key makes a second run send nothing."""
    post = (
        Post.objects.select_related("topic", "topic__community", "author", "reply_to")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        return 0
    return services.post_send_notifications(post=post)


@shared_task(ignore_result=True, **RETRY)
def cohort_communities_sync(batch_size: int = 200) -> int:
    """Periodic: every cohort's community follows its enrolments and curators (created on first run)."""
    done = 0
    ids = list(
        Cohort.objects.exclude(status__in=[Cohort.Status.DRAFT, Cohort.Status.ARCHIVED]).values_list(
            "pk", flat=True
        )
    )
    for start in range(0, len(ids), batch_size):
        for cohort in Cohort.objects.filter(pk__in=ids[start : start + batch_size]):
            services.cohort_community_sync(cohort=cohort)
            done += 1
    return done


@shared_task(ignore_result=True, **RETRY)
def event_changed_notify(event_id: int, sequence: int) -> int:
    """The registered and the waiting are told of a change once (dedupe key: event and SEQUENCE)."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    return services.event_send_changed(event=event, sequence=sequence)
