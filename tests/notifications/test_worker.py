"""Reminders and mail on the real thing: PostgreSQL, Redis and real Celery worker processes.

(12) the reminder sweep run twice concurrently and once more after a simulated crash sends each
reminder exactly once; (13) Redis restarted while tasks are queued: the worker reconnects and the
queued work completes. Mails are counted in a directory the worker processes write to.
"""

import os
import shutil
import socket
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import Notification, SentRecord
from notifications.tasks import recover_pending, reminder_sweep, send_notification_email
from pdplatform.celery import app as celery_app
from tests.conftest import REDIS_SERVER, RedisServer, free_port, requires_broker, requires_postgres, wait_for
from tests.factories import UserFactory
from tests.notifications.mailbox import read_mailbox

RULE = "tests.notifications.rules.due_for_test_users"

pytestmark = [requires_postgres(), requires_broker, pytest.mark.celery_worker]


def _reset_broker_pools() -> None:
    """The test process's broker connections follow CELERY_BROKER_URL again (after a change or a restart)."""
    kombu.pools.reset()  # close every pooled broker connection and forget the pools
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def mailbox(monkeypatch, tmp_path):
    """Worker processes started after this write every mail as a file into the returned folder."""
    folder = tmp_path / "mail"
    folder.mkdir()
    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.setenv("EMAIL_BACKEND", "tests.notifications.mailbox.EmailBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(folder))
    monkeypatch.setenv("NOTIFICATIONS_RECOVER_AFTER_MINUTES", "10")
    return folder


def _broker() -> redis.Redis:
    return redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])


def _drained(expected_mails: int, folder: Path):
    """True once the mails are out, every record is sent, and nothing is queued or unacknowledged
    (seen three times in a row, since a message moves from the queue to "unacked" in two steps)."""
    streak = {"n": 0}

    def check() -> bool:
        broker = _broker()
        done = (
            len(list(folder.glob("*.eml"))) >= expected_mails
            and not SentRecord.objects.filter(state=SentRecord.State.PENDING).exists()
            and not Notification.objects.filter(delivery="immediately", emailed_at__isnull=True).exists()
            and broker.llen("default") == 0
            and broker.hlen("unacked") == 0
        )
        streak["n"] = streak["n"] + 1 if done else 0
        return streak["n"] >= 3

    return check


def test_reminder_sweeps_twice_concurrently_then_after_a_crash_send_each_reminder_once(real_worker, mailbox):
    users = [UserFactory(email=f"remind-{i:02d}@example.org") for i in range(30)]
    _broker().delete("default", "unacked", "unacked_index")
    real_worker("notify-a", concurrency=2)
    real_worker("notify-b", concurrency=2)

    # Round 1: the beat fired twice (or two beats run): two sweeps of the same rule at once.
    reminder_sweep.apply_async(args=[RULE], ignore_result=True)
    reminder_sweep.apply_async(args=[RULE], ignore_result=True)
    wait_for(_drained(60, mailbox), timeout=120)
    mails = read_mailbox(mailbox)
    assert len(mails) == 60
    assert Counter(to for to, _subject in mails) == {u.email: 2 for u in users}
    assert len(set(mails)) == 60  # no (recipient, subject) twice
    assert SentRecord.objects.filter(state="sent").count() == 60

    # A crash: one worker died right after recording a reminder (pending, never delivered), and
    # another committed a notification but died before queueing its mail.
    late = UserFactory(email="remind-late@example.org")
    ten_minutes_ago = timezone.now() - timedelta(minutes=11)
    SentRecord.objects.create(
        recipient=late,
        kind="deadline_reminder",
        content_type=ContentType.objects.get_for_model(late),
        object_id=late.pk,
        step="1d",
        title="Yes 1d: remind-late@example.org",
        created_at=ten_minutes_ago,
    )
    orphan = Notification.objects.create(
        recipient=users[0], kind="review_done", title="Orphaned mail", created_at=ten_minutes_ago
    )

    # Round 2: the sweep once more, plus the crash-recovery sweep (both as beat would send them).
    reminder_sweep.apply_async(args=[RULE], ignore_result=True)
    recover_pending.apply_async(ignore_result=True)
    recover_pending.apply_async(ignore_result=True)
    wait_for(_drained(63, mailbox), timeout=120)

    mails = read_mailbox(mailbox)
    assert len(mails) == 63
    assert len(set(mails)) == 63
    assert Counter(to for to, _subject in mails)[late.email] == 2  # "1d" recovered + "3d" new
    assert ("remind-late@example.org", "Yes 1d: remind-late@example.org") in mails
    assert (users[0].email, "Orphaned mail") in mails
    assert SentRecord.objects.count() == 62 and SentRecord.objects.filter(state="sent").count() == 62
    orphan.refresh_from_db()
    assert orphan.emailed_at is not None


@pytest.fixture
def private_redis(monkeypatch):
    if not os.path.exists(REDIS_SERVER):
        pytest.fail(f"{REDIS_SERVER} is needed for this test")
    folder = Path(tempfile.mkdtemp(prefix="pdp-redis-"))
    server = RedisServer(free_port(), folder).start()
    url = f"redis://127.0.0.1:{server.port}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setenv("CELERY_RESULT_BACKEND", url)
    _reset_broker_pools()
    try:
        yield server
    finally:
        server.stop()
        monkeypatch.undo()
        _reset_broker_pools()
        shutil.rmtree(folder, ignore_errors=True)


def test_redis_restart_while_tasks_are_queued_worker_reconnects_and_work_completes(
    mailbox, private_redis, real_worker
):
    # The worker listens to "heavy" only for now, so the mails below wait in the "default" queue.
    worker = real_worker("notify-r", queues="heavy")
    worker_pid = worker.proc.pid
    users = [UserFactory() for _ in range(8)]
    notifications = [
        Notification.objects.create(recipient=u, kind="review_done", title=f"Queued {i}")
        for i, u in enumerate(users)
    ]
    for notification in notifications:
        send_notification_email.apply_async(args=[notification.pk], ignore_result=True)
    broker = redis.Redis(port=private_redis.port)
    assert broker.llen("default") == 8

    # Restart Redis under the worker: the queued messages are on disk and come back.
    private_redis.stop()
    assert worker.proc.poll() is None  # the worker keeps running, retrying the connection
    private_redis.start()
    _reset_broker_pools()
    assert redis.Redis(port=private_redis.port).llen("default") == 8

    # The worker reconnects (answers again), is told to consume "default", and does the work.
    wait_for(
        lambda: celery_app.control.ping(destination=[f"notify-r@{socket.gethostname()}"], timeout=0.5),
        timeout=90,
    )
    replies = celery_app.control.add_consumer(
        "default", destination=[f"notify-r@{socket.gethostname()}"], reply=True, timeout=5
    )
    assert replies, "the worker did not answer add_consumer"
    wait_for(
        lambda: (
            len(list(mailbox.glob("*.eml"))) == 8
            and not Notification.objects.filter(emailed_at__isnull=True).exists()
        ),
        timeout=90,
    )
    assert sorted(subject for _to, subject in read_mailbox(mailbox)) == [f"Queued {i}" for i in range(8)]
    assert worker.proc.pid == worker_pid and worker.proc.poll() is None
    assert "Connection to broker lost" in worker.log.read_text() or "Cannot connect" in worker.log.read_text()
