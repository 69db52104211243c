"""The communities API's list filters: a community or topic the user may not read is as unknown as one
that does not exist (400, the same message in the caller's language); nothing of it is listed."""

import pytest

from communities import services

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db

NOT_YOURS = {
    "en": "Unknown value: it is not one of the choices you may use.",
    "ru": "Неизвестное значение: его нет среди доступных вариантов.",
}


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
@pytest.mark.parametrize("slug", ["no-such-club", "closed"])
def test_topics_of_an_unknown_or_unreadable_community(client, clubs, lang, slug):
    _speaking(clubs["teacher"], lang)
    client.force_login(clubs["teacher"])
    response = client.get("/api/v1/community-topics/", {"community": slug}, HTTP_ACCEPT_LANGUAGE=lang)
    label = {"en": "Community", "ru": "Сообщество"}[lang]
    assert response.status_code == 400
    assert response.json() == {"detail": [f"{label}: {NOT_YOURS[lang]}"]}
    assert "Secret" not in response.content.decode()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_posts_of_a_non_integer_or_invisible_topic(client, clubs, lang):
    _speaking(clubs["teacher"], lang)
    client.force_login(clubs["teacher"])
    label = {"en": "Topic", "ru": "Тема"}[lang]
    for topic in ("abc", clubs["secret"].pk):
        response = client.get("/api/v1/community-posts/", {"topic": topic}, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 400
        assert response.json() == {"detail": [f"{label}: {NOT_YOURS[lang]}"]}
    required = client.get("/api/v1/community-posts/", HTTP_ACCEPT_LANGUAGE=lang)
    assert required.status_code == 400
    assert required.json() == {
        "detail": [f"{label}: {'This field is required.' if lang == 'en' else 'Обязательное поле.'}"]
    }


def test_the_filters_still_list_what_the_member_reads(client, clubs):
    topic = services.topic_create(
        community=clubs["mine"], author=clubs["teacher"], title="Open topic", body="open body"
    )
    client.force_login(clubs["teacher"])
    topics = client.get("/api/v1/community-topics/", {"community": "mine"}).json()["results"]
    assert [t["title"] for t in topics] == ["Open topic"]
    posts = client.get("/api/v1/community-posts/", {"topic": topic.pk}).json()["results"]
    assert [p["number"] for p in posts] == [1]
