import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar

from communities import services
from communities.models import Attachment, Membership, Post, Topic
from notifications.models import Notification

from .factories import EXE, PNG, CommunityFactory, EventFactory, member, post_html
from .xss import CORPUS, assert_inert

pytestmark = pytest.mark.django_db


def test_sanitizer_corpus_and_link_rel():
    for payload in CORPUS:
        assert_inert(post_html(payload))
    html = post_html("[site](https://example.org) and <a href='http://x.org' onclick='x()'>x</a>")
    assert html == (
        '<p><a href="https://example.org" rel="nofollow ugc noopener">site</a> and '
        "&lt;a href='http://x.org' onclick='x()'&gt;x&lt;/a&gt;</p>\n"
    )  # raw HTML stays text
    assert post_html("# Big\n\n**b**") == "<h3>Big</h3>\n<p><strong>b</strong></p>\n"
    # Images: attachments of this site (or https) only, never a same-site page that would receive a GET.
    assert post_html("![a](/communities/files/3/) ![b](/communities/t/5/?page=9)") == (
        '<p><img src="/communities/files/3/" alt="a"> <img alt="b"></p>\n'
    )


def test_xss_corpus_inert_everywhere(client, django_capture_on_commit_callbacks, settings):
    club = CommunityFactory(name="Open club", slug="open-club")
    author = member(club, role="moderator")
    reader = member(club)
    services.topic_set_following  # noqa: B018 - readers get notifications below
    services.membership_set_following(community=club, user=reader, level="watching", watch_new_topics=True)
    pages = []
    for i, payload in enumerate(CORPUS):
        with django_capture_on_commit_callbacks(execute=True):
            topic = services.topic_create(
                community=club,
                author=author,
                title=f"{payload} solve {i}",
                body=f"{payload} solve",
                files=[SimpleUploadedFile(f"{payload}.png", PNG)],
            )
            services.post_create(topic=topic, author=author, body=f"quote {payload} solve")
        material = services.material_create(
            community=club,
            author=author,
            title=payload,
            description=payload,
            tags=payload[:40],
            files=[SimpleUploadedFile(f"{payload}.png", PNG)],
        )
        services.material_comment_add(material=material, author=reader, body=payload)
        event = services.event_create(
            community=club,
            by=author,
            title=payload,
            description=payload,
            starts_at=EventFactory.build().starts_at,
            ends_at=EventFactory.build().ends_at,
            time_zone="Europe/Kyiv",
            place=payload,
        )
        services.post_report(post=topic.posts.get(number=2), reporter=reader, reason=payload)
        services.membership_join(
            community=CommunityFactory(is_closed=True, slug=f"closed-{i}"), user=reader, message=payload
        )
        pages += [
            reverse("communities:topic", args=[topic.pk]),
            reverse("communities:topic", args=[topic.pk]) + f"?quote={topic.posts.get(number=1).pk}",
            reverse("communities:post_edit", args=[topic.posts.get(number=1).pk]),
            reverse("communities:material", args=[material.pk]),
            reverse("communities:event", args=[event.pk]),
        ]
    client.force_login(author)
    pages += [
        reverse("communities:list"),
        reverse("communities:detail", args=["open-club"]),
        reverse("communities:materials", args=["open-club"]),
        reverse("communities:events", args=["open-club"]),
        reverse("communities:reports", args=["open-club"]),
        reverse("communities:search") + "?q=solve",
        reverse("communities:suggestions", args=["open-club"]) + "?title=solve+something",
        reverse("cabinet"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content)
    # The closed communities' moderators review the join messages: members pages.
    for i in range(len(CORPUS)):
        closed = CommunityFactory._meta.model.objects.get(slug=f"closed-{i}")
        admin = member(closed, role="moderator")
        client.force_login(admin)
        assert_inert(client.get(reverse("communities:members", args=[closed.slug])).content)
    client.force_login(reader)
    assert_inert(client.get(reverse("communities:search") + "?q=solve").content)
    assert_inert(client.post(reverse("communities:preview"), {"body": "\n".join(CORPUS)}).content)
    for url in ["/notifications/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert_inert(response.content)
    assert Notification.objects.filter(recipient=reader).count() >= len(CORPUS)
    api = client.get("/api/v1/community-posts/", {"topic": Topic.objects.first().pk}).json()
    for row in api["results"]:
        assert_inert(row["body_html"])
    # Downloads: the stored name is generated; the display name is only in a quoted, encoded header.
    for attachment in Attachment.objects.all():
        assert "<" not in attachment.file.name and "script" not in attachment.file.name
        response = client.get(reverse("communities:attachment", args=[attachment.pk]))
        assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "\n" not in response["Content-Disposition"]


def test_executable_disguised_as_pdf_refused_through_the_form(client):
    club = CommunityFactory(slug="c1")
    teacher = member(club)
    client.force_login(teacher)
    response = client.post(
        reverse("communities:topic_create", args=["c1"]),
        {
            "title": "My plan",
            "body": "see the file",
            "files": [SimpleUploadedFile("plan.pdf", EXE, "application/pdf")],
        },
    )
    assert response.status_code == 200
    assert "is not an accepted file type" in response.content.decode()
    assert not Topic.objects.exists() and not Attachment.objects.exists()


def test_locked_topic_reply_gets_clear_message(client):
    club = CommunityFactory(slug="c2")
    teacher = member(club)
    moderator = member(club, role="moderator")
    topic = services.topic_create(community=club, author=teacher, title="T topic", body="b text")
    services.topic_moderate(topic=topic, by=moderator, locked=True)
    client.force_login(teacher)
    response = client.post(reverse("communities:topic_reply", args=[topic.pk]), {"body": "more"}, follow=True)
    assert "This topic is closed for new replies." in response.content.decode()
    assert Post.objects.filter(topic=topic).count() == 1


def test_join_open_and_ask_closed(client):
    teacher = member(CommunityFactory())  # a teacher with some other membership
    open_club = CommunityFactory(slug="open")
    closed = CommunityFactory(slug="closed", is_closed=True)
    client.force_login(teacher)
    client.post(reverse("communities:join", args=["open"]))
    client.post(reverse("communities:join", args=["closed"]), {"message": "I teach maths"})
    assert Membership.objects.get(community=open_club, user=teacher).state == "active"
    assert Membership.objects.get(community=closed, user=teacher).state == "pending"


def test_topic_flow_quote_unread_and_solution(client):
    club = CommunityFactory(slug="flow")
    asker, helper = member(club), member(club)
    client.force_login(asker)
    response = client.post(
        reverse("communities:topic_create", args=["flow"]), {"title": "How to?", "body": "Q: where to start?"}
    )
    topic = Topic.objects.get()
    assert response["Location"] == reverse("communities:topic", args=[topic.pk])
    for i in range(25):
        services.post_create(topic=topic, author=helper, body=f"answer {i}")
    # The asker read post 1 only: "jump to first unread" goes to post 2 on page 1.
    response = client.get(reverse("communities:topic_unread", args=[topic.pk]))
    assert response["Location"].endswith("?page=1#post-2")
    page2 = client.get(reverse("communities:topic", args=[topic.pk]), {"page": 2}).content.decode()
    assert 'id="post-26"' in page2 and 'id="post-20"' not in page2
    response = client.get(reverse("communities:topic_unread", args=[topic.pk]))
    assert response["Location"].endswith("?page=2#post-26")  # read up to the last post: lands on it
    quote = client.get(reverse("communities:topic", args=[topic.pk]), {"quote": topic.posts.get(number=3).pk})
    assert "&gt; answer 1" in quote.content.decode()
    solution = topic.posts.get(number=3)
    client.post(reverse("communities:topic_solution", args=[topic.pk]), {"post": solution.pk})
    topic.refresh_from_db()
    assert topic.solution_id == solution.pk
    listing = client.get(reverse("communities:detail", args=["flow"])).content.decode()
    assert "solved-badge" in listing


def test_useful_htmx_and_preview(client):
    club = CommunityFactory(slug="u")
    author, reader = member(club), member(club)
    topic = services.topic_create(community=club, author=author, title="T topic", body="b text")
    client.force_login(reader)
    response = client.post(
        reverse("communities:post_react", args=[topic.posts.get().pk]),
        {"kind": "useful"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert (
        '<span aria-hidden="true">👍</span> <span class="reaction-count">1</span>'
        in response.content.decode()
    )
    preview = client.post(
        reverse("communities:preview"), {"body": "**hi** <script>x</script>"}
    ).content.decode()
    assert "<strong>hi</strong>" in preview and "<script>x" not in preview


def test_event_form_time_zone_and_ics(client):
    club = CommunityFactory(slug="ev")
    moderator = member(club, role="moderator")
    client.force_login(moderator)
    response = client.post(
        reverse("communities:event_create", args=["ev"]),
        {
            "title": "Round table; part 1, intro",
            "kind": "round_table",
            "starts_at": "2030-03-10T15:00",
            "ends_at": "2030-03-10T16:30",
            "time_zone": "Asia/Yekaterinburg",
            "capacity": "2",
        },
    )
    event = club.events.get()
    assert response["Location"] == reverse("communities:event", args=[event.pk])
    assert event.starts_at.isoformat() == "2030-03-10T10:00:00+00:00"
    ics = client.get(reverse("communities:event_ics", args=[event.pk]))
    text = ics.content.decode()
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert "DTSTART;TZID=Asia/Yekaterinburg:20300310T150000\r\n" in text
    assert "SUMMARY:Round table\\; part 1\\, intro\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    parsed = Calendar.from_ical(ics.content)
    [entry] = parsed.events
    assert [tz.tz_name for tz in parsed.timezones] == ["Asia/Yekaterinburg"]
    assert entry.start.isoformat() == "2030-03-10T15:00:00+05:00"
    assert str(entry["UID"]) == f"community-event-{event.pk}@testserver"
    assert entry["SEQUENCE"] == 0
    services.event_update(event=event, by=moderator, online_url="https://meet.example.org/rt")
    assert (
        "meet.example.org"
        not in client.get(reverse("communities:event_ics", args=[event.pk])).content.decode()
    )
    services.event_register(event=event, user=moderator)
    assert (
        "meet.example.org/rt"
        in client.get(reverse("communities:event_ics", args=[event.pk])).content.decode()
    )
    bad = client.post(
        reverse("communities:event_create", args=["ev"]),
        {
            "title": "x",
            "kind": "webinar",
            "starts_at": "2030-03-10T15:00",
            "ends_at": "2030-03-10T14:00",
            "time_zone": "Europe/Moscow",
        },
    )
    assert bad.status_code == 200 and club.events.count() == 1


def test_ics_folding_multibyte():
    from communities.ical import calendar

    title = ("Круглый стол " * 15).strip()
    event = EventFactory(title=title)
    body = calendar([event], name=title, base_url="http://testserver/")
    assert all(len(part) <= 75 for part in body.split(b"\r\n"))
    assert Calendar.from_ical(body).events[0]["SUMMARY"] == title


def test_moderator_approves_join_request_and_member_cannot(client):
    closed = CommunityFactory(slug="mo", is_closed=True)
    moderator = member(closed, role="moderator")
    plain = member(closed)
    applicant = member(CommunityFactory())
    request = services.membership_join(community=closed, user=applicant, message="Прошу принять")
    url = reverse("communities:membership_decide", args=["mo", request.pk])
    client.force_login(plain)
    client.post(url, {"action": "approve"}, follow=True)
    request.refresh_from_db()
    assert request.state == "pending"
    client.force_login(moderator)
    page = client.get(reverse("communities:members", args=["mo"])).content.decode()
    assert "Прошу принять" in page
    client.post(url, {"action": "approve"})
    request.refresh_from_db()
    assert request.state == "active"
    assert client.post(url, {"action": "delete-everything"}).status_code == 400


def test_report_through_the_page_reaches_the_moderators_queue(client):
    club = CommunityFactory(slug="rep")
    author, reader = member(club), member(club)
    moderator = member(club, role="moderator")
    topic = services.topic_create(community=club, author=author, title="T topic", body="spam link")
    client.force_login(reader)
    post = topic.posts.get()
    client.post(reverse("communities:post_report", args=[post.pk]), {"reason": "Реклама"})
    again = client.post(reverse("communities:post_report", args=[post.pk]), {"reason": "Снова"})
    assert "already reported" in again.content.decode()
    assert client.get(reverse("communities:reports", args=["rep"])).status_code == 404
    client.force_login(moderator)
    queue = client.get(reverse("communities:reports", args=["rep"])).content.decode()
    assert "Реклама" in queue and "Снова" not in queue


def test_material_shared_rated_and_sorted(client, django_assert_max_num_queries):
    from communities.models import Material

    club = CommunityFactory(slug="lib")
    author, rater = member(club), member(club)
    client.force_login(author)
    response = client.post(
        reverse("communities:material_create", args=["lib"]),
        {
            "title": "Урок дробей",
            "kind": "lesson_plan",
            "description": "План *урока*",
            "grade_from": "5",
            "grade_to": "6",
            "tags": "дроби, 5 класс",
            "files": [SimpleUploadedFile("plan.png", PNG)],
        },
    )
    material = Material.objects.get()
    assert response["Location"] == reverse("communities:material", args=[material.pk])
    bad = client.post(
        reverse("communities:material_create", args=["lib"]),
        {"title": "x", "kind": "lesson_plan", "description": "d", "grade_from": "9", "grade_to": "5"},
    )
    assert bad.status_code == 200 and Material.objects.count() == 1
    newer = services.material_create(community=club, author=author, title="Новый", description="d")
    client.force_login(rater)
    client.post(reverse("communities:material", args=[material.pk]), {"score": "5"})
    client.post(reverse("communities:material", args=[material.pk]), {"body": "Спасибо!"})
    material.refresh_from_db()
    assert (material.rating_count, material.comments.count()) == (1, 1)
    useful = client.get(reverse("communities:materials", args=["lib"])).content.decode()
    newest = client.get(reverse("communities:materials", args=["lib"]), {"sort": "newest"}).content.decode()
    assert useful.index("Урок дробей") < useful.index("Новый")
    assert newest.index(newer.title) < newest.index("Урок дробей")


def test_event_register_through_the_page(client):
    club = CommunityFactory(slug="evp")
    event = EventFactory(community=club, capacity=1, online_url="https://meet.example.org/x")
    first, second = member(club), member(club)
    client.force_login(first)
    assert (
        "https://meet.example.org/x"
        not in client.get(reverse("communities:event", args=[event.pk])).content.decode()
    )
    client.post(reverse("communities:event", args=[event.pk]), {"action": "register"})
    assert (
        "https://meet.example.org/x"
        in client.get(reverse("communities:event", args=[event.pk])).content.decode()
    )
    client.force_login(second)
    response = client.post(reverse("communities:event", args=[event.pk]), {"action": "register"}, follow=True)
    assert "No places are left: you are number 1 on the waiting list." in response.content.decode()
    cabinet = client.get(reverse("communities:list")).content.decode()
    assert event.title in cabinet
