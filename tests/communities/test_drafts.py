"""Writing never loses text (issue #20 item 3): a refused reply or topic comes back in its box and is kept as
a server-side draft (one per person and topic / community), saved as the member types (htmx), restored on
return, visible to nobody else, deleted when the post goes out. Minimum lengths say what is missing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from communities import services
from communities.models import Draft, Post, Topic

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db

SHORT = "The text is too short: write at least 2 characters."


@pytest.fixture
def club():
    return CommunityFactory(name="Maths club", slug="maths")


@pytest.fixture
def topic(club):
    return services.topic_create(
        community=club, author=member(club), title="Fractions", body="How do you start?"
    )


def _reply(client, topic, body, **extra):
    return client.post(reverse("communities:topic_reply", args=[topic.pk]), {"body": body, **extra})


def test_a_refused_reply_keeps_its_text_in_the_box_and_as_a_draft(client, club, topic):
    teacher = member(club)
    client.force_login(teacher)
    fake = SimpleUploadedFile("plan.pdf", b"not a pdf at all", content_type="application/pdf")
    text = "My long answer about **fractions**, written with care"
    refused = client.post(
        reverse("communities:topic_reply", args=[topic.pk]), {"body": text, "files": [fake]}
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert f"{text}</textarea>" in page
    assert "plan.pdf" in page  # the reason: the refused file is named
    assert list(Post.objects.filter(topic=topic).values_list("body", flat=True)) == ["How do you start?"]
    draft = Draft.objects.get(user=teacher, topic=topic)
    assert (draft.body, draft.community_id, draft.title) == (text, club.pk, "")
    # coming back later: the draft is in the box (and that page is not the shared cached one)
    again = client.get(reverse("communities:topic", args=[topic.pk])).content.decode()
    assert f"{text}</textarea>" in again
    assert "Your draft is restored." in again


def test_a_too_short_reply_is_refused_with_the_minimum_and_kept(client, club, topic):
    teacher = member(club)
    client.force_login(teacher)
    refused = _reply(client, topic, "x")
    assert refused.status_code == 200
    assert SHORT in refused.content.decode()
    assert "x</textarea>" in refused.content.decode()
    assert Post.objects.filter(topic=topic).count() == 1
    assert Draft.objects.get(user=teacher, topic=topic).body == "x"


def test_a_reply_to_a_locked_topic_keeps_its_text(client, club, topic):
    moderator = member(club, role="moderator")
    services.topic_moderate(topic=topic, by=moderator, locked=True)
    teacher = member(club)
    client.force_login(teacher)
    refused = _reply(client, topic, "But I wanted to add one thing")
    assert refused.status_code == 200
    assert Post.objects.filter(topic=topic).count() == 1
    assert Draft.objects.get(user=teacher, topic=topic).body == "But I wanted to add one thing"


def test_minimum_lengths_of_topics_say_what_is_missing(club):
    author = member(club)
    with pytest.raises(services.CommunityError) as title:
        services.topic_create(community=club, author=author, title="Hm", body="A real question here")
    assert title.value.messages == ["The title is too short: write at least 5 characters."]
    with pytest.raises(services.CommunityError) as body:
        services.topic_create(community=club, author=author, title="Fractions", body="x")
    assert body.value.messages == ["The text is too short: write at least 5 characters."]
    assert Topic.objects.count() == 0


def test_a_refused_new_topic_keeps_title_and_text_as_the_communitys_draft(client, club):
    teacher = member(club)
    client.force_login(teacher)
    url = reverse("communities:topic_create", args=[club.slug])
    refused = client.post(url, {"title": "Hm", "body": "Why do pupils confuse 1/3 and 3?"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "The title is too short: write at least 5 characters." in page
    assert 'value="Hm"' in page
    assert "Why do pupils confuse 1/3 and 3?</textarea>" in page
    draft = Draft.objects.get(user=teacher, community=club, topic=None)
    assert (draft.title, draft.body) == ("Hm", "Why do pupils confuse 1/3 and 3?")
    restored = client.get(url).content.decode()
    assert 'value="Hm"' in restored
    assert "Why do pupils confuse 1/3 and 3?</textarea>" in restored
    published = client.post(
        url, {"title": "Fractions: 1/3 and 3", "body": "Why do pupils confuse 1/3 and 3?"}
    )
    assert published.status_code == 302
    assert Draft.objects.filter(user=teacher).count() == 0


def test_the_draft_is_saved_as_the_member_types_and_deleted_when_posted(client, club, topic):
    teacher = member(club)
    client.force_login(teacher)
    url = reverse("communities:reply_draft", args=[topic.pk])
    first = topic.posts.get()
    saved = client.post(url, {"body": "Half-written", "reply_to": first.pk}, headers={"HX-Request": "true"})
    assert saved.status_code == 200
    assert "Draft saved at" in saved.content.decode()
    assert client.post(url, {"body": "Half-written, now longer"}).status_code == 200
    assert list(Draft.objects.filter(user=teacher).values_list("body", "reply_to")) == [
        ("Half-written, now longer", None)
    ]
    assert _reply(client, topic, "Half-written, now finished").status_code == 302
    assert Draft.objects.filter(user=teacher).count() == 0
    page = client.get(reverse("communities:topic", args=[topic.pk])).content.decode()
    assert "Your draft is restored." not in page


def test_an_emptied_box_deletes_the_draft(client, club, topic):
    teacher = member(club)
    client.force_login(teacher)
    url = reverse("communities:reply_draft", args=[topic.pk])
    client.post(url, {"body": "Something"})
    emptied = client.post(url, {"body": "   "})
    assert emptied.status_code == 200
    assert "Nothing to keep as a draft." in emptied.content.decode()
    assert Draft.objects.count() == 0


def test_a_draft_is_nobody_elses(client, club, topic):
    """Attack: another member (or the shared page cache) must never show my draft."""
    writer, reader = member(club), member(club)
    client.force_login(reader)
    client.get(reverse("communities:topic", args=[topic.pk]))  # the shared page is cached now
    client.force_login(writer)
    client.post(reverse("communities:reply_draft", args=[topic.pk]), {"body": "My secret draft"})
    assert "My secret draft" in client.get(reverse("communities:topic", args=[topic.pk])).content.decode()
    client.force_login(reader)
    assert "My secret draft" not in client.get(reverse("communities:topic", args=[topic.pk])).content.decode()


def test_outsiders_keep_no_drafts(client, club, topic):
    """Attack: a non-member cannot store text through the draft endpoint (nor in a closed community at all)."""
    outsider = member(CommunityFactory())
    client.force_login(outsider)
    refused = client.post(reverse("communities:reply_draft", args=[topic.pk]), {"body": "spam"})
    assert refused.status_code == 403
    assert "Join the community first." in refused.content.decode()
    closed = CommunityFactory(is_closed=True, slug="closed")
    secret = services.topic_create(
        community=closed, author=member(closed), title="Inside", body="Members only"
    )
    assert client.post(reverse("communities:reply_draft", args=[secret.pk]), {"body": "x"}).status_code == 404
    assert (
        client.post(reverse("communities:topic_draft", args=[closed.slug]), {"body": "x"}).status_code == 404
    )
    assert Draft.objects.count() == 0


def test_drafts_are_limited_per_person(client, club, topic, settings, clock):
    settings.RATE_LIMITS = "draft=2/m"
    client.force_login(member(club))
    url = reverse("communities:reply_draft", args=[topic.pk])
    assert client.post(url, {"body": "one"}).status_code == 200
    assert client.post(url, {"body": "two"}).status_code == 200
    limited = client.post(url, {"body": "three"})
    assert limited.status_code == 429
    assert limited["Retry-After"] == "40"
    assert Draft.objects.get().body == "two"


def test_a_draft_over_the_post_limit_is_refused_and_the_old_one_kept(client, club, topic):
    client.force_login(member(club))
    url = reverse("communities:reply_draft", args=[topic.pk])
    client.post(url, {"body": "kept"})
    refused = client.post(url, {"body": "y" * 20_001})
    assert refused.status_code == 400
    assert "The text is too long: 20001 characters, at most 20000." in refused.content.decode()
    assert Draft.objects.get().body == "kept"


def test_one_draft_per_person_and_topic_is_a_database_rule(club, topic):
    teacher = member(club)
    Draft.objects.create(user=teacher, community=club, topic=topic, body="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.create(user=teacher, community=club, topic=topic, body="b")
    Draft.objects.create(user=teacher, community=club, title="New")
    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.create(user=teacher, community=club, title="Another")
    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.create(user=member(club), community=club, topic=topic, body="")


def test_a_quote_is_added_after_the_draft(client, club, topic):
    teacher = member(club)
    client.force_login(teacher)
    client.post(reverse("communities:reply_draft", args=[topic.pk]), {"body": "My start"})
    first = topic.posts.get()
    page = client.get(reverse("communities:topic", args=[topic.pk]) + f"?quote={first.pk}").content.decode()
    assert "My start\n\n&gt; **" in page
