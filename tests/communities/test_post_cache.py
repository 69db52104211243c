"""Forum posts are rendered once and shared between readers with the same rights, never across rights,
and each reader's forms carry their own working CSRF token."""

import re

import pytest
from django.test import Client

from communities import services
from communities.models import MemberRole
from tests.communities.factories import CommunityFactory, PostFactory, TopicFactory, member

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def thread():
    community = CommunityFactory()
    topic = TopicFactory(community=community)
    author = member(community, topic.author)
    first = PostFactory(
        topic=topic, number=1, author=author, body="Первый пост", body_html="<p>Первый пост</p>"
    )
    second = PostFactory(
        topic=topic, number=2, author=member(community), body="Ответ", body_html="<p>Ответ коллеги</p>"
    )
    topic.post_count = 2
    topic.save()
    return community, topic, first, second


def reader(community, role=MemberRole.MEMBER):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member(community, role=role))
    return client


def test_a_cached_post_carries_the_readers_own_token_and_the_form_works(thread):
    community, topic, _first, second = thread
    reader(community).get(f"/communities/t/{topic.pk}/")  # fills the cache
    type(second).objects.filter(pk=second.pk).update(body_html="<p>changed behind the cache's back</p>")
    other = reader(community)
    page = other.get(f"/communities/t/{topic.pk}/").content.decode()
    assert "Ответ коллеги" in page, "the second reader gets the first reader's rendering"
    assert "@@csrf-token@@" not in page
    token = TOKEN.search(page).group(1)
    response = other.post(
        f"/communities/p/{second.pk}/react/", {"csrfmiddlewaretoken": token, "kind": "useful"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.useful_count == 1


def test_moderators_and_members_never_share_a_rendered_post(thread):
    community, topic, _first, second = thread
    member_page = reader(community).get(f"/communities/t/{topic.pk}/").content.decode()
    moderator_page = (
        reader(community, MemberRole.MODERATOR).get(f"/communities/t/{topic.pk}/").content.decode()
    )
    hide = f"/communities/p/{second.pk}/hide/"
    assert hide in moderator_page and hide not in member_page
    assert hide not in reader(community).get(f"/communities/t/{topic.pk}/").content.decode()


def test_an_edited_or_hidden_post_is_rendered_anew(thread):
    community, topic, _first, second = thread
    client = reader(community)
    client.get(f"/communities/t/{topic.pk}/")
    services.post_edit(post=second, by=second.author, body="Исправленный ответ")
    assert "Исправленный ответ" in client.get(f"/communities/t/{topic.pk}/").content.decode()
    moderator = community.memberships.model.objects.filter(community=community).first().user
    community.memberships.filter(user=moderator).update(role=MemberRole.MODERATOR)
    services.post_set_hidden(post=second, by=moderator, hidden=True)
    assert "Исправленный ответ" not in client.get(f"/communities/t/{topic.pk}/").content.decode()


def test_a_repeated_topic_view_is_served_whole_from_the_cache_until_something_in_it_changes(
    thread, django_assert_num_queries
):
    community, topic, _first, second = thread
    url = f"/communities/t/{topic.pk}/"
    client = reader(community)
    client.get(url)  # the first view sets the read marker; the page looks the same after it (nothing unread)
    # session, user, topic (with the read marker and following), membership, posts' states, the page's
    # reaction counts (one GROUP BY), roles, unread badge
    with django_assert_num_queries(8):
        assert "Ответ коллеги" in client.get(url).content.decode()
    services.post_create(topic=topic, author=second.author, body="Третий пост", reply_to=None, files=[])
    page = client.get(url).content.decode()
    assert "Третий пост" in page and "Unread posts" in page
