"""Reading in a browser (issue #20 item 4): a teacher mutes a topic and the unread counts on the
communities list, in the navbar and in the cabinet drop by one; the Latest and Unread views across her
communities at 1366 px and on a phone."""

import pytest

from communities import services
from tests.communities.factories import CommunityFactory, member
from tests.factories import TeacherFactory

pytestmark = pytest.mark.e2e


def _navbar_count(page) -> str:
    badge = page.locator("#communities-unread")
    badge.wait_for(state="attached")
    page.wait_for_function("() => document.querySelector('#communities-unread').hasAttribute('data-count')")
    return badge.get_attribute("data-count") or ""


def test_muting_a_topic_lowers_every_unread_count_and_the_reading_views(page, live_server, login_as, shot):
    maths = CommunityFactory(name="Клуб учителей математики", slug="math")
    methods = CommunityFactory(name="МО учителей начальных классов", slug="primary")
    author = member(maths, TeacherFactory(full_name="Петренко Олена"))
    member(methods, author)
    teacher = TeacherFactory(full_name="Иванова Анна Сергеевна", preferred_language="ru")
    member(maths, teacher)
    member(methods, teacher)
    noisy = services.topic_create(
        community=maths,
        author=author,
        title="Ищу соавторов для сборника задач",
        body="Кто готов написать по две задачи на проценты?",
    )
    services.post_create(topic=noisy, author=author, body="Дедлайн — конец месяца.")
    services.topic_create(
        community=maths,
        author=author,
        title="Деление дробей: полоски или круги?",
        body="Как вы объясняете деление дробей в 5 классе?",
    )
    services.topic_create(
        community=methods,
        author=author,
        title="Читательская грамотность во 2 классе",
        body="Какие тексты вы берёте для первых заданий?",
    )

    login_as(teacher)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/communities/")
    assert _navbar_count(page) == "3"
    assert page.locator(".community-unread").first.inner_text() == "2 непрочитанные темы"
    shot("communities-reading-list-before-1366")

    page.goto(f"{live_server.url}/cabinet/")
    page.wait_for_selector("#cabinet-unread-link")
    assert page.locator("#cabinet-unread-link").inner_text() == "3 темы с непрочитанными сообщениями"

    # she mutes the topic she does not care about, from the topic's page
    page.goto(f"{live_server.url}/communities/t/{noisy.pk}/")
    page.select_option("select[name=level]", "muted")
    page.locator("form[action$='/follow/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/communities/")
    assert _navbar_count(page) == "2"
    assert page.locator(".community-unread").first.inner_text() == "1 непрочитанная тема"
    page.goto(f"{live_server.url}/cabinet/")
    page.wait_for_selector("#cabinet-unread-link")
    assert page.locator("#cabinet-unread-link").inner_text() == "2 темы с непрочитанными сообщениями"
    shot("communities-reading-cabinet-1366")

    page.goto(f"{live_server.url}/communities/c/math/")
    assert "Ищу соавторов" not in page.locator(".list-group").first.inner_text()
    assert page.locator("#muted-topics").inner_text() == "1 заглушённая тема скрыта"

    page.goto(f"{live_server.url}/communities/unread/")
    rows = page.locator("#reading-list .topic-row")
    assert rows.count() == 2
    assert "Ищу соавторов" not in page.locator("#reading-list").inner_text()
    assert page.locator("#unread-tab-count").inner_text() == "2"
    shot("communities-reading-unread-1366")

    page.goto(f"{live_server.url}/communities/latest/")
    assert page.locator("#reading-list .topic-row").count() == 2
    first = page.locator("#reading-list .topic-row").first
    assert first.locator(".topic-title").inner_text() == "Читательская грамотность во 2 классе"
    assert first.locator(".topic-community").inner_text() == "МО учителей начальных классов"
    assert "Петренко Олена" in first.locator(".topic-started").inner_text()
    shot("communities-reading-latest-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/communities/latest/")
    shot("communities-reading-latest-phone")
    page.goto(f"{live_server.url}/communities/unread/")
    shot("communities-reading-unread-phone")

    # she opens both: nothing is unread, the view says so
    hrefs = [link.get_attribute("href") for link in page.locator("#reading-list .topic-title").all()]
    for href in hrefs:
        page.goto(f"{live_server.url}{href}")
    page.goto(f"{live_server.url}/communities/unread/")
    page.wait_for_selector("#reading-empty")
    assert _navbar_count(page) == "0"
    shot("communities-reading-unread-empty-phone")
