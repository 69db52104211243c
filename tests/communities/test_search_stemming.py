"""Forum search on PostgreSQL: the stored vector ('russian' stems + 'simple' exact words, ё folded), kept
current by the services in the same transaction; never shows what the reader may not read."""

import pytest
from django.urls import reverse

from communities import selectors, services
from communities.models import Post, Topic

from ..conftest import requires_postgres
from .factories import CommunityFactory, member

pytestmark = [requires_postgres(), pytest.mark.postgres, pytest.mark.django_db]


def _found(user, query):
    return [p.topic_id for p in selectors.post_search(user, query=query)]


@pytest.fixture
def club():
    return CommunityFactory()


@pytest.fixture
def author(club):
    return member(club)


def test_russian_word_forms_find_each_other(club, author):
    teacher = services.topic_create(
        community=club, author=author, title="Разговор", body="Каждый учитель знает этот приём."
    )
    grading = services.topic_create(
        community=club, author=author, title="Методика", body="Формирующее оценивание на уроке."
    )
    services.topic_create(community=club, author=author, title="Другое", body="Совсем о другом говорим.")
    assert _found(author, "учителя") == [teacher.pk]
    assert _found(author, "оцениванию") == [grading.pk]


def test_ukrainian_forms_as_the_russian_stemmer_really_treats_them(club, author):
    # 'russian' cuts Russian endings: «вчителям» and «вчитель» share the stem «вчител», and «оцінюванню»
    # and «оцінювання» the stem «оцінюван». It does not know «-ів»: «вчителів» stays a word of its own,
    # found only as written (the 'simple' part), not in «вчитель».
    teacher = services.topic_create(
        community=club, author=author, title="Розмова", body="Кожен вчитель знає цей прийом."
    )
    grading = services.topic_create(
        community=club, author=author, title="Методика", body="Формувальне оцінювання на уроках."
    )
    many = services.topic_create(
        community=club, author=author, title="Нарада", body="Збори вчителів у четвер о 15:00."
    )
    assert _found(author, "вчителям") == [teacher.pk]
    assert _found(author, "оцінюванню") == [grading.pk]
    assert _found(author, "вчителів") == [many.pk]


def test_case_and_yo_are_ignored_and_names_match_exactly(club, author):
    yo = services.topic_create(community=club, author=author, title="Праздник", body="Ёлка в актовом зале.")
    name = services.topic_create(
        community=club, author=author, title="Книги", body="Читаем Сухомлинского вместе с детьми."
    )
    assert _found(author, "ЕЛКА") == [yo.pk]
    assert _found(author, "ёлку") == [yo.pk]
    assert _found(author, "Сухомлинского") == [name.pk]


def test_title_ranks_above_text_and_every_post_of_the_topic_carries_it(club, author):
    titled = services.topic_create(
        community=club, author=author, title="Портфолио учителя", body="Что вы в него кладёте?"
    )
    reply = services.post_create(topic=titled, author=author, body="Грамоты и разработки уроков.")
    texted = services.topic_create(
        community=club, author=author, title="Разное", body="Собираю портфолио к аттестации."
    )
    results = selectors.post_search(author, query="портфолио")
    # both posts under the title first (equal rank: newest first), then the one that only says it
    assert [(p.topic_id, p.number) for p in results] == [(titled.pk, 2), (titled.pk, 1), (texted.pk, 1)]
    assert reply.number == 2


def test_edited_post_is_found_by_its_new_words_at_once_and_not_its_old(club, author):
    topic = services.topic_create(
        community=club, author=author, title="Вопрос", body="Расскажите про диктанты в третьем классе."
    )
    post = Post.objects.get(topic=topic, number=1)
    services.post_edit(post=post, by=author, body="Расскажите про сочинения в третьем классе.")
    assert _found(author, "сочинение") == [topic.pk]
    assert _found(author, "диктант") == []


def test_topic_renamed_in_the_admin_is_found_by_its_new_title_at_once(club, author, rf):
    from types import SimpleNamespace

    from django.contrib import admin

    topic = services.topic_create(
        community=club, author=author, title="Черновое имя", body="Текст вопроса тут."
    )
    services.post_create(topic=topic, author=author, body="Ответ без ключевых слов.")
    topic.title = "Проектная неделя"
    admin.site._registry[Topic].save_model(rf.post("/"), topic, SimpleNamespace(changed_data=["title"]), True)
    assert [(p.topic_id, p.number) for p in selectors.post_search(author, query="проектной")] == [
        (topic.pk, 2),
        (topic.pk, 1),
    ]
    assert _found(author, "черновое") == []


def test_renamed_topic_is_found_by_its_new_title(club, author):
    topic = services.topic_create(
        community=club, author=author, title="Старое название", body="Текст вопроса тут."
    )
    topic.title = "Интерактивная доска"
    topic.save(update_fields=["title"])
    services.topic_title_changed(topic=topic)
    assert _found(author, "доски") == [topic.pk]
    assert _found(author, "название") == []


def test_attack_hidden_posts_topics_and_closed_communities_never_appear(club, author):
    moderator = member(club, role="moderator")
    shown = services.topic_create(
        community=club, author=author, title="Видно", body="Секретная методика один."
    )
    hidden_topic = services.topic_create(
        community=club, author=author, title="Скрыто", body="Секретная методика два."
    )
    services.topic_moderate(topic=hidden_topic, by=moderator, hidden=True)
    reply = services.post_create(topic=shown, author=author, body="Секретная методика три, ответ.")
    services.post_set_hidden(post=reply, by=moderator, hidden=True)
    closed = CommunityFactory(is_closed=True)
    services.topic_create(
        community=closed, author=member(closed), title="Закрытое", body="Секретная методика четыре."
    )
    results = selectors.post_search(author, query="секретной методики")
    assert [(p.topic_id, p.number) for p in results] == [(shown.pk, 1)]


def test_search_page_queries_are_pinned(client, club, author, django_assert_num_queries):
    for i in range(3):
        services.topic_create(community=club, author=author, title=f"Тема {i}", body=f"Учителя пишут {i}.")
    client.force_login(author)
    url = reverse("communities:search") + "?q=учитель"
    client.get(url)  # warm the per-session caches (language, scopes) like any second page view
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["results"]) == 3
