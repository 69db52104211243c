import pytest

from communities import selectors, services, tasks
from communities.models import Membership
from tests.cohorts.factories import CohortFactory, EnrollmentFactory
from tests.factories import CuratorFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def test_cohort_community_follows_the_cohort_at_once_and_the_sync_only_repairs():
    cohort = CohortFactory(title="Функциональная грамотность, поток 1")
    curator = CuratorFactory()
    cohort.curators.add(curator)
    enrolled = EnrollmentFactory(cohort=cohort)
    waiting = EnrollmentFactory(cohort=cohort, state="waitlisted")
    community = services.community_for_cohort(cohort)
    assert community.kind == "cohort" and community.is_closed and community.name == cohort.title
    assert services.community_for_cohort(cohort).pk == community.pk
    roles = dict(Membership.objects.filter(community=community).values_list("user_id", "role"))
    assert roles == {curator.pk: "moderator", enrolled.teacher_id: "member"}
    # A hand-added guest stays; a withdrawn teacher leaves; a newly enrolled one joins — on save, no sweep.
    guest = TeacherFactory()
    Membership.objects.create(community=community, user=guest)
    enrolled.state = "withdrawn"
    enrolled.save()
    waiting.state = "enrolled"
    waiting.save(update_fields=["state"])
    assert set(Membership.objects.filter(community=community).values_list("user_id", flat=True)) == {
        curator.pk,
        waiting.teacher_id,
        guest.pk,
    }
    assert services.cohort_community_sync(cohort=cohort) == {"added": 0, "removed": 0}
    # A bulk update sends no signal: the periodic sync repairs it.
    type(enrolled).objects.filter(pk=waiting.pk).update(state="withdrawn")
    assert services.cohort_community_sync(cohort=cohort) == {"added": 0, "removed": 1}


def test_cohort_community_hidden_from_catalogue_and_not_joinable():
    cohort = CohortFactory()
    community = services.community_for_cohort(cohort)
    outsider = TeacherFactory()
    assert community not in selectors.communities_listed_for(outsider)
    with pytest.raises(services.CommunityError):
        services.membership_join(community=community, user=outsider)


def test_periodic_sync_task_creates_spaces_for_running_cohorts():
    running = CohortFactory(status="running")
    EnrollmentFactory(cohort=running)
    CohortFactory(status="draft")
    assert tasks.cohort_communities_sync() == 1
    assert tasks.cohort_communities_sync() == 1
    assert Membership.objects.filter(community__cohort=running).count() == 1
