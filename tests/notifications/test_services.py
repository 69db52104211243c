from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import services
from notifications.kinds import KINDS, Delivery, register_kind
from notifications.models import Notification, SentRecord
from notifications.services import (
    NotificationError,
    digest_deliver,
    notification_email_deliver,
    notification_send,
    notification_send_many,
    pending_recover,
    preference_set,
    reminder_rule_run,
    reminder_send_once,
    sent_record_deliver,
)
from notifications.tasks import send_digests
from tests.factories import TeacherFactory, UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

PRODUCT_KINDS = [
    "waitlist_offer",
    "nomination",
    "review_done",
    "question_answered",
    "announcement",
    "feedback_reminder",
    "deadline_reminder",
    "curator_escalation",
    "announcement_unconfirmed",
    "certificate_issued",
    "community_post",
    "mention",
    "mentoring",
    "export_ready",
]


def test_product_kinds_are_registered_with_labels():
    assert set(PRODUCT_KINDS) <= set(KINDS)
    assert KINDS["community_post"].default_delivery == Delivery.DIGEST
    assert KINDS["review_done"].default_delivery == Delivery.IMMEDIATELY


def test_register_kind_refuses_unknown_delivery():
    with pytest.raises(ValueError):
        register_kind("x_kind", "X", default_delivery="sometimes")


