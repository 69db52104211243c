import pytest

from communities import services, tasks
from communities.models import FollowLevel
from notifications.models import Notification
from tests.factories import TeacherFactory

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", "title"))


@pytest.fixture
def club():
    return CommunityFactory(name="Maths club")


def test_watchers_mentions_replies_and_muted(club, django_capture_on_commit_callbacks):
    author = member(club, TeacherFactory(email="anna.ivanova@example.org", full_name="Anna"))
    watcher = member(club, TeacherFactory(full_name="Watcher"))
    services.membership_set_following(
        community=club, user=watcher, level=FollowLevel.WATCHING, watch_new_topics=False
    )
    mentioned = member(club, TeacherFactory(email="petro@example.org", full_name="Петро Коваль"))
    muted = member(club, TeacherFactory(email="muted@example.org", full_name="Тихий Читатель"))
    normal = member(club)
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(community=club, author=author, title="Fractions", body="Question")
    services.topic_set_following(topic=topic, user=muted, level=FollowLevel.MUTED)
    first = topic.posts.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            topic=topic,
            author=normal,
            reply_to=first,
            body=f"Ask @Петро Коваль and @Тихий Читатель, not `@{normal.full_name}` in code",
        )
    assert [k for k, _t in _kinds(watcher)] == ["community_post", "community_post"]
    assert _kinds(mentioned) == [("mention", f"{normal} mentioned you in “Fractions”")]
    assert _kinds(muted) == []
    assert _kinds(author) == [("community_post", f"{normal} replied to you in “Fractions”")]
    assert _kinds(normal) == []


def test_new_topic_watchers_and_dedupe(club, django_capture_on_commit_callbacks):
    author = member(club)
    fan = member(club)
    services.membership_set_following(
        community=club, user=fan, level=FollowLevel.NORMAL, watch_new_topics=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(community=club, author=author, title="Olympiad", body="Who goes?")
    assert _kinds(fan) == [("community_post", "New topic in Maths club: “Olympiad”")]
    # The task may run twice: nothing is sent again.
    assert tasks.post_notify(topic.posts.get().pk) == 1
    assert Notification.objects.filter(recipient=fan).count() == 1
    # A reply in a topic they did not watch: nothing for a "normal" follower.
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=topic, author=author, body="me")
    assert Notification.objects.filter(recipient=fan).count() == 1


def test_notification_in_recipients_language(club, django_capture_on_commit_callbacks):
    author = member(club)
    reader = member(club, TeacherFactory(email="olena@example.org", preferred_language="uk"))
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(
            community=club, author=author, title="T topic", body=f"hi @[Олена](user:{reader.pk})"
        )
    notification = Notification.objects.get(recipient=reader)
    assert notification.kind == "mention" and notification.url == f"/communities/t/{topic.pk}/?page=1#post-1"


def test_join_request_notifies_moderators(django_capture_on_commit_callbacks):
    closed = CommunityFactory(name="Experts", is_closed=True)
    moderator = member(closed, role="moderator")
    applicant = TeacherFactory(full_name="Applicant")
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_join(community=closed, user=applicant)
    assert _kinds(moderator) == [("community_post", "Applicant asks to join Experts")]


@pytest.mark.parametrize("watches", ["community", "topic"])
def test_a_plain_reply_reaches_watchers(club, watches, django_capture_on_commit_callbacks):
    author, writer, watcher = member(club), member(club), member(club)
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(community=club, author=author, title="Homework", body="How much?")
    if watches == "community":
        services.membership_set_following(
            community=club, user=watcher, level=FollowLevel.WATCHING, watch_new_topics=False
        )
    else:
        services.topic_set_following(topic=topic, user=watcher, level=FollowLevel.WATCHING)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=topic, author=writer, body="Twenty minutes a day")
    assert _kinds(watcher) == [("community_post", "New post in “Homework”")]


def test_a_reply_that_concerns_nobody_queues_no_job(club, django_capture_on_commit_callbacks):
    author, writer = member(club), member(club)
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(community=club, author=author, title="Homework", body="How much?")

    def jobs(callbacks):  # the cache tokens the post renews on commit (the unread badges) are no job
        return [c for c in callbacks if c.__qualname__ != "scopes_changed.<locals>.renew"]

    with django_capture_on_commit_callbacks() as callbacks:
        services.post_create(topic=topic, author=writer, body="Twenty minutes a day")
    assert jobs(callbacks) == []
    with django_capture_on_commit_callbacks() as callbacks:
        services.post_create(topic=topic, author=writer, body=f"Ask @{author.full_name}")
    assert len(jobs(callbacks)) == 1
