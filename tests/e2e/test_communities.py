"""Communities in a browser: join, ask with Markdown and an image, get a reply, mark the solution;
a script in a post never runs."""

import pytest
from PIL import Image, ImageDraw

from communities import services
from communities.models import Topic
from tests.communities.factories import CommunityFactory, member
from tests.communities.xss import CORPUS
from tests.factories import TeacherFactory

pytestmark = pytest.mark.e2e


def test_teacher_joins_asks_gets_answer_and_marks_solution(page, live_server, login_as, shot, tmp_path):
    club = CommunityFactory(name="Клуб учителей математики", slug="math", description="Задачи и методики.")
    helper = member(club, TeacherFactory(full_name="Петренко Олена", email="olena@example.org"))
    services.topic_create(
        community=club,
        author=helper,
        title="Деление дробей: полоски или круги?",
        body="Обсуждаем наглядность.",
    )
    asker = TeacherFactory(full_name="Иванова Анна", email="anna@example.org")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    login_as(asker)
    page.goto(f"{live_server.url}/communities/")
    page.get_by_role("link", name="Клуб учителей математики").click()
    page.locator("#join-community").click()
    assert "Welcome to the community!" in page.content()
    page.locator("#new-topic").click()

    page.fill("input[name=title]", "Как объяснить деление дробей")
    page.wait_for_selector("#similar-list")  # htmx suggestions while typing
    assert "Деление дробей: полоски или круги?" in page.locator("#similar-list").inner_text()
    page.fill(
        "textarea[name=body]",
        "Ученики путают **правило**.\n\n- полоски\n- круги\n\n<script>window.__xss=1</script>",
    )
    page.wait_for_selector("#md-preview strong")  # live preview, sanitized
    assert page.locator("#md-preview script").count() == 0
    image = tmp_path / "fractions.png"
    picture = Image.new("RGB", (240, 140), "white")
    draw = ImageDraw.Draw(picture)
    for i, colour in enumerate(["#1c6fb8", "#1c6fb8", "#1c6fb8", "#dee2e6"]):  # 3/4 as a strip
        draw.rectangle([10 + i * 55, 40, 60 + i * 55, 100], fill=colour, outline="black")
    picture.save(image)
    page.set_input_files("input[name=files]", str(image))
    shot("communities-new-topic")
    page.locator("#create-topic").click()
    page.wait_for_load_state("networkidle")
    topic = Topic.objects.get(title="Как объяснить деление дробей")
    assert page.locator("#post-1 .post-body strong").inner_text() == "правило"
    assert page.locator("#post-1 .post-body li").count() == 2
    assert page.locator("#post-1 img.post-image").evaluate("img => img.complete && img.naturalWidth") == 240

    # Another teacher replies (quoting) in her own browser session.
    page.context.clear_cookies()
    login_as(helper)
    page.goto(f"{live_server.url}/communities/t/{topic.pk}/")
    page.locator("#post-1").get_by_role("link", name="Quote").click()
    assert "> **Иванова Анна:**" in page.input_value("textarea[name=body]")
    page.fill(
        "textarea[name=body]", page.input_value("textarea[name=body]") + "Начните с полосок: 3/4 : 1/4 = 3."
    )
    page.locator("#send-reply").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#post-2 blockquote").count() == 1

    # The asker sees the reply as unread, marks it useful and as the solution.
    page.context.clear_cookies()
    login_as(asker)
    page.goto(f"{live_server.url}/communities/c/math/")
    assert page.locator(".unread-badge").first.inner_text() == "1 unread"
    page.locator(".unread-badge").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("#post-2")
    page.locator("#post-2 .reaction-useful").click()
    page.wait_for_selector('#post-2 .reaction-useful[aria-pressed="true"]')
    page.locator("#post-2 .mark-solution").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#post-2.solution").count() == 1
    assert page.locator("#topic-title .solved-badge").is_visible()
    shot("communities-topic-solved")
    topic.refresh_from_db()
    assert topic.solution.number == 2
    assert page.evaluate("window.__xss") is None and dialogs == []


def test_script_in_a_post_does_not_run(page, live_server, login_as, shot):
    club = CommunityFactory(slug="xss")
    author = member(club)
    topic = services.topic_create(
        community=club, author=author, title="<script>alert('title')</script> Опрос", body="Начало"
    )
    for payload in CORPUS:
        services.post_create(topic=topic, author=author, body=payload.replace("alert(1)", "window.__xss=1"))
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login_as(author)
    page.goto(f"{live_server.url}/communities/t/{topic.pk}/")
    page.mouse.move(200, 300)
    for link in page.locator(".post-body a").all():
        link.hover()
    page.wait_for_load_state("networkidle")
    shot("communities-xss-inert")
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert "<script>alert('title')</script>" in page.locator("#topic-title").inner_text()
    page.goto(f"{live_server.url}/communities/search/?q=window")
    assert page.evaluate("window.__xss") is None and dialogs == []
