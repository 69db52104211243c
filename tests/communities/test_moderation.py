"""Moderation of posts (issue #20, item 8): hiding a reported post closes its reports and tells the
reporters; authors edit within a window and delete their own replies (soft); every edit keeps the previous
text for the moderators; the edit and delete forms of someone else's post are refused on opening (403)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from communities import services
from communities.models import Attachment, MemberRole, Post, PostRevision, Reaction, Report, Topic
from communities.services import CommunityError
from notifications.models import Notification

from .factories import PNG, CommunityFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    club = CommunityFactory(slug="club")
    moderator = member(club, role=MemberRole.MODERATOR)
    author, reporter, reader = member(club), member(club), member(club)
    topic = services.topic_create(
        community=club, author=reader, title="Дроби в пятом классе", body="Как вы объясняете дроби?"
    )
    reply = services.post_create(topic=topic, author=author, body="Покупайте мой курс по ссылке")
    return {
        "club": club,
        "moderator": moderator,
        "author": author,
        "reporter": reporter,
        "reader": reader,
        "topic": topic,
        "reply": reply,
    }


def _age(post, hours):
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=hours))
    post.refresh_from_db()


# --- hiding closes the reports ------------------------------------------------------------------


def test_hiding_a_reported_post_closes_its_open_reports_and_tells_each_reporter_in_their_language(
    thread, django_capture_on_commit_callbacks
):
    reply, moderator = thread["reply"], thread["moderator"]
    thread["reporter"].preferred_language = "ru"
    thread["reporter"].save(update_fields=["preferred_language"])
    first = services.post_report(post=reply, reporter=thread["reporter"], reason="Реклама")
    second = services.post_report(post=reply, reporter=thread["reader"], reason="Спам")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_set_hidden(post=reply, by=moderator, hidden=True)
    for report in (first, second):
        report.refresh_from_db()
        assert report.resolved_by_id == moderator.pk
        assert timezone.now() - report.resolved_at < timedelta(minutes=1)
    told = Notification.objects.get(
        recipient=thread["reporter"], dedupe_key=f"community-report-closed:{first.pk}"
    )
    assert told.title == "Сообщение, на которое вы пожаловались в «Дроби в пятом классе», скрыто модератором"
    assert told.url == reverse("communities:topic", args=[thread["topic"].pk])
    assert (
        Notification.objects.filter(
            recipient=thread["reader"], dedupe_key__startswith="community-report-closed:"
        ).count()
        == 1
    )


def test_showing_a_post_again_or_hiding_it_twice_reopens_nothing_and_tells_nobody_twice(
    thread, django_capture_on_commit_callbacks
):
    reply, moderator = thread["reply"], thread["moderator"]
    report = services.post_report(post=reply, reporter=thread["reporter"], reason="Реклама")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_set_hidden(post=reply, by=moderator, hidden=True)
        services.post_set_hidden(post=reply, by=moderator, hidden=False)
        services.post_set_hidden(post=reply, by=moderator, hidden=True)
    report.refresh_from_db()
    assert report.resolved_by_id == moderator.pk
    assert Notification.objects.filter(dedupe_key__startswith="community-report-closed:").count() == 1


def test_the_reports_page_shows_the_report_resolved_by_whom(
    client, thread, django_capture_on_commit_callbacks
):
    reply, moderator = thread["reply"], thread["moderator"]
    services.post_report(post=reply, reporter=thread["reporter"], reason="Реклама курса")
    client.force_login(moderator)
    assert client.post(reverse("communities:post_hide", args=[reply.pk]), {"hidden": "1"}).status_code == 302
    page = client.get(reverse("communities:reports", args=["club"])).content.decode()
    assert "No open reports." in page
    assert "Recently handled" in page and "Реклама курса" in page
    assert f"handled by {moderator}" in page and "post hidden" in page


def test_a_member_cannot_hide_a_post_nor_close_reports(client, thread):
    reply = thread["reply"]
    report = services.post_report(post=reply, reporter=thread["reporter"], reason="Реклама")
    client.force_login(thread["reader"])
    client.post(reverse("communities:post_hide", args=[reply.pk]), {"hidden": "1"})
    reply.refresh_from_db()
    report.refresh_from_db()
    assert (reply.is_hidden, report.resolved_at) == (False, None)


# --- editing: the window, the history, the form refused -------------------------------------------


def test_an_edit_keeps_the_previous_text_with_who_and_when(thread):
    reply, author = thread["reply"], thread["author"]
    services.post_edit(post=reply, by=author, body="Исправленный ответ без рекламы")
    revision = PostRevision.objects.get(post=reply)
    assert (revision.body, revision.edited_by_id, revision.was_deletion) == (
        "Покупайте мой курс по ссылке",
        author.pk,
        False,
    )
    assert revision.edited_at == Post.objects.get(pk=reply.pk).edited_at


def test_authors_edit_only_within_the_window_moderators_always(client, thread, settings):
    settings.COMMUNITIES_EDIT_WINDOW_HOURS = 24
    reply, author = thread["reply"], thread["author"]
    _age(reply, 25)
    with pytest.raises(CommunityError, match="within 24 hours"):
        services.post_edit(post=reply, by=author, body="Поздняя правка")
    client.force_login(author)
    opened = client.get(reverse("communities:post_edit", args=[reply.pk]))
    assert opened.status_code == 403
    assert "Posts can be edited within 24 hours of posting; this time has passed." in opened.content.decode()
    saved = client.post(reverse("communities:post_edit", args=[reply.pk]), {"body": "Поздняя правка"})
    assert saved.status_code == 403
    reply.refresh_from_db()
    assert reply.body == "Покупайте мой курс по ссылке" and PostRevision.objects.count() == 0
    topic_page = client.get(reverse("communities:topic", args=[thread["topic"].pk])).content.decode()
    assert "post-edit-link" not in topic_page
    services.post_edit(post=reply, by=thread["moderator"], body="Ссылка удалена модератором")
    reply.refresh_from_db()
    assert reply.body == "Ссылка удалена модератором"


def test_the_edit_form_of_someone_elses_post_is_refused_on_opening(client, thread):
    client.force_login(thread["reader"])
    response = client.get(reverse("communities:post_edit", args=[thread["reply"].pk]))
    assert response.status_code == 403
    assert "Покупайте мой курс" not in response.content.decode()


def test_the_history_is_for_moderators_only(client, thread):
    reply = thread["reply"]
    services.post_edit(post=reply, by=thread["author"], body="Исправленный ответ")
    url = reverse("communities:post_history", args=[reply.pk])
    client.force_login(thread["author"])
    refused = client.get(url)
    assert refused.status_code == 403
    assert "Покупайте мой курс" not in refused.content.decode()
    client.force_login(thread["moderator"])
    page = client.get(url).content.decode()
    assert "Покупайте мой курс по ссылке" in page and f"Changed by {thread['author']}" in page
    topic_page = client.get(reverse("communities:topic", args=[thread["topic"].pk])).content.decode()
    assert url in topic_page  # the moderator reaches it from the post


def test_history_of_a_post_in_a_closed_community_is_404_for_outsiders(client):
    club = CommunityFactory(is_closed=True)
    author = member(club)
    topic = services.topic_create(
        community=club, author=author, title="Секретная тема", body="Секретный текст"
    )
    client.force_login(member(CommunityFactory()))
    for name in ("post_history", "post_edit", "post_delete", "post_reactions"):
        assert client.get(reverse(f"communities:{name}", args=[topic.posts.get().pk])).status_code == 404


# --- deleting (soft) ------------------------------------------------------------------------------


def test_an_author_deletes_their_reply_its_text_leaves_page_search_and_notifications(
    client, thread, django_capture_on_commit_callbacks
):
    topic, author = thread["topic"], thread["author"]
    services.membership_set_following(
        community=thread["club"], user=thread["moderator"], level="watching", watch_new_topics=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        later = services.post_create(topic=topic, author=author, body="Второй ответ про пиццу и дроби")
    assert Notification.objects.get(dedupe_key=f"community-post:{later.pk}:{thread['moderator'].pk}").body
    services.post_react(post=later, user=thread["reader"], kind="useful")
    services.post_react(post=later, user=thread["reader"], kind="idea")
    Topic.objects.filter(pk=topic.pk).update(solution=later)
    client.force_login(author)
    confirm = client.get(reverse("communities:post_delete", args=[later.pk]))
    assert confirm.status_code == 200 and "Delete the post?" in confirm.content.decode()
    assert Post.objects.get(pk=later.pk).deleted_at is None  # asking changes nothing
    assert client.post(reverse("communities:post_delete", args=[later.pk])).status_code == 302
    later.refresh_from_db()
    assert (later.body, later.body_html, later.deleted_by_id, later.useful_count) == ("", "", author.pk, 0)
    assert Reaction.objects.filter(post=later).count() == 0
    topic.refresh_from_db()
    assert (topic.post_count, topic.solution_id) == (3, None)  # the number stays: pages and unread hold
    page = client.get(reverse("communities:topic", args=[topic.pk])).content.decode()
    assert "Post deleted" in page and "пиццу" not in page and 'id="post-3"' in page
    found = client.get(reverse("communities:search") + "?q=пиццу").content.decode()
    assert "Второй ответ" not in found
    note = Notification.objects.get(dedupe_key=f"community-post:{later.pk}:{thread['moderator'].pk}")
    assert (note.body, note.body_html) == ("", "")
    deletion = PostRevision.objects.get(post=later)
    assert (deletion.body, deletion.was_deletion) == ("Второй ответ про пиццу и дроби", True)


def test_a_deleted_posts_files_are_no_longer_served(client, thread):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reply = services.post_create(
        topic=thread["topic"],
        author=thread["author"],
        body="Схема во вложении",
        files=[SimpleUploadedFile("scheme.png", PNG, content_type="image/png")],
    )
    attachment = Attachment.objects.get(post=reply)
    client.force_login(thread["reader"])
    assert client.get(reverse("communities:attachment", args=[attachment.pk])).status_code == 200
    services.post_delete(post=reply, by=thread["author"])
    assert client.get(reverse("communities:attachment", args=[attachment.pk])).status_code == 404


def test_someone_elses_post_cannot_be_deleted_nor_its_form_opened(client, thread):
    reply = thread["reply"]
    client.force_login(thread["reader"])
    url = reverse("communities:post_delete", args=[reply.pk])
    opened = client.get(url)
    assert opened.status_code == 403 and "You can delete only your own posts." in opened.content.decode()
    assert client.post(url).status_code == 403
    reply.refresh_from_db()
    assert (reply.deleted_at, reply.body) == (None, "Покупайте мой курс по ссылке")
    with pytest.raises(CommunityError, match="only your own posts"):
        services.post_delete(post=reply, by=thread["reader"])


def test_the_question_itself_is_not_deleted(client, thread):
    first = thread["topic"].posts.get(number=1)
    client.force_login(thread["reader"])
    response = client.post(reverse("communities:post_delete", args=[first.pk]))
    assert response.status_code == 403
    assert "The first post of a topic cannot be deleted; edit it instead." in response.content.decode()
    assert Post.objects.get(pk=first.pk).deleted_at is None


def test_a_moderator_deleting_a_reported_post_closes_its_reports(thread, django_capture_on_commit_callbacks):
    reply, moderator = thread["reply"], thread["moderator"]
    report = services.post_report(post=reply, reporter=thread["reporter"], reason="Реклама")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=reply, by=moderator)
    report.refresh_from_db()
    assert report.resolved_by_id == moderator.pk
    told = Notification.objects.get(
        recipient=thread["reporter"], dedupe_key=f"community-report-closed:{report.pk}"
    )
    assert "deleted by a moderator" in told.title


def test_a_deleted_post_takes_no_edit_reaction_report_or_second_delete(thread):
    reply = thread["reply"]
    services.post_delete(post=reply, by=thread["author"])
    with pytest.raises(CommunityError, match="This post is deleted."):
        services.post_edit(post=reply, by=thread["moderator"], body="Воскрешение")
    with pytest.raises(CommunityError, match="This post is deleted."):
        services.post_react(post=reply, user=thread["reader"], kind="useful")
    with pytest.raises(CommunityError, match="This post is deleted."):
        services.post_report(post=reply, reporter=thread["reader"], reason="Спам")
    with pytest.raises(CommunityError, match="already deleted"):
        services.post_delete(post=reply, by=thread["moderator"])
    assert Report.objects.count() == 0


def test_the_database_refuses_a_deleted_post_that_keeps_its_text(thread):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=thread["reply"].pk).update(deleted_at=timezone.now())


def test_a_deleted_reply_is_neither_quoted_nor_the_solution_and_its_open_report_says_deleted(client, thread):
    reply, topic = thread["reply"], thread["topic"]
    services.post_report(post=reply, reporter=thread["reporter"], reason="Реклама")
    services.post_delete(post=reply, by=thread["author"])
    with pytest.raises(CommunityError, match="This post is deleted."):
        services.topic_mark_solution(topic=topic, post=reply, by=thread["reader"])
    client.force_login(thread["reader"])
    page = client.get(reverse("communities:topic", args=[topic.pk]) + f"?quote={reply.pk}").content.decode()
    assert f"{thread['author']}:**" not in page  # no quote of it put into the reply box
    client.force_login(thread["moderator"])
    reports = client.get(reverse("communities:reports", args=["club"])).content.decode()
    assert "<em>Post deleted</em>" in reports
    assert reverse("communities:post_history", args=[reply.pk]) in reports


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_reports_page_and_a_posts_history_run_constant_queries(
    client, thread, django_assert_max_num_queries
):
    club, moderator, topic = thread["club"], thread["moderator"], thread["topic"]
    client.force_login(moderator)
    reports_url = reverse("communities:reports", args=["club"])

    def grow(n):
        for i in range(n):
            reply = services.post_create(topic=topic, author=thread["author"], body=f"Ответ номер {i}")
            services.post_edit(post=reply, by=moderator, body=f"Ответ номер {i}, исправлен")
            services.post_report(post=reply, reporter=member(club), reason=f"Жалоба {i}")
            if i % 2:
                services.post_set_hidden(post=reply, by=moderator, hidden=True)
        return reply

    last = grow(2)
    small = (
        _queries(client, reports_url),
        _queries(client, reverse("communities:post_history", args=[last.pk])),
    )
    last = grow(12)
    for i in range(8):
        services.post_edit(post=last, by=moderator, body=f"Ответ, версия {i}")
    history_url = reverse("communities:post_history", args=[last.pk])
    assert (_queries(client, reports_url), _queries(client, history_url)) == small
    with django_assert_max_num_queries(small[1]):
        page = client.get(history_url).content.decode()
    assert page.count('class="card mb-2 revision"') == 9


def test_the_author_is_told_when_a_moderator_hides_deletes_or_edits_their_post_and_only_then(
    thread, django_capture_on_commit_callbacks
):
    topic, author, moderator = thread["topic"], thread["author"], thread["moderator"]
    author.preferred_language = "uk"
    author.save(update_fields=["preferred_language"])
    second = services.post_create(topic=topic, author=author, body="Ще одна відповідь")
    own = services.post_create(topic=topic, author=moderator, body="Відповідь модератора")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(post=thread["reply"], by=author, body="Сама виправила")  # by herself: silent
        services.post_edit(post=own, by=moderator, body="Модератор виправив своє")  # own post: silent
        services.post_set_hidden(post=thread["reply"], by=moderator, hidden=True)
        services.post_edit(post=second, by=moderator, body="Посилання прибрано")
        services.post_delete(post=second, by=moderator)
    titles = sorted(
        Notification.objects.filter(dedupe_key__startswith="community-post-moderated:").values_list(
            "recipient_id", "title"
        )
    )
    assert titles == sorted(
        [
            (author.pk, "Модератор приховав ваш допис у «Дроби в пятом классе»"),
            (author.pk, "Модератор відредагував ваш допис у «Дроби в пятом классе»"),
            (author.pk, "Модератор видалив ваш допис у «Дроби в пятом классе»"),
        ]
    )
