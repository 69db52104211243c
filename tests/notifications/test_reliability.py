"""Worker settings for heavy work (issue 4, item 10a), checked on the configured Celery app."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from notifications.tasks import MAIL_RETRY
from pdplatform.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("cohorts.certificates.tasks.certificate_issue_enrollment", "heavy"),
        ("cohorts.certificates.tasks.certificates_issue_chunk", "heavy"),
        ("cohorts.tasks.certificate_issue", "heavy"),
        ("cohorts.tasks.certificates_issue_for_cohort", "heavy"),
        ("cohorts.tasks.bulk_issue_certificates", "heavy"),
        ("surveys.tasks.export_results_xlsx", "heavy"),
        ("pdplatform.tasks.export_monitoring", "heavy"),
        ("notifications.tasks.reminder_sweep", "default"),
        ("notifications.tasks.send_notification_email", "default"),
        ("cohorts.tasks.announcement_notify", "bulk"),
        ("communities.tasks.post_notify", "bulk"),
        ("notifications.tasks.send_digests", "bulk"),
        ("notifications.tasks.send_digest", "bulk"),
        ("pdplatform.tasks.heartbeat", "default"),
    ],
)
def test_heavy_work_and_fan_outs_have_their_own_queues(task, queue):
    """A 5,000-person announcement or a certificate batch must not hold up one teacher's reminder."""
    assert _queue(task) == queue


def test_late_ack_redelivery_and_one_message_at_a_time():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is True
    assert conf.broker_connection_retry_on_startup is True
    assert conf.broker_connection_max_retries is None


def test_visibility_timeout_outlasts_the_longest_task_and_retry_wait():
    conf = app.conf
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert visibility > conf.task_time_limit
    assert visibility > MAIL_RETRY["retry_backoff_max"]


@pytest.mark.parametrize("path", ["Makefile", "docker-compose.yml", ".ci/run", "bench/run"])
def test_workers_consume_every_queue(path):
    text = (ROOT / path).read_text()
    commands = re.findall(r"celery -A pdplatform worker[^\n]*", text)
    assert commands
    assert [re.search(r"-Q (\S+)", command).group(1) for command in commands] == (
        [settings.CELERY_WORKER_QUEUES] * len(commands)
    )
