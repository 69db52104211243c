import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Delivery
from notifications.models import Notification, NotificationPreference
from notifications.services import DIGEST, preference_set, unsubscribe_token
from tests.factories import TeacherFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")


def test_list_shows_unread_first_then_newest(client):
    user = TeacherFactory()
    old_unread = NotificationFactory(
        recipient=user, title="Old unread", created_at=timezone.now() - timezone.timedelta(days=2)
    )
    NotificationFactory(recipient=user, title="New read", read_at=timezone.now())
    NotificationFactory(recipient=user, title="New unread")
    client.force_login(user)
    page = client.get(LIST).content.decode()
    order = [page.index(t) for t in ["New unread", "Old unread", "New read"]]
    assert order == sorted(order)
    assert f'id="notification-{old_unread.pk}"' in page
    assert page.count("Mark as read") == 2


def test_empty_state(client):
    client.force_login(TeacherFactory())
    response = client.get(LIST)
    assert response.status_code == 200
    assert "No notifications yet." in response.content.decode()
    assert 'id="mark-all-read"' not in response.content.decode()


def test_list_is_paginated(client, settings):
    settings.PAGE_SIZE = 5
    user = TeacherFactory()
    NotificationFactory.create_batch(12, recipient=user)
    client.force_login(user)
    first = client.get(LIST).content.decode()
    assert first.count('class="list-group-item') == 5
    assert "Page 1 of 3" in first
    last = client.get(LIST, {"page": 3}).content.decode()
    assert last.count('class="list-group-item') == 2
    assert client.get(LIST, {"page": "junk"}).status_code == 200


def test_navbar_badge_shows_unread_count(client):
    user = TeacherFactory()
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(recipient=user, read_at=timezone.now())
    NotificationFactory()  # someone else's
    client.force_login(user)
    page = client.get(reverse("cabinet")).content.decode()
    badge = re.search(r'<span id="notifications-badge"[^>]*data-count="(\d+)"', page)
    assert badge.group(1) == "3"


def test_badge_costs_one_query(rf):
    from notifications.context_processors import unread_count

    user = TeacherFactory()
    NotificationFactory.create_batch(2, recipient=user)
    request = rf.get("/")
    request.user = user
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        context = unread_count(request)
        assert len(queries) == 0  # lazy: nothing until a template shows it
        assert int(str(context["notifications_unread"])) == 2
        assert str(context["notifications_unread"]) == "2"
    assert len(queries) == 1


