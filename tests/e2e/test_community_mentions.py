"""Mentioning a colleague by name in a browser (issue #20, items 4 and 5): a teacher types "@Бон", picks
«Ольга Бондаренко» from the autocomplete, posts; the mention is a link to Ольга's card, and Ольга gets a
notification that opens the post. At 1366 px and on a phone."""

import pytest

from communities import services
from communities.models import Post
from core import markup
from notifications.models import Notification
from tests.communities.factories import CommunityFactory, member
from tests.factories import SubjectFactory, TeacherFactory

from .conftest import login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width,height,name", [(1366, 900, "1366"), (390, 844, "phone")])
def test_a_teacher_mentions_a_colleague_by_name_and_the_colleague_is_told(
    page, live_server, login_as, shot, width, height, name
):
    club = CommunityFactory(name="Клуб учителей математики", slug="math")
    olga = member(club, TeacherFactory(full_name="Ольга Бондаренко", email="o.bondarenko@example.org"))
    olga.subjects.add(SubjectFactory(name="Математика"))
    member(club, TeacherFactory(full_name="Борис Бондарев"))
    member(club, TeacherFactory(full_name="Пётр Сидоров"))
    teacher = member(club, TeacherFactory(full_name="Иванова Анна"))
    topic = services.topic_create(
        community=club, author=olga, title="Деление дробей: полоски или круги?", body="Как вы объясняете?"
    )

    login_as(teacher)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/communities/t/{topic.pk}/")
    box = page.locator("textarea[name=body]")
    box.click()
    box.press_sequentially("Спасибо, @Бон")
    options = page.locator(".mention-menu .mention-option")
    options.first.wait_for()
    assert page.locator(".mention-menu .mention-option .name").all_inner_texts() == [
        "Борис Бондарев",
        "Ольга Бондаренко",
    ]
    assert "o.bondarenko" not in page.locator(".mention-menu").inner_html()
    shot(f"communities-mention-autocomplete-{name}")
    options.filter(has_text="Ольга Бондаренко").click()
    box.press_sequentially("за идею с полосками!")
    reference = markup.mention_reference(olga.pk, "Ольга Бондаренко")
    assert box.input_value() == f"Спасибо, {reference} за идею с полосками!"
    page.wait_for_selector("#md-preview a.mention")
    page.locator("#send-reply").click()
    page.wait_for_load_state("networkidle")

    mention = page.locator("#post-2 .post-body a.mention")
    assert mention.inner_text() == "@Ольга Бондаренко"
    assert mention.get_attribute("href") == f"/communities/people/{olga.pk}/"
    assert Post.objects.get(topic=topic, number=2).body == f"Спасибо, {reference} за идею с полосками!"
    shot(f"communities-mention-posted-{name}")

    mention.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#person-name").inner_text() == "Ольга Бондаренко"
    assert "Математика" in page.locator(".user-card").inner_text()
    shot(f"communities-user-card-{name}")

    # Ольга is told, and the notification opens the post
    notification = Notification.objects.get(recipient=olga, kind="mention")
    assert notification.url == f"/communities/t/{topic.pk}/?page=1#post-2"
    page.context.clear_cookies()
    login(page, live_server, olga)
    page.goto(f"{live_server.url}/notifications/")
    title = page.locator(f"#notification-{notification.pk} .notification-title")
    assert title.inner_text() == "Иванова Анна mentioned you in “Деление дробей: полоски или круги?”"
    shot(f"communities-mention-notification-{name}")
    title.click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/communities/t/{topic.pk}/?page=1#post-2"
    assert (
        page.locator("#post-2 .post-body").inner_text() == "Спасибо, @Ольга Бондаренко за идею с полосками!"
    )

    # the member list: names, avatars and links to cards, never an address
    page.goto(f"{live_server.url}/communities/c/math/members/")
    names = page.locator(".member a").all_inner_texts()
    assert sorted(names) == sorted(["Ольга Бондаренко", "Борис Бондарев", "Пётр Сидоров", "Иванова Анна"])
    assert "@example.org" not in page.content().replace("o.bondarenko@example.org", "")
    assert page.locator(".member .avatar").count() == 4
    shot(f"communities-members-{name}")
