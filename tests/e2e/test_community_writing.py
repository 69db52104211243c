"""Writing in a browser (issue #20 items 3 and 10): a reply refused for its file keeps its text; what one
types is kept as a draft and comes back after a reload; leaving a community asks first."""

import pytest

from communities import services
from communities.models import Draft, Membership, Post
from tests.communities.factories import CommunityFactory, member
from tests.factories import TeacherFactory

pytestmark = pytest.mark.e2e


def test_a_refused_reply_keeps_its_text_and_a_draft_survives_a_reload(
    page, live_server, login_as, shot, tmp_path
):
    club = CommunityFactory(name="Клуб учителей математики", slug="math")
    asker = member(club, TeacherFactory(full_name="Петренко Олена"))
    topic = services.topic_create(
        community=club,
        author=asker,
        title="Деление дробей: полоски или круги?",
        body="Как вы объясняете деление дробей?",
    )
    teacher = member(club, TeacherFactory(full_name="Иванова Анна"))
    fake = tmp_path / "план.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")

    login_as(teacher)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/communities/t/{topic.pk}/")
    text = "Я начинаю с полосок: **3/4 : 1/4 = 3**, потом переходим к кругам."
    page.fill("textarea[name=body]", text)
    page.set_input_files("input[name=files]", str(fake))
    page.locator("#send-reply").click()
    page.wait_for_load_state("networkidle")
    # refused for the file: the reason is shown, the text is still in the box, nothing was posted
    assert "план.pdf" in page.locator("#reply .alert-danger").inner_text()
    assert page.input_value("textarea[name=body]") == text
    assert Post.objects.filter(topic=topic).count() == 1
    shot("communities-reply-refused-1366")

    # she goes on typing without the file; the draft is saved as she types
    page.fill("textarea[name=body]", text + "\n\nА у вас как?")
    page.wait_for_selector("#draft-status:has-text('Draft saved at')")
    assert Draft.objects.get(user=teacher, topic=topic).body == text + "\n\nА у вас как?"

    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.input_value("textarea[name=body]") == text + "\n\nА у вас как?"
    assert "Your draft is restored." in page.locator("#draft-status").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#reply").scroll_into_view_if_needed()
    shot("communities-draft-restored-phone")

    page.locator("#send-reply").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#post-2 .post-body strong").inner_text() == "3/4 : 1/4 = 3"
    assert Draft.objects.filter(user=teacher).count() == 0
    assert page.input_value("textarea[name=body]") == ""


def test_leaving_a_community_asks_first(page, live_server, login_as, shot):
    club = CommunityFactory(name="Клуб учителей математики", slug="math")
    teacher = member(club, TeacherFactory(full_name="Иванова Анна"))
    login_as(teacher)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/communities/c/math/")
    page.locator("#leave-community").click()
    page.wait_for_load_state("networkidle")
    assert "Leave the community “Клуб учителей математики”?" in page.locator("#leave-confirm h1").inner_text()
    assert Membership.objects.filter(community=club, user=teacher).count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    shot("communities-leave-confirm-phone")
    page.get_by_role("link", name="Stay in the community").click()
    page.wait_for_load_state("networkidle")
    assert Membership.objects.filter(community=club, user=teacher).count() == 1
    page.locator("#leave-community").click()
    page.locator("#confirm-leave").click()
    page.wait_for_load_state("networkidle")
    assert "You have left the community “Клуб учителей математики”." in page.content()
    assert Membership.objects.filter(community=club, user=teacher).count() == 0
