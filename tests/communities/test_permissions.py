"""A closed community's content is invisible to non-members through every channel; nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities import services
from communities.models import Post, Registration, Topic
from notifications.models import Notification
from tests.factories import SchoolAdminFactory, TeacherFactory

from .factories import PDF, PNG, CommunityFactory, EventFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(django_capture_on_commit_callbacks):
    community = CommunityFactory(name="Secret council", slug="secret", is_closed=True)
    author = member(community)
    moderator = member(community, role="moderator")
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(
            community=community,
            author=author,
            title="Confidential fractions plan",
            body="Secret quadratic content",
            files=[SimpleUploadedFile("plan.png", PNG)],
        )
        services.post_create(topic=topic, author=moderator, body="Reply about quadratic things")
    material = services.material_create(
        community=community,
        author=author,
        title="Hidden worksheet",
        description="quadratic",
        files=[SimpleUploadedFile("w.pdf", PDF)],
    )
    event = EventFactory(community=community, title="Closed webinar", created_by=moderator)
    return {
        "community": community,
        "author": author,
        "moderator": moderator,
        "topic": topic,
        "post": topic.posts.get(number=1),
        "material": material,
        "event": event,
        "image": topic.posts.get(number=1).attachments.get(),
        "file": material.attachments.get(),
    }


@pytest.fixture(params=["teacher", "pending", "school_admin"])
def outsider(request, closed):
    if request.param == "pending":
        user = TeacherFactory()
        services.membership_join(community=closed["community"], user=user)
        return user
    return TeacherFactory() if request.param == "teacher" else SchoolAdminFactory()


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_pages_404_for_outsiders(client, closed, outsider):
    urls = [
        reverse("communities:topic", args=[closed["topic"].pk]),
        reverse("communities:topic_unread", args=[closed["topic"].pk]),
        reverse("communities:members", args=["secret"]),
        reverse("communities:materials", args=["secret"]),
        reverse("communities:material", args=[closed["material"].pk]),
        reverse("communities:events", args=["secret"]),
        reverse("communities:event", args=[closed["event"].pk]),
        reverse("communities:event_ics", args=[closed["event"].pk]),
        reverse("communities:post_edit", args=[closed["post"].pk]),
        reverse("communities:post_report", args=[closed["post"].pk]),
        reverse("communities:suggestions", args=["secret"]),
        reverse("communities:attachment", args=[closed["image"].pk]),
        reverse("communities:attachment", args=[closed["file"].pk]),
    ]
    for url in urls:
        assert _get(client, outsider, url).status_code == 404, url
    page = _get(client, outsider, reverse("communities:detail", args=["secret"]))
    assert page.status_code == 200
    assert b"Confidential" not in page.content and b"Closed webinar" not in page.content


def test_search_and_suggestions_hide_closed_content(client, closed, outsider):
    page = _get(client, outsider, reverse("communities:search"), q="quadratic")
    assert b"Confidential" not in page.content and b"search-result" not in page.content
    member_page = _get(client, closed["author"], reverse("communities:search"), q="quadratic")
    assert b"Confidential fractions plan" in member_page.content


def test_api_hides_closed_content(client, closed, outsider):
    client.force_login(outsider)
    assert client.get(f"/api/v1/community-topics/{closed['topic'].pk}/").status_code == 404
    assert client.get("/api/v1/community-topics/", {"community": "secret"}).json()["results"] == []
    assert client.get("/api/v1/community-posts/", {"topic": closed["topic"].pk}).json()["results"] == []
    assert client.get(f"/api/v1/community-posts/{closed['post'].pk}/").status_code == 404
    assert client.get(f"/api/v1/community-events/{closed['event'].pk}/").status_code == 404
    assert closed["event"].pk not in [
        e["id"] for e in client.get("/api/v1/community-events/").json()["results"]
    ]


def test_writes_refused_and_nothing_changes(client, closed, outsider):
    client.force_login(outsider)
    topic, post = closed["topic"], closed["post"]
    before = (Post.objects.count(), Topic.objects.count(), Registration.objects.count())
    responses = [
        client.post(reverse("communities:topic_reply", args=[topic.pk]), {"body": "intrusion"}),
        client.post(reverse("communities:post_react", args=[post.pk]), {"kind": "useful"}),
        client.post(reverse("communities:post_delete", args=[post.pk])),
        client.get(reverse("communities:post_reactions", args=[post.pk])),
        client.post(reverse("communities:topic_solution", args=[topic.pk]), {"post": post.pk}),
        client.post(reverse("communities:topic_moderate", args=[topic.pk]), {"action": "lock"}),
        client.post(reverse("communities:post_hide", args=[post.pk]), {"hidden": "1"}),
        client.post(reverse("communities:event", args=[closed["event"].pk]), {"action": "register"}),
        client.post("/api/v1/community-posts/", {"topic": topic.pk, "body": "intrusion"}),
        client.post("/api/v1/community-topics/", {"community": "secret", "title": "t", "body": "b"}),
        client.post(f"/api/v1/community-events/{closed['event'].pk}/register/"),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    refused = client.post(
        reverse("communities:topic_create", args=["secret"]), {"title": "x", "body": "y"}, follow=True
    )
    assert "Only members of this closed community can do this. Ask to join first." in refused.content.decode()
    assert b"Confidential" not in refused.content
    assert (Post.objects.count(), Topic.objects.count(), Registration.objects.count()) == before
    topic.refresh_from_db()
    assert not topic.is_locked and topic.solution_id is None


def test_feed_token_stops_working_when_membership_ends(client, closed):
    from communities.views import feed_token

    author = closed["author"]
    url = reverse("communities:feed", args=[feed_token(author, closed["community"])])
    assert b"Closed webinar" in client.get(url).content
    closed["community"].memberships.filter(user=author).delete()
    assert client.get(url).status_code == 404
    assert client.get(reverse("communities:feed", args=["forged"])).status_code == 404


def test_notifications_never_reach_outsiders(closed, django_capture_on_commit_callbacks):
    outsider = TeacherFactory(email="outsider@example.org")
    community = closed["community"]
    topic = closed["topic"]
    # A former member who still follows the topic and is mentioned by name, and an outsider mentioned.
    services.topic_set_following(topic=topic, user=closed["author"], level="watching")
    community.memberships.filter(user=closed["author"]).delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            topic=topic,
            author=closed["moderator"],
            body=f"Hi @[Outsider](user:{outsider.pk}) and @[Author](user:{closed['author'].pk})",
        )
    assert not Notification.objects.filter(
        recipient__in=[outsider, closed["author"]], url__startswith=f"/communities/t/{topic.pk}/"
    ).exists()


def test_member_cannot_moderate_or_edit_others(client, closed):
    other = member(closed["community"])
    client.force_login(other)
    post = closed["post"]
    opened = client.get(reverse("communities:post_edit", args=[post.pk]))  # the form itself is refused
    assert opened.status_code == 403
    assert "You can edit only your own posts." in opened.content.decode()
    assert "<textarea" not in opened.content.decode()
    response = client.post(reverse("communities:post_edit", args=[post.pk]), {"body": "changed"})
    assert response.status_code == 403 and "You can edit only your own posts." in response.content.decode()
    client.post(reverse("communities:topic_moderate", args=[closed["topic"].pk]), {"action": "hide"})
    post.refresh_from_db()
    closed["topic"].refresh_from_db()
    assert post.body == "Secret quadratic content" and not closed["topic"].is_hidden


def test_hidden_topic_invisible_to_members_but_not_moderators(client, closed):
    services.topic_moderate(topic=closed["topic"], by=closed["moderator"], hidden=True)
    other = member(closed["community"])
    assert _get(client, other, reverse("communities:topic", args=[closed["topic"].pk])).status_code == 404
    assert (
        _get(client, other, reverse("communities:attachment", args=[closed["image"].pk])).status_code == 404
    )
    assert (
        _get(client, closed["moderator"], reverse("communities:topic", args=[closed["topic"].pk])).status_code
        == 200
    )


def test_anonymous_redirected_to_login(client, closed):
    response = client.get(reverse("communities:topic", args=[closed["topic"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/community-topics/", {"community": "secret"}).status_code in {401, 403}
