"""A post is rendered before the topic's row is locked; pathological posts finish, come out sanitized,
and too long a text is refused with a clear message; the demo posts keep their structure."""

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import translation

from communities import services
from communities.demo import MATERIALS, TOPICS
from communities.models import Post, Topic
from communities.services import CommunityError
from core import markup
from tests.core.test_markup import _adversarial

from .factories import CommunityFactory, member
from .xss import assert_inert


def _spy(monkeypatch) -> list[tuple[str, bool]]:
    """Records, in order, each render and each row lock, with whether a transaction was open then."""
    events: list[tuple[str, bool]] = []
    render, lock = markup.render, QuerySet.select_for_update

    def rendering(text, *, profile):
        events.append(("render", connection.in_atomic_block))
        return render(text, profile=profile)

    def locking(self, *args, **kwargs):
        events.append(("lock", connection.in_atomic_block))
        return lock(self, *args, **kwargs)

    monkeypatch.setattr(markup, "render", rendering)
    monkeypatch.setattr(QuerySet, "select_for_update", locking)
    return events


@pytest.mark.django_db(transaction=True)
def test_a_reply_is_rendered_before_the_topic_row_is_locked_and_outside_the_transaction(monkeypatch):
    club = CommunityFactory()
    author, other = member(club), member(club)
    topic = services.topic_create(community=club, author=author, title="Fractions", body="How? text")
    events = _spy(monkeypatch)
    post = services.post_create(topic=topic, author=other, body="**With pizza**")
    assert events == [("render", False), ("lock", True)]
    assert post.body_html == "<p><strong>With pizza</strong></p>\n"


@pytest.mark.django_db(transaction=True)
def test_a_new_topic_and_an_edit_are_rendered_outside_the_transaction(monkeypatch):
    club = CommunityFactory()
    author = member(club)
    events = _spy(monkeypatch)
    topic = services.topic_create(
        community=club, author=author, title="Fractions", body="How *do* you start?"
    )
    assert events == [("render", False), ("lock", True)]
    events.clear()
    services.post_edit(post=topic.posts.get(), by=author, body="How *did* you start?")
    assert events == [("render", False)]
    assert topic.posts.get().body_html == "<p>How <em>did</em> you start?</p>\n"


@pytest.mark.django_db
@pytest.mark.parametrize("shape", sorted(_adversarial(10)))
def test_each_adversarial_shape_as_a_post_is_stored_sanitized(shape):
    club = CommunityFactory()
    author = member(club)
    body = _adversarial(markup.profile_of("post").max_length)[shape][
        : markup.profile_of("post").max_length
    ].strip()
    topic = services.topic_create(community=club, author=author, title="T topic", body=body)
    html = topic.posts.get().body_html
    assert_inert(html)
    assert "<script" not in html
    assert 'href="javascript' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "shape", ["nested brackets", "nested quotes", "emphasis run", "long table", "nested lists"]
)
def test_a_100_kb_post_or_topic_is_refused_with_a_clear_message_and_nothing_is_stored(shape):
    club = CommunityFactory()
    author = member(club)
    topic = services.topic_create(community=club, author=author, title="T topic", body="b text")
    body = _adversarial(100_000)[shape][:100_000]
    length = len(body.strip())
    expected = [f"Текст слишком длинный: {length} символов, допустимо не больше 20000."]
    with translation.override("ru"):
        with pytest.raises(CommunityError) as caught:
            services.post_create(topic=topic, author=author, body=body)
        assert caught.value.messages == expected
        with pytest.raises(CommunityError) as caught:
            services.topic_create(community=club, author=author, title="Другая", body=body)
        assert caught.value.messages == expected
    assert Post.objects.count() == 1
    assert Topic.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_posts_keep_headings_lists_tables_code_links_and_images():
    """The demo texts through the communities' path: the elements the old renderer gave are there."""
    club = CommunityFactory()
    author = member(club)
    texts = [body for _slug, _title, posts, _solution in TOPICS for _author, body in posts]
    texts += [material[-1] for material in MATERIALS]
    rich = (
        "## Что внутри\n\n1. Мотивация\n2. Практика\n\n- [Карточки](https://example.org/cards.pdf)\n"
        "- ![Схема](/communities/files/12/)\n\n| Этап | Минуты |\n| :--- | ---: |\n| Мотивация | 5 |\n\n"
        "```\na / b : c / d\n```\n\nКод: `3/4`.\n\n> Дети сами выводят правило.\n"
    )
    topic = services.topic_create(community=club, author=author, title="Demo topic", body=rich)
    for text in texts:
        services.post_create(topic=topic, author=author, body=text)
    htmls = [post.body_html for post in topic.posts.order_by("number")]
    first = htmls[0]
    for element in (
        "<h3>Что внутри</h3>",
        "<ol>",
        "<ul>",
        "<table>",
        '<td style="text-align:right">5</td>',
        "<pre><code>a / b : c / d\n</code></pre>",
        "<code>3/4</code>",
        "<blockquote>",
        '<a href="https://example.org/cards.pdf" rel="nofollow ugc noopener">Карточки</a>',
        '<img src="/communities/files/12/" alt="Схема">',
    ):
        assert element in first, element
    assert "<li>полоски</li>" in htmls[2]  # the demo's own list: "- полоски\n- круги\n- числовой луч"
    assert all(html.startswith(("<p>", "<ul>", "<ol>", "<h3>", "<blockquote>", "<table>")) for html in htmls)
    assert len(htmls) == len(texts) + 1