def test_send_creates_row_and_mails_after_commit(django_capture_on_commit_callbacks):
    user = TeacherFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notification_send(
            recipient=user, kind="review_done", title="Reviewed", body="Well done", url="/cabinet/"
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert notification.recipient == user
    assert notification.read_at is None
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Reviewed"
    assert "Well done" in message.body
    assert f"/notifications/{notification.pk}/open/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Well done" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://")
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_rolled_back_send_leaves_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    user = TeacherFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notification_send(recipient=user, kind="review_done", title="Reviewed")
            raise RuntimeError
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_preference_off_sends_nothing_and_digest_waits(django_capture_on_commit_callbacks):
    user = TeacherFactory()
    preference_set(user=user, kind="review_done", delivery=Delivery.OFF)
    preference_set(user=user, kind="announcement", delivery=Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_send(recipient=user, kind="review_done", title="Reviewed") is None
        digest = notification_send(recipient=user, kind="announcement", title="News")
    assert list(Notification.objects.values_list("title", "delivery")) == [("News", "digest")]
    assert digest.emailed_at is None
    assert mail.outbox == []


def test_dedupe_key_makes_a_second_send_a_no_op():
    user = TeacherFactory()
    first = notification_send(recipient=user, kind="mention", title="You were mentioned", dedupe_key="post:1")
    second = notification_send(
        recipient=user, kind="mention", title="You were mentioned", dedupe_key="post:1"
    )
    assert first is not None
    assert second is None
    assert Notification.objects.filter(recipient=user).count() == 1
    # Another person with the same key gets theirs.
    assert notification_send(recipient=TeacherFactory(), kind="mention", title="x", dedupe_key="post:1")


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_link_must_be_a_path_on_the_site(url):
    with pytest.raises(NotificationError):
        notification_send(recipient=TeacherFactory(), kind="review_done", title="x", url=url)
    assert Notification.objects.count() == 0


def test_empty_title_is_refused():
    with pytest.raises(NotificationError):
        notification_send(recipient=TeacherFactory(), kind="review_done", title="   ")


def test_unregistered_kind_still_goes_out_and_is_logged(caplog):
    notification = notification_send(recipient=TeacherFactory(), kind="someapp.new_thing", title="x")
    assert notification.delivery == Delivery.IMMEDIATELY
    assert "not registered" in caplog.text


@pytest.mark.parametrize(("lang", "word"), [("ru", "Да"), ("uk", "Так"), ("en", "Yes")])
def test_mail_is_in_the_recipients_language(lang, word, django_capture_on_commit_callbacks):
    user = TeacherFactory(preferred_language=lang)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(recipient=user, kind="review_done", title=_("Yes"), body=_("Yes"))
    assert notification.title == word
    message = mail.outbox[0]
    assert message.subject == word
    html = message.alternatives[0][0]
    assert f'<html lang="{lang}">' in html


def test_email_is_sent_once_however_often_the_task_runs():
    user = TeacherFactory()
    notification = NotificationFactory(recipient=user)
    assert notification_email_deliver(notification_id=notification.pk) is True
    assert notification_email_deliver(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1
    # Digest notifications and unknown ids are not mailed one by one.
    digest = NotificationFactory(recipient=user, delivery=Delivery.DIGEST)
    assert notification_email_deliver(notification_id=digest.pk) is False
    assert notification_email_deliver(notification_id=10**9) is False
    assert len(mail.outbox) == 1


def test_inactive_user_gets_no_mail_but_the_row_is_settled():
    user = TeacherFactory(is_active=False)
    notification = NotificationFactory(recipient=user)
    assert notification_email_deliver(notification_id=notification.pk) is True
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert mail.outbox == []


def test_send_many_uses_constant_queries(django_assert_max_num_queries, django_capture_on_commit_callbacks):
    people = [TeacherFactory(preferred_language="ru" if i % 2 else "uk") for i in range(12)]
    preference_set(user=people[0], kind="announcement", delivery=Delivery.OFF)
    preference_set(user=people[1], kind="announcement", delivery=Delivery.DIGEST)
    with django_assert_max_num_queries(6), django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = notification_send_many(
            recipients=people, kind="announcement", title=_("Yes"), url="/learn/"
        )
    assert created == 11
    assert len(callbacks) == 10  # one mail per "immediately" recipient
    titles = dict(Notification.objects.values_list("recipient__preferred_language", "title").distinct())
    assert titles == {"ru": "Да", "uk": "Так"}


def test_digest_groups_unread_digest_notifications_into_one_mail():
    user = TeacherFactory(preferred_language="ru")
    other = TeacherFactory()
    for i in range(3):
        NotificationFactory(
            recipient=user, kind="community_post", title=f"Post {i}", delivery=Delivery.DIGEST
        )
    NotificationFactory(recipient=user, kind="mention", title="Mention", delivery=Delivery.DIGEST)
    read = NotificationFactory(
        recipient=user,
        kind="community_post",
        title="Already read",
        delivery=Delivery.DIGEST,
        read_at=timezone.now(),
    )
    immediate = NotificationFactory(recipient=user, kind="review_done", title="Immediate")
    NotificationFactory(
        recipient=other, kind="community_post", title="Other's post", delivery=Delivery.DIGEST
    )

    assert send_digests.delay().get() == 2
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == [user.email])
    for title in ["Post 0", "Post 1", "Post 2", "Mention"]:
        assert title in message.body
    assert "Already read" not in message.body
    assert "Immediate" not in message.body
    assert "Other's post" not in message.body
    assert "4" in message.subject
    assert '<html lang="ru">' in message.alternatives[0][0]
    assert message.body.count("/notifications/unsubscribe/") == 3  # one per kind + the digest itself
    # Nothing twice: a second run (same day or not) has nothing left to send.
    assert digest_deliver(user_id=user.pk) == 0
    assert send_digests.delay().get() == 0
    assert len(mail.outbox) == 2
    read.refresh_from_db()
    immediate.refresh_from_db()
    assert read.emailed_at is None and immediate.emailed_at is None


# --- reminders, exactly once --------------------------------------------------------------------


def _remind(user, obj, step="1d", **kwargs):
    return reminder_send_once(
        recipient=user,
        kind="deadline_reminder",
        obj=obj,
        step=step,
        title="Deadline tomorrow",
        body="Submit your work",
        url="/cabinet/",
        **kwargs,
    )


def test_reminder_is_recorded_then_sent_once(django_capture_on_commit_callbacks):
    user = TeacherFactory()
    obj = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert _remind(user, obj) is True
        assert _remind(user, obj) is False
        assert _remind(user, obj, step="3d") is True
    records = SentRecord.objects.order_by("step")
    assert [(r.step, r.state) for r in records] == [("1d", "sent"), ("3d", "sent")]
    assert all(r.sent_at and r.notification_id for r in records)
    assert Notification.objects.filter(recipient=user).count() == 2
    assert len(mail.outbox) == 2


def test_reminder_for_a_person_who_turned_the_kind_off_is_recorded_and_not_sent():
    user = TeacherFactory()
    preference_set(user=user, kind="deadline_reminder", delivery=Delivery.OFF)
    assert _remind(user, user) is True
    record = SentRecord.objects.get()
    assert record.state == "sent" and record.notification is None
    assert Notification.objects.count() == 0


def test_crash_between_record_and_send_is_recovered_once(django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_RECOVER_AFTER_MINUTES = 10
    user = TeacherFactory()
    obj = UserFactory()
    content_type = ContentType.objects.get_for_model(obj)
    # The process died right after writing the record: pending, never delivered.
    crashed = SentRecord.objects.create(
        recipient=user,
        kind="deadline_reminder",
        content_type=content_type,
        object_id=obj.pk,
        step="1d",
        title="Deadline tomorrow",
        created_at=timezone.now() - timedelta(minutes=11),
    )
    fresh = SentRecord.objects.create(
        recipient=user,
        kind="deadline_reminder",
        content_type=content_type,
        object_id=obj.pk,
        step="3d",
        title="Deadline in 3 days",
    )
    # The rule fires again: the record exists, so nothing new is sent by it.
    assert _remind(user, obj) is False
    with django_capture_on_commit_callbacks(execute=True):
        assert pending_recover() == {"reminders": 1, "mails": 0}
        assert pending_recover() == {"reminders": 0, "mails": 0}
    crashed.refresh_from_db()
    fresh.refresh_from_db()
    assert crashed.state == "sent"
    assert fresh.state == "pending"  # too young: probably still in flight
    assert [m.subject for m in mail.outbox] == ["Deadline tomorrow"]
    assert sent_record_deliver(record_id=crashed.pk) is False


def test_mail_lost_between_commit_and_queue_is_requeued_once(settings):
    settings.NOTIFICATIONS_RECOVER_AFTER_MINUTES = 10
    user = TeacherFactory()
    lost = NotificationFactory(
        recipient=user, title="Lost", created_at=timezone.now() - timedelta(minutes=30)
    )
    NotificationFactory(recipient=user, title="Fresh")
    NotificationFactory(recipient=user, title="Ancient", created_at=timezone.now() - timedelta(days=3))
    assert pending_recover() == {"reminders": 0, "mails": 1}
    assert [m.subject for m in mail.outbox] == ["Lost"]
    assert pending_recover() == {"reminders": 0, "mails": 0}
    lost.refresh_from_db()
    assert lost.emailed_at is not None


def test_reminder_rule_runs_by_dotted_path_and_sends_each_step_once(django_capture_on_commit_callbacks):
    users = [UserFactory(email=f"remind-{i}@example.org") for i in range(3)]
    UserFactory(email="someone-else@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_rule_run(rule="tests.notifications.rules.due_for_test_users") == 6
        assert reminder_rule_run(rule="tests.notifications.rules.due_for_test_users") == 0
    assert SentRecord.objects.filter(state="sent").count() == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted([u.email for u in users] * 2)


def test_only_declared_rules_run():
    with pytest.raises(TypeError):
        reminder_rule_run(rule="tests.notifications.rules.not_a_rule")
    with pytest.raises(ImportError):
        reminder_rule_run(rule="tests.notifications.rules.missing")


def test_reminder_sweep_task_is_what_beat_calls(django_capture_on_commit_callbacks):
    from notifications.tasks import reminder_sweep

    UserFactory(email="remind-a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_sweep.delay("tests.notifications.rules.due_for_test_users").get() == 2
    assert len(mail.outbox) == 2


def test_beat_schedule_has_digest_and_recovery():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"notifications.tasks.send_digests", "notifications.tasks.recover_pending"} <= tasks
    from pdplatform.celery import app

    app.loader.import_default_modules()
    assert {
        "notifications.tasks.send_digests",
        "notifications.tasks.recover_pending",
        "notifications.tasks.reminder_sweep",
        "notifications.tasks.send_notification_email",
    } <= set(app.tasks)


def test_services_module_exports_the_documented_api():
    for name in ["notification_send", "notification_send_many", "reminder_send_once", "unsubscribe_token"]:
        assert callable(getattr(services, name))
