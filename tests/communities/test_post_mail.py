"""Post notifications and mails (issue #20 item 2): the post as HTML in the mail's HTML part, as plain text in
its text part, an excerpt in the notification list; never the Markdown source."""

import pytest
from django.core import mail
from django.urls import reverse

from communities import services
from communities.models import FollowLevel
from notifications.models import Notification
from notifications.services import notification_send, preference_set
from tests.factories import TeacherFactory

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db

POST = """## Что внутри

Работа с **раздаткой**, см. [шаблон](https://example.org/plan) и [наш файл](/communities/files/7/).

- первое
- второе

| класс | часы |
|---|---|
| 5 | 2 |
"""


def _watched_reply(club, django_capture_on_commit_callbacks, body=POST):
    author, watcher = member(club), member(club, TeacherFactory(email="watcher@example.org"))
    services.membership_set_following(
        community=club, user=watcher, level=FollowLevel.WATCHING, watch_new_topics=False
    )
    preference_set(user=watcher, kind="community_post", delivery="immediately")
    topic = services.topic_create(
        community=club, author=author, title="Раздатка к уроку", body="С чего начать?"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=topic, author=author, body=body)
    return watcher


def test_the_mail_shows_the_post_as_html_and_as_plain_text_never_markdown(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://pd.example.org"
    watcher = _watched_reply(CommunityFactory(), django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if m.to == [watcher.email]]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>раздаткой</strong>" in html
    assert '<a href="https://example.org/plan" rel="nofollow ugc noopener">шаблон</a>' in html
    assert 'href="https://pd.example.org/communities/files/7/"' in html  # a site link works from a mail
    assert "<h3>Что внутри</h3>" in html
    assert "<td>5</td>" in html
    text = message.body
    assert (
        "Работа с раздаткой, см. шаблон (https://example.org/plan) и наш файл "
        "(https://pd.example.org/communities/files/7/)." in text
    )
    assert "- первое\n- второе" in text
    assert "класс | часы\n5 | 2" in text
    for markdown in ("**", "##", "|---", "]("):
        assert markdown not in text
        assert markdown not in html


def test_the_notification_list_shows_a_plain_excerpt(client, django_capture_on_commit_callbacks):
    watcher = _watched_reply(
        CommunityFactory(), django_capture_on_commit_callbacks, body=POST + "\n" + "Длинный текст. " * 60
    )
    note = Notification.objects.get(recipient=watcher, kind="community_post")
    assert note.body.startswith("Что внутри Работа с раздаткой, см. шаблон (https://example.org/plan)")
    assert note.body.endswith(" …")
    assert len(note.body) <= 300
    assert "**" not in note.body
    client.force_login(watcher)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Что внутри Работа с раздаткой" in page
    assert "**раздаткой**" not in page


def test_quoted_text_is_left_out_of_the_excerpt(django_capture_on_commit_callbacks):
    watcher = _watched_reply(
        CommunityFactory(),
        django_capture_on_commit_callbacks,
        body="> **Анна:**\n> старый вопрос\n\nМой ответ: да.",
    )
    assert Notification.objects.get(recipient=watcher, kind="community_post").body == "Мой ответ: да."


def test_html_given_to_a_notification_is_sanitized_whoever_sends_it():
    """Attack: a caller passing unsafe HTML cannot get it into a mail."""
    user = TeacherFactory()
    note = notification_send(
        recipient=user,
        kind="community_post",
        title="Hi",
        body="plain",
        body_html='<p onclick="x()">ok<script>alert(1)</script></p><a href="javascript:x">l</a>',
    )
    assert note.body_html == '<p>ok</p><a rel="nofollow ugc noopener">l</a>'
