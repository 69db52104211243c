"""Write limits per person (PDP_RATE_LIMITS): one account posting at full speed is refused with 429 past
its limit, on the page (the text kept) and through the API alike, nothing is stored, and others are not
affected. The clock is held 20 s into a minute, so a "/m" limit asks to wait 40 s."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities import services
from communities.models import Attachment, Material, Post, Topic
from core.ratelimit import RateLimited

from .factories import PNG, CommunityFactory, member

pytestmark = pytest.mark.django_db

WAIT = "Too many attempts in a short time. Please wait 40 s and try again."


def _reply(client, topic, body):
    return client.post(reverse("communities:topic_reply", args=[topic.pk]), {"body": body})


def _api(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_replies_past_the_limit_get_429_on_the_page_with_the_text_kept_and_nothing_stored(
    client, settings, clock
):
    settings.RATE_LIMITS = "post=3/m"
    club = CommunityFactory()
    eager, other = member(club), member(club)
    topic = services.topic_create(community=club, author=other, title="Fractions", body="How do you start?")
    client.force_login(eager)
    for number in range(3):
        assert _reply(client, topic, f"reply {number}").status_code == 302
    refused = _reply(client, topic, "My fourth reply, written with care")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    page = refused.content.decode()
    assert WAIT in page
    assert "My fourth reply, written with care</textarea>" in page
    # the refused text is the writer's draft when they come back, never in the page others see
    assert "My fourth reply" in client.get(reverse("communities:topic", args=[topic.pk])).content.decode()
    client.force_login(other)
    assert "My fourth reply" not in client.get(reverse("communities:topic", args=[topic.pk])).content.decode()
    assert list(Post.objects.filter(topic=topic).order_by("number").values_list("body", flat=True)) == [
        "How do you start?",
        "reply 0",
        "reply 1",
        "reply 2",
    ]
    client.force_login(other)
    assert _reply(client, topic, "not affected").status_code == 302
    clock.value += 40  # the next window
    client.force_login(eager)
    assert _reply(client, topic, "after the wait").status_code == 302
    assert Post.objects.filter(topic=topic).count() == 6


def test_replies_through_the_api_share_the_limit_and_get_429_in_the_api_error_shape(client, settings, clock):
    settings.RATE_LIMITS = "post=3/m"
    club = CommunityFactory()
    eager, other = member(club), member(club)
    topic = services.topic_create(community=club, author=other, title="Fractions", body="How do you start?")
    client.force_login(eager)
    assert _reply(client, topic, "on the page 1").status_code == 302
    assert _reply(client, topic, "on the page 2").status_code == 302
    assert _api(client, "/api/v1/community-posts/", {"topic": topic.pk, "body": "api 1"}).status_code == 201
    refused = _api(client, "/api/v1/community-posts/", {"topic": topic.pk, "body": "api 2"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert refused.json() == {"detail": [WAIT]}
    assert Post.objects.filter(topic=topic).count() == 4
    client.force_login(other)
    assert (
        _api(client, "/api/v1/community-posts/", {"topic": topic.pk, "body": "not affected"}).status_code
        == 201
    )


def test_new_topics_past_the_limit_get_429_on_the_page_and_in_the_api(client, settings, clock):
    settings.RATE_LIMITS = "topic=2/m"
    club = CommunityFactory(slug="club")
    eager, other = member(club), member(club)
    client.force_login(eager)
    url = reverse("communities:topic_create", args=["club"])
    assert client.post(url, {"title": "One topic", "body": "first text"}).status_code == 302
    assert (
        _api(
            client, "/api/v1/community-topics/", {"community": "club", "title": "Two topic", "body": "second"}
        ).status_code
        == 201
    )
    refused = client.post(url, {"title": "Three, carefully titled", "body": "third"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert WAIT in refused.content.decode()
    assert 'value="Three, carefully titled"' in refused.content.decode()
    by_api = _api(
        client, "/api/v1/community-topics/", {"community": "club", "title": "Four topic", "body": "fourth"}
    )
    assert by_api.status_code == 429
    assert by_api["Retry-After"] == "40"
    assert by_api.json() == {"detail": [WAIT]}
    assert sorted(Topic.objects.values_list("title", flat=True)) == ["One topic", "Two topic"]
    assert Post.objects.count() == 2
    client.force_login(other)
    assert client.post(url, {"title": "Not affected", "body": "mine too"}).status_code == 302


def test_materials_with_uploads_past_the_limit_get_429_and_no_file_is_stored(client, settings, clock):
    settings.RATE_LIMITS = "material=2/m"
    club = CommunityFactory(slug="lib")
    eager, other = member(club), member(club)
    url = reverse("communities:material_create", args=["lib"])

    def share(title):
        return client.post(
            url,
            {
                "title": title,
                "kind": "lesson_plan",
                "description": "A plan",
                "files": [SimpleUploadedFile("plan.png", PNG)],
            },
        )

    client.force_login(eager)
    assert share("One").status_code == 302
    assert share("Two").status_code == 302
    refused = share("Three, a good one")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert WAIT in refused.content.decode()
    assert 'value="Three, a good one"' in refused.content.decode()
    assert sorted(Material.objects.values_list("title", flat=True)) == ["One", "Two"]
    assert Attachment.objects.count() == 2
    client.force_login(other)
    assert share("Not affected").status_code == 302
    assert Attachment.objects.count() == 3


def test_the_services_apply_the_limit_for_every_caller(settings, clock):
    settings.RATE_LIMITS = "post=1/m,topic=1/m,material=1/m"
    club = CommunityFactory()
    author = member(club)
    topic = services.topic_create(community=club, author=author, title="T topic", body="b text")
    services.post_create(topic=topic, author=author, body="one text")
    services.material_create(community=club, author=author, title="M topic", description="d")
    with pytest.raises(RateLimited) as refused:
        services.topic_create(community=club, author=author, title="T2 topic", body="b text")
    assert refused.value.retry_after == 40
    with pytest.raises(RateLimited):
        services.post_create(topic=topic, author=author, body="two")
    with pytest.raises(RateLimited):
        services.material_create(community=club, author=author, title="M2", description="d")
    assert (Topic.objects.count(), Post.objects.count(), Material.objects.count()) == (1, 2, 1)
