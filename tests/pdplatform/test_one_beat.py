"""One beat, with real processes (docs/decisions/0362-one-beat.md): two `celery beat` on one Redis, and
only the leader sends; SIGKILL the leader and the other takes over once the lock expires; SIGTERM it and
the lock is released at once. Which beat sent a message is its `origin` header (gen<pid>@host).

The broker is a private redis-server on a free port; the schedule is one entry every second
(tests/pdplatform/beat_app.py); the lock lives PDP_BEAT_LOCK_TIMEOUT = 4 s, renewed every tick (≤ 1 s)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import redis

from pdplatform.beat import TICK_KEY
from tests.conftest import REDIS_SERVER, ROOT, RedisServer, free_port, wait_for

pytestmark = pytest.mark.celery_worker  # real processes on a real Redis

LOCK_TIMEOUT = 4


class Beat:
    def __init__(self, name: str, url: str, folder: Path):
        self.log = folder / f"beat-{name}.log"
        env = dict(os.environ, CELERY_BROKER_URL=url, PDP_BEAT_MAX_INTERVAL="1")
        env["PDP_BEAT_LOCK_TIMEOUT"] = str(LOCK_TIMEOUT)
        celery = Path(sys.executable).parent / "celery"
        self.proc = subprocess.Popen(
            [str(celery), "-A", "tests.pdplatform.beat_app", "beat", "-l", "info"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    @property
    def origin(self) -> str:
        return f"gen{self.proc.pid}@"

    def started(self) -> bool:
        assert self.proc.poll() is None, self.log.read_text()[-2000:]
        return "beat: Starting..." in self.log.read_text()

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)


@pytest.fixture
def beats():
    if not os.path.exists(REDIS_SERVER):
        pytest.fail(f"{REDIS_SERVER} is needed for this test")
    folder = Path(tempfile.mkdtemp(prefix="pdp-one-beat-"))
    server = RedisServer(free_port(), folder).start()
    url = f"redis://127.0.0.1:{server.port}/0"
    started: list[Beat] = []

    def start(name: str) -> Beat:
        beat = Beat(name, url, folder)
        started.append(beat)
        return beat

    try:
        yield start, redis.Redis.from_url(url)
    finally:
        for beat in started:
            beat.stop(signal.SIGKILL)
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def senders(client) -> list[str]:
    """The origin of every message the beats queued, oldest first."""
    return [json.loads(raw)["headers"]["origin"] for raw in reversed(client.lrange("default", 0, -1))]


def sent_by(client, beat: Beat) -> int:
    return sum(origin.startswith(beat.origin) for origin in senders(client))


def leader(client) -> str:
    raw = client.get(TICK_KEY)
    return json.loads(raw)["leader"] if raw else ""


def test_a_second_beat_sends_nothing_while_the_first_lives_and_takes_over_when_it_is_killed(beats):
    start, client = beats
    first = start("first")
    wait_for(lambda: sent_by(client, first) >= 2, timeout=60)
    second = start("second")
    wait_for(second.started, timeout=60)
    already = sent_by(client, first)
    wait_for(lambda: sent_by(client, first) >= already + 5, timeout=30)  # five more ticks with both running
    assert sent_by(client, second) == 0
    assert all(origin.startswith(first.origin) for origin in senders(client))
    assert leader(client).endswith(f":{first.proc.pid}")

    first.stop(signal.SIGKILL)  # no clean-up: the lock has to expire
    count = len(senders(client))
    wait_for(lambda: sent_by(client, second) >= 1, timeout=LOCK_TIMEOUT + 5)
    assert leader(client).endswith(f":{second.proc.pid}")
    after = senders(client)[count:]
    assert [origin.startswith(second.origin) for origin in after] == [True] * len(after)


def test_a_leader_stopped_cleanly_hands_over_at_once(beats):
    start, client = beats
    first = start("first")
    wait_for(lambda: sent_by(client, first) >= 1, timeout=60)
    second = start("second")
    wait_for(second.started, timeout=60)
    first.stop(signal.SIGTERM)  # a deploy: the lock is released on the way out
    # Sooner than the lock would expire: the second beat asks for it every second.
    wait_for(lambda: sent_by(client, second) >= 1, timeout=LOCK_TIMEOUT - 1)
    assert leader(client).endswith(f":{second.proc.pid}")
