"""Reactions (issue #20, item 4): a small fixed set (👍 ❤️ 💡 ✅) toggled by members with htmx, one of each
kind per person and post (a DB constraint), who-reacted lists by name (never an e-mail address), limited
per person; "useful" (👍) keeps Post.useful_count."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import services
from communities.models import Post, Reaction
from communities.services import CommunityError
from tests.factories import TeacherFactory

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    club = CommunityFactory(slug="club")
    author = member(club, TeacherFactory(full_name="Петренко Олена", email="olena.petrenko@example.org"))
    topic = services.topic_create(
        community=club, author=author, title="Дроби и пицца", body="Режем пиццу на доли"
    )
    return topic.posts.get()


def _react(client, post, kind, **extra):
    return client.post(reverse("communities:post_react", args=[post.pk]), {"kind": kind}, **extra)


def test_each_kind_toggles_on_and_off_and_useful_keeps_its_count(post):
    reader = member(post.topic.community)
    for kind in ("useful", "thanks", "idea", "tried"):
        assert services.post_react(post=post, user=reader, kind=kind) is True
    assert sorted(Reaction.objects.filter(post=post).values_list("kind", flat=True)) == [
        "idea",
        "thanks",
        "tried",
        "useful",
    ]
    post.refresh_from_db()
    assert post.useful_count == 1
    assert services.post_react(post=post, user=reader, kind="thanks") is False
    assert services.post_react(post=post, user=reader, kind="useful") is False
    post.refresh_from_db()
    assert post.useful_count == 0
    assert sorted(Reaction.objects.filter(post=post).values_list("kind", flat=True)) == ["idea", "tried"]


def test_htmx_toggle_returns_the_bar_with_the_count_and_pressed_state(client, post):
    reader = member(post.topic.community)
    client.force_login(reader)
    response = _react(client, post, "idea", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="reactions-{post.pk}"' in html
    assert 'reaction-idea" aria-pressed="true"' in html and 'reaction-useful" aria-pressed="false"' in html
    assert '<span aria-hidden="true">💡</span> <span class="reaction-count">1</span>' in html


def test_an_unknown_kind_is_refused_with_a_message_and_changes_nothing(client, post):
    client.force_login(member(post.topic.community))
    response = _react(client, post, "angry", HTTP_HX_REQUEST="true")
    assert (response.status_code, response.content.decode()) == (400, "Unknown reaction.")
    assert Reaction.objects.count() == 0


def test_no_reaction_on_ones_own_post(client, post):
    client.force_login(post.author)
    response = _react(client, post, "useful", HTTP_HX_REQUEST="true")
    assert (response.status_code, response.content.decode()) == (400, "You cannot react to your own post.")
    assert Reaction.objects.count() == 0


def test_a_non_member_of_an_open_community_cannot_react(client, post):
    client.force_login(TeacherFactory())
    response = _react(client, post, "useful", HTTP_HX_REQUEST="true")
    assert (response.status_code, response.content.decode()) == (400, "Join the community first.")
    assert Reaction.objects.count() == 0


def test_a_non_member_of_a_closed_community_gets_404_and_nothing_changes(client):
    club = CommunityFactory(is_closed=True)
    topic = services.topic_create(
        community=club, author=member(club), title="Закрытая тема", body="Закрытый текст"
    )
    secret = topic.posts.get()
    client.force_login(TeacherFactory())
    assert _react(client, secret, "useful").status_code == 404
    assert client.get(reverse("communities:post_reactions", args=[secret.pk])).status_code == 404
    assert Reaction.objects.count() == 0


def test_one_reaction_of_a_kind_per_person_and_post_and_only_known_kinds_in_the_database(post):
    reader = member(post.topic.community)
    Reaction.objects.create(post=post, user=reader, kind="useful")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(post=post, user=reader, kind="useful")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(post=post, user=reader, kind="angry")
    Reaction.objects.create(post=post, user=reader, kind="thanks")  # another kind is fine
    assert Reaction.objects.filter(post=post, user=reader).count() == 2


def test_who_reacted_shows_names_never_email_addresses(client, post):
    club = post.topic.community
    anna = member(club, TeacherFactory(full_name="Иванова Анна", email="anna.ivanova@example.org"))
    nameless = member(club, TeacherFactory(full_name="", email="secret.person@example.org"))
    services.post_react(post=post, user=anna, kind="useful")
    services.post_react(post=post, user=nameless, kind="thanks")
    client.force_login(member(club, TeacherFactory(email="viewer@example.org")))  # the navbar shows its own
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = client.get(reverse("communities:post_reactions", args=[post.pk]), **extra).content.decode()
        assert "Иванова Анна" in html and "A member without a name" in html
        assert "anna.ivanova" not in html and "secret.person" not in html and "olena.petrenko" not in html


def test_who_reacted_runs_constant_queries(client, post):
    club = post.topic.community
    client.force_login(member(club))
    url = reverse("communities:post_reactions", args=[post.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    services.post_react(post=post, user=member(club), kind="useful")
    small = count()
    for number in range(60):
        Reaction.objects.create(post=post, user=member(club), kind="useful" if number < 55 else "idea")
    assert count() == small
    html = client.get(url).content.decode()
    assert "and 6 more" in html  # 56 "useful": 50 names shown per kind
    assert html.count('class="reactor"') == 55


def test_reactions_past_the_limit_get_429_and_nothing_more_is_stored(client, post, settings, clock):
    settings.RATE_LIMITS = "reaction=2/m"
    client.force_login(member(post.topic.community))
    assert _react(client, post, "useful", HTTP_HX_REQUEST="true").status_code == 200
    assert _react(client, post, "idea", HTTP_HX_REQUEST="true").status_code == 200
    refused = _react(client, post, "thanks", HTTP_HX_REQUEST="true")
    assert refused.status_code == 429 and refused["Retry-After"] == "40"
    assert sorted(Reaction.objects.values_list("kind", flat=True)) == ["idea", "useful"]


def test_the_topic_page_shows_every_kind_with_its_count(client, post):
    club = post.topic.community
    for kind in ("useful", "useful", "tried"):
        services.post_react(post=post, user=member(club), kind=kind)
    client.force_login(member(club))
    page = client.get(reverse("communities:topic", args=[post.topic_id])).content.decode()
    for emoji, count in (("👍", 2), ("❤️", 0), ("💡", 0), ("✅", 1)):
        assert f'<span aria-hidden="true">{emoji}</span> <span class="reaction-count">{count}</span>' in page
    assert Post.objects.get(pk=post.pk).useful_count == 2


def test_own_post_shows_the_bar_disabled(client, post):
    client.force_login(post.author)
    page = client.get(reverse("communities:topic", args=[post.topic_id])).content.decode()
    assert 'reaction-useful" aria-pressed="false" title="Useful" aria-label="Useful: 0" disabled' in page
    with pytest.raises(CommunityError):
        services.post_react(post=post, user=post.author, kind="idea")
