import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification, NotificationPreference
from tests.factories import TeacherFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notifications/"


@pytest.fixture
def api():
    return APIClient()


def test_list_is_own_unread_first(api):
    user = TeacherFactory()
    NotificationFactory(recipient=user, title="Read", read_at=timezone.now())
    NotificationFactory(recipient=user, title="Unread")
    NotificationFactory(title="Someone else's")
    api.force_authenticate(user)
    body = api.get(BASE).json()
    assert [n["title"] for n in body["results"]] == ["Unread", "Read"]
    assert body["results"][0]["is_read"] is False
    assert api.get(f"{BASE}unread-count/").json() == {"unread": 1}


def test_mark_read_and_all_read(api):
    user = TeacherFactory()
    first, _second = NotificationFactory.create_batch(2, recipient=user)
    api.force_authenticate(user)
    response = api.post(f"{BASE}{first.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert api.post(f"{BASE}read-all/").json() == {"marked": 1}
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_another_persons_notification_is_404_and_unchanged(api):
    other = NotificationFactory()
    api.force_authenticate(TeacherFactory())
    assert api.get(f"{BASE}{other.pk}/").status_code == 404
    assert api.post(f"{BASE}{other.pk}/read/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_anonymous_is_refused(api):
    assert api.get(BASE).status_code in (401, 403)
    assert api.post(f"{BASE}read-all/").status_code in (401, 403)


def test_preferences(api):
    user = TeacherFactory()
    api.force_authenticate(user)
    rows = api.get(f"{BASE}preferences/").json()
    assert {"kind": "community_post", "label": "New posts in your communities", "delivery": "digest"} in rows
    response = api.post(f"{BASE}preferences/", {"kind": "review_done", "delivery": "off"}, format="json")
    assert response.status_code == 200 and response.json()["delivery"] == "off"
    assert (
        api.post(f"{BASE}preferences/", {"kind": "nope", "delivery": "off"}, format="json").status_code == 400
    )
    assert (
        api.post(f"{BASE}preferences/", {"kind": "mention", "delivery": "x"}, format="json").status_code
        == 400
    )
    assert list(NotificationPreference.objects.values_list("kind", "delivery")) == [("review_done", "off")]


def test_schema_documents_the_endpoints(api):
    schema = api.get("/api/schema/").content.decode()
    assert "/api/v1/notifications/{id}/read/" in schema
    assert "/api/v1/notifications/unread-count/" in schema
