"""Worker settings for heavy work (issue 4, item 10a), checked on the configured Celery app."""

import re
from pathlib import Path

import pytest

from notifications.tasks import MAIL_RETRY
from pdplatform.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(("task", "queue"), [
    ("cohorts.certificates.tasks.certificate_issue_enrollment", "heavy"),
    ("cohorts.certificates.tasks.certificates_issue_chunk", "heavy"),
    ("cohorts.tasks.certificate_issue", "heavy"),
    ("cohorts.tasks.certificates_issue_for_cohort", "heavy"),
    ("cohorts.tasks.bulk_issue_certificates", "heavy"),
    ("surveys.tasks.export_results_xlsx", "heavy"),
    ("pdplatform.tasks.export_monitoring", "heavy"),
    ("notifications.tasks.reminder_sweep", "default"),
    ("notifications.tasks.send_notification_email", "default"),
    ("cohorts.tasks.announcement_notify", "default"),
    ("pdplatform.tasks.heartbeat", "default"),
])
def test_heavy_work_has_its_own_queue(task, queue):
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


@pytest.mark.parametrize("path", ["Makefile", "docker-compose.yml", ".ci/run"])
def test_workers_consume_both_queues(path):
    text = (ROOT / path).read_text()
    commands = re.findall(r"celery -A pdplatform worker[^\n]*", text)
    assert commands
    assert all("-Q default,heavy" in command for command in commands)
