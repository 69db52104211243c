"""Search in Russian and Ukrainian ignores case and ё on both databases (SQLite's LIKE folds ASCII only)."""

import pytest

from communities import selectors, services

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["ПРОЕКТНАЯ", "Проектная", "проектная"])
def test_post_search_finds_russian_words_in_any_case(query):
    club = CommunityFactory()
    author = member(club)
    topic = services.topic_create(
        community=club, author=author, title="Разное", body="Проектная деятельность в пятом классе."
    )
    services.topic_create(community=club, author=author, title="Другое", body="Совсем о другом.")
    assert [p.topic_id for p in selectors.post_search(author, query=query)] == [topic.pk]


def test_post_search_finds_ukrainian_words_and_folds_yo():
    club = CommunityFactory()
    author = member(club)
    uk = services.topic_create(
        community=club, author=author, title="Оцінювання", body="Формувальне ОЦІНЮВАННЯ на уроках."
    )
    yo = services.topic_create(community=club, author=author, title="Праздник", body="Ёлка в актовом зале.")
    assert [p.topic_id for p in selectors.post_search(author, query="оцінювання")] == [uk.pk]
    assert [p.topic_id for p in selectors.post_search(author, query="елка")] == [yo.pk]


def test_community_catalogue_and_similar_topics_ignore_case():
    club = CommunityFactory(name="Методическое объединение учителей истории")
    CommunityFactory(name="Клуб молодых педагогов")
    author = member(club)
    topic = services.topic_create(
        community=club,
        author=author,
        title="Выгорание педагога",
        body="Как вы справляетесь с усталостью к концу четверти?",
    )
    assert [c.pk for c in selectors.community_catalogue_for(author, query="ИСТОРИИ")] == [club.pk]
    assert [t.pk for t in selectors.topic_suggestions(author, community=club, title="выгорание")] == [
        topic.pk
    ]
