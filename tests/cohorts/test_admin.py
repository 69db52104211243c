import pytest
from django.urls import reverse

from accounts.roles import sync_role_groups
from cohorts.models import BulkOperation, Cohort
from tests.factories import CuratorFactory

from .factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _groups():
    sync_role_groups()


def test_curator_sees_only_their_cohorts_in_the_admin(client):
    curator = CuratorFactory()
    mine = CohortFactory(curators=[curator], title="Mine")
    CohortFactory(title="Not mine")
    client.force_login(curator)
    page = client.get(reverse("admin:cohorts_cohort_changelist")).content.decode()
    assert "Mine" in page and "Not mine" not in page
    assert client.get(reverse("admin:cohorts_cohort_change", args=[mine.pk])).status_code == 200
    other = Cohort.objects.get(title="Not mine")
    assert client.get(reverse("admin:cohorts_cohort_change", args=[other.pk])).status_code == 302  # "doesn't exist"


def test_split_action_runs_as_a_bulk_operation(client, django_capture_on_commit_callbacks):
    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator], capacity=10)
    EnrollmentFactory.create_batch(5, cohort=cohort)
    client.force_login(curator)
    url = reverse("admin:cohorts_cohort_changelist")
    form = client.post(url, {"action": "split_action", "_selected_action": [cohort.pk]})
    assert form.status_code == 200 and "Number of groups" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "split_action", "_selected_action": [cohort.pk], "groups": 2, "max_size": 3, "unscored": "spread"}
        )
    op = BulkOperation.objects.get()
    assert response["Location"] == reverse("cohorts:bulk", args=[op.pk])
    op.refresh_from_db()
    assert (op.state, op.done, op.total) == ("done", 5, 5)
    assert [g.enrollments.count() for g in cohort.groups.order_by("pk")] == [3, 2]
    assert client.get(reverse("cohorts:bulk", args=[op.pk])).status_code == 200


def test_move_action_moves_in_the_background(client, django_capture_on_commit_callbacks):
    curator = CuratorFactory()
    source = CohortFactory(curators=[curator])
    target = CohortFactory(course=source.course, curators=[curator])
    enrollments = EnrollmentFactory.create_batch(3, cohort=source)
    client.force_login(curator)
    url = reverse("admin:cohorts_enrollment_changelist")
    ids = [e.pk for e in enrollments]
    assert client.post(url, {"action": "move_action", "_selected_action": ids}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "move_action", "_selected_action": ids, "to_cohort": target.pk})
    assert response.status_code == 302
    assert target.enrollments.filter(state="enrolled").count() == 3
    assert source.enrollments.filter(state="withdrawn").count() == 3
