"""One person can never see, read or mark another person's notifications (404), and nothing changes."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories import CuratorFactory, SchoolAdminFactory, TeacherFactory, UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("intruder_factory", [TeacherFactory, CuratorFactory, SchoolAdminFactory])
def test_another_persons_notification_is_not_found_and_unchanged(client, intruder_factory):
    owner = TeacherFactory()
    notification = NotificationFactory(recipient=owner, title="Private: your grade")
    client.force_login(intruder_factory())
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    assert (
        client.post(reverse("notifications:read", args=[notification.pk]), HTTP_HX_REQUEST="true").status_code
        == 404
    )
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    assert "Private: your grade" not in client.get(reverse("notifications:list")).content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_even_staff_see_only_their_own(client):
    owner = TeacherFactory()
    NotificationFactory(recipient=owner, title="Private: your grade")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "Private: your grade" not in client.get(reverse("notifications:list")).content.decode()


@pytest.mark.parametrize("name", ["notifications:list", "notifications:preferences"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_anonymous_cannot_mark(client):
    notification = NotificationFactory()
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
