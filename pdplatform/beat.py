"""One beat, visibly: celery-redbeat's scheduler plus a record of the last tick (docs/decisions/0362-one-beat.md).

RedBeat keeps the schedule (with each entry's last run) in Redis and holds a leader lock there: a second
`celery beat` waits at start until the lock is free, and the leader renews it on every tick, so when the
leader dies the lock expires (CELERY_REDBEAT_LOCK_TIMEOUT) and the waiting beat takes over where the
last run times say, sending nothing twice. A tick that cannot renew the lock (another beat holds it now)
raises and the beat exits before it sends anything. After each tick the leader writes the time and who
it is under TICK_KEY; /healthz reads it (pdplatform/health.py).
"""

import json
import os
import socket
import time

from redbeat import RedBeatScheduler
from redbeat.schedulers import get_redis

TICK_KEY = "pdplatform:beat:tick"


def beat_identity() -> str:
    """Which beat process is the leader: the container's host name and the process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaderScheduler(RedBeatScheduler):
    """RedBeat's scheduler; each tick it got through as the leader is recorded for /healthz."""

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        record = {"at": time.time(), "leader": beat_identity()}
        get_redis(self.app).set(TICK_KEY, json.dumps(record))
        return interval
