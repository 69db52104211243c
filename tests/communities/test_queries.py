"""Constant queries per page at two data sizes (a topic with 2,000 posts, the community page, search)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Attachment, Post, Reaction, Topic, TopicRead
from communities.search import refresh_search_vectors

from .factories import PNG, CommunityFactory, EventFactory, TopicFactory, member, post_html

pytestmark = pytest.mark.django_db


def _topic_with_posts(community, authors, n: int) -> Topic:
    topic = TopicFactory(
        community=community, author=authors[0], title=f"Topic with {n} posts about fractions"
    )
    posts = [
        Post(
            topic=topic,
            number=i,
            author=authors[i % len(authors)],
            body=f"fractions answer {i}",
            body_html=post_html(f"fractions answer {i}"),
        )
        for i in range(1, n + 1)
    ]
    Post.objects.bulk_create(posts, batch_size=500)
    refresh_search_vectors(topic_ids=[topic.pk])  # what the services do per post (PostgreSQL only)
    Topic.objects.filter(pk=topic.pk).update(post_count=n, last_post_at=timezone.now())
    saved = list(Post.objects.filter(topic=topic).order_by("number").values_list("pk", flat=True))
    for pk in saved[-20:]:
        Post.objects.filter(pk=pk).update(reply_to_id=saved[0])
        Reaction.objects.create(post_id=pk, user=authors[1])
    Attachment.objects.create(
        post_id=saved[-1],
        uploaded_by=authors[0],
        file="communities/x.png",
        original_name="x.png",
        content_type="image/png",
        extension="png",
        size=len(PNG),
        is_image=True,
    )
    topic.refresh_from_db()
    return topic


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_topic_page_constant_queries_small_and_2000_posts(client, django_assert_max_num_queries):
    community = CommunityFactory()
    authors = [member(community) for _ in range(5)]
    reader = authors[2]
    small = _topic_with_posts(community, authors, 30)
    big = _topic_with_posts(community, authors, 2000)
    client.force_login(reader)
    counts = {}
    for topic in (small, big):
        last = (topic.post_count - 1) // 20 + 1
        url = reverse("communities:topic", args=[topic.pk])
        first_visit = _count(client, f"{url}?page={last}")  # creates the read marker
        TopicRead.objects.filter(topic=topic, user=reader).update(last_read_number=1)
        counts[topic.post_count] = (
            first_visit,
            _count(client, f"{url}?page={last}"),
            _count(client, f"{url}?page=1"),
        )
    assert counts[30] == counts[2000]
    with django_assert_max_num_queries(max(counts[30])):
        page = client.get(reverse("communities:topic", args=[big.pk]) + "?page=50").content.decode()
    assert 'id="post-981"' in page and 'id="post-1000"' in page and 'id="post-1001"' not in page
    assert page.count('class="page-link" href="?page=') == 9  # 1, 47-53, 100


def test_community_page_constant_queries(client):
    small_club, big_club = CommunityFactory(slug="small"), CommunityFactory(slug="big")
    reader = member(small_club)
    member(big_club, reader)
    for club, n in ((small_club, 3), (big_club, 40)):
        authors = [member(club) for _ in range(3)]
        for i in range(n):
            topic = TopicFactory(community=club, author=authors[i % 3], post_count=2)
            TopicRead.objects.create(topic=topic, user=reader, last_read_number=1)
        for _ in range(min(n, 4)):
            EventFactory(community=club, created_by=authors[0])
    client.force_login(reader)
    small = _count(client, reverse("communities:detail", args=["small"]))
    big = _count(client, reverse("communities:detail", args=["big"]))
    assert small == big
    catalogue_small = _count(client, reverse("communities:list"))
    for _ in range(25):
        member(CommunityFactory())
    assert _count(client, reverse("communities:list")) == catalogue_small


def test_search_constant_queries(client):
    community = CommunityFactory()
    authors = [member(community) for _ in range(3)]
    client.force_login(authors[0])
    _topic_with_posts(community, authors, 5)
    small = _count(client, reverse("communities:search") + "?q=fractions")
    _topic_with_posts(community, authors, 300)
    big = _count(client, reverse("communities:search") + "?q=fractions")
    assert small == big


def test_materials_page_constant_queries(client):
    from communities import services

    community = CommunityFactory(slug="mat")
    authors = [member(community) for _ in range(3)]
    client.force_login(authors[0])
    url = reverse("communities:materials", args=["mat"])

    def add(n):
        for i in range(n):
            m = services.material_create(
                community=community, author=authors[i % 3], title=f"M{i}", description="d", tags="a, b"
            )
            services.material_comment_add(material=m, author=authors[0], body="c")

    add(2)
    small = _count(client, url)
    add(15)
    assert _count(client, url) == small


def test_community_list_counts_only_active_members_per_community():
    from communities.models import MemberState
    from communities.selectors import community_catalogue_for

    busy, quiet = CommunityFactory(name="Busy"), CommunityFactory(name="Quiet")
    reader = member(busy)
    for _ in range(3):
        member(busy)
    pending = member(quiet)
    quiet.memberships.filter(user=pending).update(state=MemberState.PENDING)
    counts = {c.name: c.member_count for c in community_catalogue_for(reader)}
    assert counts == {"Busy": 4, "Quiet": 0}
