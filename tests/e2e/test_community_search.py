"""A teacher searches the forums in Russian and finds other word forms, the matches highlighted; on a
phone too. The stemming is PostgreSQL's (CI); on SQLite the same journey finds the exact forms only."""

import pytest
from django.db import connection

from communities import services
from tests.communities.factories import CommunityFactory, member
from tests.factories import TeacherFactory

pytestmark = pytest.mark.e2e


def test_teacher_finds_other_word_forms_and_opens_the_post(page, live_server, login_as, shot):
    club = CommunityFactory(name="Клуб учителей начальных классов", slug="primary")
    olena = member(club, TeacherFactory(full_name="Петренко Олена"))
    topic = services.topic_create(
        community=club,
        author=olena,
        title="Формирующее оценивание во втором классе",
        body="Какие приёмы оценивания вы используете на уроках чтения? Делюсь своими листами самооценки.",
    )
    services.topic_create(community=club, author=olena, title="Экскурсия", body="Едем в музей в пятницу.")
    reader = member(club, TeacherFactory(full_name="Иванова Анна", preferred_language="ru"))
    login_as(reader)
    stemmed = connection.vendor == "postgresql"
    query = "оцениванию" if stemmed else "оценивани"
    page.goto(f"{live_server.url}/communities/search/?q={query}")
    shot("community-search-1366")
    results = page.locator("main mark")
    assert results.all_inner_texts() == ["оценивания"]
    assert page.get_by_role("link", name=topic.title).count() == 1
    assert page.get_by_text("Экскурсия").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})
    shot("community-search-phone")
    page.get_by_role("link", name=topic.title).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#topic-title").inner_text() == topic.title