def test_mark_read_without_js_redirects_back(client):
    user = TeacherFactory()
    notification = NotificationFactory(recipient=user)
    client.force_login(user)
    response = client.post(reverse("notifications:read", args=[notification.pk]), {"page": "2"})
    assert response.status_code == 302
    assert response.url == f"{LIST}?page=2"
    notification.refresh_from_db()
    assert notification.read_at is not None
    first_read = notification.read_at
    client.post(reverse("notifications:read", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_mark_read_with_htmx_returns_the_item_and_the_badge(client):
    user = TeacherFactory()
    notification = NotificationFactory(recipient=user)
    NotificationFactory(recipient=user)
    client.force_login(user)
    response = client.post(reverse("notifications:read", args=[notification.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in body
    assert "Mark as read" not in body
    assert 'hx-swap-oob="true"' in body and 'data-count="1"' in body


def test_mark_all_read(client):
    user = TeacherFactory()
    NotificationFactory.create_batch(3, recipient=user)
    client.force_login(user)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert response.status_code == 200
    assert "All notifications are marked as read." in response.content.decode()
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0


def test_read_needs_post(client):
    user = TeacherFactory()
    notification = NotificationFactory(recipient=user)
    client.force_login(user)
    assert client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_open_by_post_marks_read_and_follows_the_link(client):
    user = TeacherFactory()
    notification = NotificationFactory(recipient=user, url="/cabinet/")
    client.force_login(user)
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/cabinet/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    # A link that is not on this site (written around the service) is not followed.
    bad = NotificationFactory(recipient=user, url="https://evil.example/")
    assert client.post(reverse("notifications:open", args=[bad.pk])).url == LIST


def test_open_by_get_follows_the_link_and_changes_nothing(client):
    """A mail scanner or a prefetching browser GETs every link: that must not mark anything read."""
    user = TeacherFactory()
    notification = NotificationFactory(recipient=user, url="/cabinet/")
    client.force_login(user)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/cabinet/"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_list_opens_by_post(client):
    user = TeacherFactory()
    notification = NotificationFactory(recipient=user, url="/cabinet/")
    client.force_login(user)
    html = client.get(LIST).content.decode()
    assert f'<form method="post" action="{reverse("notifications:open", args=[notification.pk])}"' in html
    assert f'href="{reverse("notifications:open", args=[notification.pk])}"' not in html


def test_another_persons_notification_cannot_be_opened(client):
    notification = NotificationFactory(recipient=TeacherFactory(), url="/cabinet/")
    client.force_login(TeacherFactory())
    assert client.post(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_preferences_page_saves_each_kind(client):
    user = TeacherFactory()
    client.force_login(user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Your work was reviewed" in page
    assert 'name="community_post" value="digest" id="id_community_post_1" checked' in page
    data = {code: "immediately" for code in re.findall(r'name="([a-z_]+)" value="immediately"', page)}
    data.update({"review_done": "off", "announcement": "digest"})
    response = client.post(reverse("notifications:preferences"), data, follow=True)
    assert "Your notification settings are saved." in response.content.decode()
    prefs = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    assert prefs["review_done"] == "off"
    assert prefs["announcement"] == "digest"
    assert prefs["community_post"] == "immediately"


def test_preferences_with_a_bad_choice_change_nothing(client):
    user = TeacherFactory()
    client.force_login(user)
    response = client.post(reverse("notifications:preferences"), {"review_done": "sometimes"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert NotificationPreference.objects.count() == 0


# --- unsubscribe ------------------------------------------------------------------------------------


def test_unsubscribe_get_confirms_and_post_applies():
    user = TeacherFactory()
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, kind="review_done")])
    client = Client()  # no login: the link works from any mail client
    page = client.get(url)
    assert page.status_code == 200
    assert "Your work was reviewed" in page.content.decode()
    assert NotificationPreference.objects.count() == 0  # GET changes nothing (link scanners)
    done = client.post(url)
    assert done.status_code == 200
    assert "will no longer receive" in done.content.decode()
    assert NotificationPreference.objects.get(user=user, kind="review_done").delivery == "off"


def test_one_click_unsubscribe_rfc8058_without_csrf_token():
    user = TeacherFactory()
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, kind="announcement")])
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=user, kind="announcement").delivery == "off"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: (
            "eyJ1Ijo5OTksImsiOiJyZXZpZXdfZG9uZSJ9" + t[t.index(":") :]
        ),  # another user id, old signature
        lambda t: "garbage",
        lambda t: t.split(":")[0],
    ],
)
def test_tampered_unsubscribe_token_is_refused_and_changes_nothing(mangle):
    user = TeacherFactory()
    preference_set(user=user, kind="review_done", delivery=Delivery.IMMEDIATELY)
    token = mangle(unsubscribe_token(user=user, kind="review_done"))
    response = Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This unsubscribe link is not valid." in response.content.decode()
    assert list(NotificationPreference.objects.values_list("kind", "delivery")) == [
        ("review_done", "immediately")
    ]


def test_token_of_an_inactive_user_is_refused():
    user = TeacherFactory(is_active=False)
    token = unsubscribe_token(user=user, kind="review_done")
    assert Client().post(reverse("notifications:unsubscribe", args=[token])).status_code == 400
    assert NotificationPreference.objects.count() == 0


def test_digest_unsubscribe_turns_every_digest_kind_off():
    user = TeacherFactory()
    preference_set(user=user, kind="announcement", delivery=Delivery.DIGEST)
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, kind=DIGEST)])
    assert "Daily digest" in Client().get(url).content.decode()
    Client().post(url)
    prefs = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    assert prefs == {"announcement": "off", "community_post": "off"}


def test_unsubscribe_link_in_a_mail_works_end_to_end(django_capture_on_commit_callbacks):
    from notifications.services import notification_send

    user = TeacherFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=user, kind="question_answered", title="Answered")
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    path = re.search(r"<https?://[^/]+(/[^>]+)>", header).group(1)
    assert path in mail.outbox[0].body
    Client().post(path)
    assert NotificationPreference.objects.get(user=user, kind="question_answered").delivery == "off"
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_send(recipient=user, kind="question_answered", title="Again") is None
    assert len(mail.outbox) == 1


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 40])
def test_list_queries_do_not_grow(client, size, django_assert_max_num_queries):
    user = TeacherFactory()
    NotificationFactory.create_batch(size, recipient=user)
    NotificationFactory.create_batch(size // 2, recipient=user, read_at=timezone.now())
    client.force_login(user)
    with django_assert_max_num_queries(7):
        response = client.get(LIST)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 40])
def test_preferences_queries_do_not_grow(client, size, django_assert_max_num_queries):
    user = TeacherFactory()
    NotificationFactory.create_batch(size, recipient=user)
    client.force_login(user)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("notifications:preferences")).status_code == 200
