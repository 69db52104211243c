"""The communities API's list filters: a community or topic the user may not read is as unknown as one
that does not exist (400, the same message in the caller's language); nothing of it is listed."""

import pytest

from communities import services

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db


def _speaking(user, lang):
    user.preferred_language = lang
    user.save(update_fields=["preferred_language"])


@pytest.fixture
def clubs():
    mine = CommunityFactory(slug="mine")
    closed = CommunityFactory(slug="closed", is_closed=True)
    teacher = member(mine)
    outsider_topic = services.topic_create(
        community=closed, author=member(closed), title="Secret", body="secret body"
    )
    return {"mine": mine, "closed": closed, "teacher": teacher, "secret": outsider_topic}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_bad_or_missing_filters_are_messages_and_unreadable_ones_list_nothing(client, clubs, lang):
    _speaking(clubs["teacher"], lang)
    client.force_login(clubs["teacher"])
    topic = {"en": "Topic", "ru": "Тема"}[lang]
    community = {"en": "Community", "ru": "Сообщество"}[lang]
    required = {"en": "This field is required.", "ru": "Обязательное поле."}[lang]
    whole = {
        "en": "Unknown value: abc. Give a whole number.",
        "ru": "Неизвестное значение: abc. Укажите целое число.",
    }[lang]
    bad = client.get("/api/v1/community-posts/", {"topic": "abc"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert bad.status_code == 400
    assert bad.json() == {"detail": [f"{topic}: {whole}"]}
    missing = client.get("/api/v1/community-topics/", HTTP_ACCEPT_LANGUAGE=lang)
    assert missing.status_code == 400
    assert missing.json() == {"detail": [f"{community}: {required}"]}
    for url, params in [
        ("/api/v1/community-topics/", {"community": "closed"}),
        ("/api/v1/community-posts/", {"topic": clubs["secret"].pk}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 200
        assert response.json()["results"] == []


def test_the_filters_still_list_what_the_member_reads(client, clubs):
    topic = services.topic_create(
        community=clubs["mine"], author=clubs["teacher"], title="Open topic", body="open body"
    )
    client.force_login(clubs["teacher"])
    topics = client.get("/api/v1/community-topics/", {"community": "mine"}).json()["results"]
    assert [t["title"] for t in topics] == ["Open topic"]
    posts = client.get("/api/v1/community-posts/", {"topic": topic.pk}).json()["results"]
    assert [p["number"] for p in posts] == [1]
