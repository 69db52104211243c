"""The Celery app with a one-entry schedule every second, for `celery -A tests.pdplatform.beat_app beat`
in tests/pdplatform/test_one_beat.py: the real scheduler (settings.CELERY_BEAT_SCHEDULER), a short beat."""

from pdplatform.celery import app

app.conf.beat_schedule = {
    "probe": {"task": "pdplatform.tasks.heartbeat", "schedule": 1.0, "args": ["beat-probe"]},
}
