"""Reading like Discourse: the following level decides what is counted and shown.

muted: hidden from the lists, never counted; normal: counted only where the person took part or was
mentioned; tracking / watching: counted fully. The badges (communities list, navbar, cabinet) count the
topics the Unread view lists. Latest / New / Unread span all of the person's communities."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import selectors, services
from communities.models import FollowLevel, MemberState, Post, Topic, TopicInvolvement, TopicRead
from tests.factories import TeacherFactory

from .factories import CommunityFactory, MembershipFactory, TopicFactory, member, post_html

pytestmark = pytest.mark.django_db


def mention_text(user) -> str:
    """The one place that writes a mention (the syntax may change: keep it here only)."""
    return f"@[{user.display_name}](user:{user.pk})"


def _topic(community, author, title="Дроби в 5 классе", body="Как вы объясняете дроби?"):
    return services.topic_create(community=community, author=author, title=title, body=body)


def _reply(topic, author, body="Через полоски бумаги."):
    post = services.post_create(topic=topic, author=author, body=body)
    services.post_send_notifications(post=post)
    return post


def _level(community, user, level):
    services.membership_set_following(community=community, user=user, level=level, watch_new_topics=False)


def _unread(user, topic) -> int:
    return selectors.with_reading(user, Topic.objects.filter(pk=topic.pk)).get().unread


# --- the rule ---------------------------------------------------------------------------------------


def test_a_muted_topic_is_hidden_from_the_list_and_never_counted(client):
    club = CommunityFactory(slug="maths")
    author, reader = member(club), member(club)
    loud, quiet = _topic(club, author, title="Шумная тема"), _topic(club, author, title="Тихая тема")
    _reply(loud, author)
    _reply(quiet, author)
    services.topic_set_following(topic=quiet, user=reader, level=FollowLevel.MUTED)

    assert _unread(reader, quiet) == 0
    assert selectors.unread_topic_count(reader) == 1
    client.force_login(reader)
    page = client.get(reverse("communities:detail", args=["maths"])).content.decode()
    assert "Шумная тема" in page
    assert "Тихая тема" not in page
    assert 'id="muted-topics"' in page
    muted_page = client.get(reverse("communities:detail", args=["maths"]) + "?muted=1").content.decode()
    assert "Тихая тема" in muted_page
    assert "Шумная тема" not in muted_page
    for view in ("latest", "new", "unread"):
        assert "Тихая тема" not in client.get(reverse(f"communities:{view}")).content.decode()


def test_normal_level_counts_only_topics_taken_part_in_or_mentioned_in():
    club = CommunityFactory()
    author = member(club)
    reader = member(club, TeacherFactory(email="olga.petrenko@example.org"))
    _level(club, reader, FollowLevel.NORMAL)
    strangers, mine, mentioned = (_topic(club, author, title=f"Тема {n}") for n in ("А", "Б", "В"))
    _reply(strangers, author)
    _reply(mine, reader)  # took part
    _reply(mine, author)
    _reply(mentioned, author, body=f"Спросим {mention_text(reader)}: как у вас?")  # through the services

    assert _unread(reader, strangers) == 0
    assert _unread(reader, mine) == 1
    assert _unread(reader, mentioned) == 2
    assert set(TopicInvolvement.objects.filter(user=reader).values_list("topic_id", flat=True)) == {
        mine.pk,
        mentioned.pk,
    }
    assert selectors.unread_topic_count(reader) == 2


def test_tracking_and_watching_count_every_post_after_the_marker():
    club = CommunityFactory()
    author, tracker, watcher = member(club), member(club), member(club)
    _level(club, watcher, FollowLevel.WATCHING)
    topic = _topic(club, author)
    _reply(topic, author)
    assert _unread(tracker, topic) == 2  # never opened: all of it
    assert _unread(watcher, topic) == 2
    services.topic_mark_read(topic=Topic.objects.get(pk=topic.pk), user=tracker, number=2)
    _reply(topic, author)
    assert _unread(tracker, topic) == 1
    assert _unread(watcher, topic) == 3


def test_topic_level_wins_over_the_community_level():
    club = CommunityFactory()
    author, reader = member(club), member(club)
    _level(club, reader, FollowLevel.MUTED)
    topic, other = _topic(club, author), _topic(club, author, title="Другая тема")
    services.topic_set_following(topic=topic, user=reader, level=FollowLevel.WATCHING)
    assert _unread(reader, topic) == 1
    assert _unread(reader, other) == 0


def test_involving_twice_keeps_one_row():
    club = CommunityFactory()
    author, reader = member(club), member(club)
    topic = _topic(club, author)
    services.topic_involve(topic=topic, user_ids=[reader.pk, reader.pk])
    services.topic_involve(topic=topic, user_ids=[reader.pk])
    assert TopicInvolvement.objects.filter(topic=topic, user=reader).count() == 1


# --- where the counts show ------------------------------------------------------------------------


def _badge(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(\d+)', html)
    return found.group(1) if found else ""


def test_badges_on_the_list_the_navbar_and_the_cabinet_follow_muting(client):
    club, other = CommunityFactory(slug="maths", name="Математики"), CommunityFactory(slug="lit")
    author = member(club)
    member(other, author)
    reader = member(club, TeacherFactory(full_name="Ольга Петренко"))
    member(other, reader)
    first, second = _topic(club, author, title="Первая"), _topic(club, author, title="Вторая")
    _topic(other, author, title="Третья")
    client.force_login(reader)

    nav = client.get(reverse("communities:unread_badge", args=["nav"]))
    assert nav["Cache-Control"] == "private, no-store"
    assert _badge(nav.content.decode(), "communities-unread") == "3"
    listing = client.get(reverse("communities:list")).content.decode()
    assert "2 unread topics" in listing
    assert _badge(listing, "communities-unread") == "3"  # now from the cache, in the page itself
    cabinet = client.get(reverse("cabinet")).content.decode()
    assert 'id="cabinet-unread-link"' in cabinet  # cached by the badge's request
    assert "3 topics with unread posts" in cabinet

    services.topic_set_following(topic=first, user=reader, level=FollowLevel.MUTED)
    services.topic_mark_read(topic=Topic.objects.get(pk=second.pk), user=reader, number=1)

    client.get(reverse("communities:unread_badge", args=["nav"]))
    listing = client.get(reverse("communities:list")).content.decode()
    assert _badge(listing, "communities-unread") == "1"
    assert "unread topic" not in listing.split("Математики")[1].split("card-feature")[0]
    cabinet = client.get(reverse("cabinet")).content.decode()
    assert "1 topic with unread posts" in cabinet
    unread = client.get(reverse("communities:unread")).content.decode()
    assert "Третья" in unread and "Первая" not in unread and "Вторая" not in unread


def test_the_cached_navbar_count_changes_with_every_fact_it_counts(client, django_assert_num_queries):
    club = CommunityFactory()
    author, reader = member(club), member(club)
    topic = _topic(club, author)
    assert selectors.unread_topic_count_cached(reader) == 1
    with django_assert_num_queries(0):  # cached: no query on the next pages
        assert selectors.unread_topic_count_cached(reader) == 1
    services.topic_mark_read(topic=Topic.objects.get(pk=topic.pk), user=reader, number=1)
    assert selectors.unread_topic_count_cached(reader) == 0
    _reply(topic, author)  # a new post anywhere
    assert selectors.unread_topic_count_cached(reader) == 1
    services.topic_set_following(topic=topic, user=reader, level=FollowLevel.MUTED)
    assert selectors.unread_topic_count_cached(reader) == 0
    services.topic_set_following(topic=topic, user=reader, level=FollowLevel.TRACKING)
    assert selectors.unread_topic_count_cached(reader) == 1
    services.membership_leave(community=club, user=reader)
    assert selectors.unread_topic_count_cached(reader) == 0


def test_a_page_never_counts_it_shows_a_placeholder_the_badge_view_fills(client):
    club = CommunityFactory()
    author, reader = member(club), member(club)
    _topic(club, author)
    client.force_login(reader)
    page = client.get(reverse("communities:latest")).content.decode()
    placeholder = reverse("communities:unread_badge", args=["nav"])
    assert f'hx-get="{placeholder}"' in page
    assert _badge(client.get(placeholder).content.decode(), "communities-unread") == "1"
    page = client.get(reverse("communities:latest")).content.decode()
    assert f'hx-get="{placeholder}"' not in page
    assert _badge(page, "communities-unread") == "1"
    cabinet = client.get(reverse("communities:unread_badge", args=["cabinet"])).content.decode()
    assert 'id="cabinet-unread-link"' in cabinet
    assert client.get(reverse("communities:unread_badge", args=["elsewhere"])).status_code == 404
    client.logout()
    assert client.get(placeholder).status_code == 302


def test_the_navbar_count_is_one_query_at_any_size(django_assert_num_queries):
    reader = TeacherFactory()
    for size in (2, 30):
        club = CommunityFactory()
        member(club, reader)
        author = member(club)
        topics = TopicFactory.create_batch(size, community=club, author=author, post_count=3)
        TopicRead.objects.bulk_create([TopicRead(topic=t, user=reader, last_read_number=1) for t in topics])
        with django_assert_num_queries(1):
            selectors.unread_topic_count(reader)


def test_topics_of_a_closed_community_i_left_or_never_joined_are_never_counted_or_listed(client):
    closed = CommunityFactory(is_closed=True, slug="closed")
    insider = member(closed)
    _topic(closed, insider, title="Секретная тема")
    outsider = TeacherFactory()
    MembershipFactory(community=closed, user=outsider, state=MemberState.PENDING)
    assert selectors.unread_topic_count(outsider) == 0
    client.force_login(outsider)
    for view in ("latest", "new", "unread"):
        assert "Секретная тема" not in client.get(reverse(f"communities:{view}")).content.decode()


# --- the views ------------------------------------------------------------------------------------


def test_latest_new_unread_views_and_their_empty_states(client):
    club = CommunityFactory(name="Клуб математиков")
    author, reader = member(club), member(club)
    client.force_login(reader)
    for view, empty in (
        ("latest", "No topics yet in your communities."),
        ("new", "No new topics"),
        ("unread", "You have read everything."),
    ):
        response = client.get(reverse(f"communities:{view}"))
        assert response.status_code == 200
        assert 'id="reading-empty"' in response.content.decode()
        assert empty in response.content.decode()
    opened = _topic(club, author, title="Открытая тема")
    _topic(club, author, title="Свежая тема")
    services.topic_mark_read(topic=Topic.objects.get(pk=opened.pk), user=reader, number=1)
    _reply(opened, author)
    read_all = _topic(club, author, title="Прочитанная тема")
    services.topic_mark_read(topic=Topic.objects.get(pk=read_all.pk), user=reader, number=1)

    latest = client.get(reverse("communities:latest")).content.decode()
    assert latest.index("Прочитанная тема") < latest.index("Открытая тема") < latest.index("Свежая тема")
    assert "Клуб математиков" in latest
    new = client.get(reverse("communities:new")).content.decode()
    assert "Свежая тема" in new and "Открытая тема" not in new and "Прочитанная тема" not in new
    unread = client.get(reverse("communities:unread")).content.decode()
    assert "Открытая тема" in unread and "Свежая тема" in unread and "Прочитанная тема" not in unread


def test_reading_views_are_paginated(client):
    club = CommunityFactory()
    author, reader = member(club), member(club)
    TopicFactory.create_batch(27, community=club, author=author, post_count=1)
    client.force_login(reader)
    first = client.get(reverse("communities:latest")).content.decode()
    second = client.get(reverse("communities:latest") + "?page=2").content.decode()
    assert first.count('class="list-group-item') + second.count('class="list-group-item') == 27
    assert second.count('class="list-group-item') == 7


def test_the_topic_list_shows_the_first_author_and_the_last_activity_apart(client):
    club = CommunityFactory(slug="maths")
    author = member(club, TeacherFactory(full_name="Анна Иванова"))
    replier = member(club, TeacherFactory(full_name="Пётр Сидоренко"))
    topic = _topic(club, author)
    _reply(topic, replier)
    assert Topic.objects.get(pk=topic.pk).last_poster_id == replier.pk
    client.force_login(author)
    page = client.get(reverse("communities:detail", args=["maths"])).content.decode()
    row = page[page.index(f'data-topic="{topic.pk}"') :]
    started = row[row.index('class="topic-started"') :]
    assert started.index("Анна Иванова") < started.index('class="topic-last"')
    last = row[row.index('class="topic-last"') :]
    assert "Пётр Сидоренко" in last[: last.index("</span>")]


# --- constant queries ------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(reader, n: int) -> None:
    club = CommunityFactory()
    member(club, reader)
    author = member(club)
    for i in range(n):
        topic = TopicFactory(community=club, author=author, post_count=2, last_poster=author)
        Post.objects.create(topic=topic, number=1, author=author, body="x", body_html=post_html("x"))
        if i % 2:
            TopicRead.objects.create(topic=topic, user=reader, last_read_number=1)
        if i % 3 == 0:
            services.topic_set_following(topic=topic, user=reader, level=FollowLevel.MUTED)


@pytest.mark.parametrize("view", ["latest", "new", "unread"])
def test_reading_views_constant_queries(client, view, django_assert_max_num_queries):
    reader = TeacherFactory()
    _grow(reader, 3)
    client.force_login(reader)
    url = reverse(f"communities:{view}")
    small = _count(client, url)
    _grow(reader, 40)
    big = _count(client, url)
    assert small == big
    with django_assert_max_num_queries(small):
        client.get(url + "?page=2")


def test_communities_list_and_topic_list_constant_queries(client):
    reader = TeacherFactory()
    _grow(reader, 3)
    club = CommunityFactory(slug="big")
    member(club, reader)
    author = member(club)
    TopicFactory.create_batch(2, community=club, author=author, post_count=1, last_poster=author)
    client.force_login(reader)
    listing = _count(client, reverse("communities:list"))
    small_topics = _count(client, reverse("communities:detail", args=["big"]))
    for _ in range(30):
        _grow(reader, 2)
    for _ in range(30):
        TopicFactory(community=club, author=author, post_count=1, last_poster=author)
    assert _count(client, reverse("communities:list")) == listing
    assert _count(client, reverse("communities:detail", args=["big"])) == small_topics


def test_the_migration_involves_the_authors_of_existing_posts_and_sets_the_last_poster():
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("communities.migrations.0006_reading").backfill_reading
    club = CommunityFactory()
    first, second = member(club), member(club)
    topic = TopicFactory(community=club, author=first, post_count=2)
    Post.objects.create(topic=topic, number=1, author=first, body="a", body_html=post_html("a"))
    Post.objects.create(topic=topic, number=2, author=second, body="b", body_html=post_html("b"))
    assert not TopicInvolvement.objects.filter(topic=topic).exists()  # rows written outside the services
    backfill(apps, None)
    backfill(apps, None)  # twice: nothing doubles
    assert sorted(TopicInvolvement.objects.filter(topic=topic).values_list("user_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    assert Topic.objects.get(pk=topic.pk).last_poster_id == second.pk
