"""Moderation and reactions in a browser (issue #20, items 4 and 8): an author edits then deletes their own
reply; a moderator hides a reported reply, the report shows resolved and the edit history is there; a
teacher reacts and opens the who-reacted list. Each at 1366 px and on a phone."""

import pytest

from communities import services
from communities.models import MemberRole, Post, PostRevision, Reaction, Report
from tests.communities.factories import CommunityFactory, member
from tests.factories import TeacherFactory

pytestmark = pytest.mark.e2e

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _thread():
    club = CommunityFactory(name="Клуб учителей математики", slug="math")
    moderator = member(club, TeacherFactory(full_name="Соколова Ирина"), role=MemberRole.MODERATOR)
    asker = member(club, TeacherFactory(full_name="Петренко Олена"))
    author = member(club, TeacherFactory(full_name="Иванова Анна"))
    topic = services.topic_create(
        community=club,
        author=asker,
        title="Деление дробей: полоски или круги?",
        body="Как вы объясняете деление дробей в пятом классе?",
    )
    reply = services.post_create(topic=topic, author=author, body="Я начинаю с полосок бумаги.")
    return club, moderator, asker, author, topic, reply


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "phone"])
def test_an_author_edits_then_deletes_their_own_reply(page, live_server, login_as, shot, viewport):
    _club, _moderator, _asker, author, topic, reply = _thread()
    login_as(author)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/communities/t/{topic.pk}/")
    page.locator("#post-2 .post-edit-link").click()
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=body]", "Я начинаю с полосок бумаги: **3/4 : 1/4 = 3**, потом круги.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#post-2 .post-body strong").inner_text() == "3/4 : 1/4 = 3"
    assert page.locator("#post-2 .edited-mark").inner_text() == "(edited)"
    assert PostRevision.objects.get(post=reply).body == "Я начинаю с полосок бумаги."
    shot(f"communities-post-edited-{viewport['width']}")

    page.locator("#post-2 .post-delete-link").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Delete the post?"
    shot(f"communities-post-delete-confirm-{viewport['width']}")
    assert Post.objects.get(pk=reply.pk).deleted_at is None  # asking deleted nothing
    page.get_by_role("button", name="Delete the post").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#post-2 .post-deleted").inner_text() == "Post deleted"
    assert "полосок" not in page.locator("#post-2").inner_text()
    assert page.locator("#post-1 .post-body").inner_text().startswith("Как вы объясняете")
    shot(f"communities-post-deleted-{viewport['width']}")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "phone"])
def test_a_moderator_hides_a_reported_reply_the_report_is_resolved_and_the_history_shows(
    page, live_server, login_as, shot, viewport
):
    _club, moderator, asker, author, topic, reply = _thread()
    services.post_edit(post=reply, by=author, body="Я начинаю с полосок. Подробнее — на моём платном курсе!")
    report = services.post_report(post=reply, reporter=asker, reason="Реклама платного курса")
    login_as(moderator)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/communities/c/math/reports/")
    assert "Реклама платного курса" in page.locator("main").inner_text()
    shot(f"communities-report-open-{viewport['width']}")
    page.get_by_role("link", name="Open the topic").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("#post-2").get_by_role("button", name="Hide").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#post-2 .badge").first.inner_text() == "Hidden from members"
    report.refresh_from_db()
    assert report.resolved_by_id == moderator.pk

    page.goto(f"{live_server.url}/communities/c/math/reports/")
    assert "No open reports." in page.locator("main").inner_text()
    handled = page.locator(".handled-report").first
    assert handled.locator(".badge").inner_text() == "Resolved"
    assert "handled by Соколова Ирина" in handled.inner_text() and "post hidden" in handled.inner_text()
    shot(f"communities-report-resolved-{viewport['width']}")
    handled.get_by_role("link", name="History").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".revision-body").first.inner_text() == "Я начинаю с полосок бумаги."
    assert "Changed by Иванова Анна" in page.locator(".revision").first.inner_text()
    shot(f"communities-post-history-{viewport['width']}")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "phone"])
def test_a_teacher_reacts_and_opens_who_reacted(page, live_server, login_as, shot, viewport):
    club, _moderator, asker, _author, topic, reply = _thread()
    services.post_react(post=reply, user=asker, kind="useful")
    teacher = member(club, TeacherFactory(full_name="Бондаренко Марина"))
    login_as(teacher)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/communities/t/{topic.pk}/")
    idea = page.locator("#post-2 .reaction-idea")
    assert idea.get_attribute("aria-pressed") == "false"
    idea.click()
    page.wait_for_selector('#post-2 .reaction-idea[aria-pressed="true"]')
    assert page.locator("#post-2 .reaction-idea .reaction-count").inner_text() == "1"
    assert page.locator("#post-2 .reaction-useful .reaction-count").inner_text() == "1"
    assert Reaction.objects.filter(post=reply, user=teacher, kind="idea").count() == 1
    page.locator("#post-2 .who-reacted").click()
    page.wait_for_selector("#post-2 .reactor-list")
    listing = page.locator("#post-2 .reactor-list").inner_text()
    assert "Петренко Олена" in listing and "Бондаренко Марина" in listing and "@" not in listing
    page.locator("#post-2").scroll_into_view_if_needed()
    shot(f"communities-reactions-{viewport['width']}")
    page.locator("#post-2 .reaction-idea").click()  # and takes it back
    page.wait_for_selector('#post-2 .reaction-idea[aria-pressed="false"]')
    assert Reaction.objects.filter(post=reply, user=teacher).count() == 0
    assert Report.objects.count() == 0
