import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from pdplatform.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = "/usr/bin/redis-server"


@pytest.fixture(autouse=True)
def _tests_defaults(request, settings, tmp_path):
    """Tasks run eagerly in the test process unless a test asks for a real worker; files go to tmp.

    The site speaks Russian by default (DJANGO_LANGUAGE_CODE); most tests read English texts, so they run
    on an English site. Tests of the language rules themselves are marked `site_language` and see the
    real default (tests/accounts/test_language.py, tests/notifications/test_recipient_language.py).
    """
    if request.node.get_closest_marker("site_language") is None:
        settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    # Factories hash a password per user; a fast hasher keeps big fixtures quick (login still verifies it).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Fixtures write many posts per author at once; tests of the write limits set the limits they test.
    settings.RATE_LIMITS = ""
    cache.clear()  # local-memory caches outlive a test: no cached page or facet list from the one before
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix) -> None:
    """With `--reuse-db` (on by default, see pyproject's addopts) the SQLite test database is a file,
    `.test-db.sqlite3`, kept between runs: the migrations (a minute on SQLite) run once, later runs only
    apply new ones. An in-memory database could not outlive the run. `--create-db` builds it anew (CI
    does, and so should you after editing a migration in place); PostgreSQL keeps `test_<name>` likewise.
    See docs/decisions/0321-tooling-types-templates-fast-tests.md."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and request.config.getoption("reuse_db"):
        db.setdefault("TEST", {})["NAME"] = str(ROOT / ".test-db.sqlite3")


@pytest.fixture
def clock(monkeypatch):
    """The rate limit's clock, held still inside one window (20 s into a minute) and moved on by hand."""
    from core import ratelimit

    now = SimpleNamespace(value=1_800_000_000 - 1_800_000_000 % 60 + 20)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now.value))
    return now


def our_packages() -> list[str]:
    """The top-level packages of our own apps, read from INSTALLED_APPS (pdplatform.reports → pdplatform);
    installed libraries are not ours, even with the virtualenv inside the checkout."""
    from django.apps import apps

    names = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.is_relative_to(ROOT) and not path.relative_to(ROOT).parts[0].startswith("."):
            names.append(config.name.split(".")[0])
    return list(dict.fromkeys(names))


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def requires_postgres(reason: str = "needs PostgreSQL (CI runs it)"):
    return pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason=reason
    )


requires_broker = pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="needs a Redis broker in CELERY_BROKER_URL (CI runs it)"
)


class WorkerProcess:
    """A real `celery worker` subprocess on the test database, stopped or killed by the test."""

    def __init__(self, name: str, queues: str = "default,heavy,bulk", concurrency: int = 1):
        self.name = name
        self.queues = queues
        self.concurrency = concurrency
        self.proc: subprocess.Popen | None = None
        self.log = ROOT / f".worker-{name}.log"

    def start(self) -> "WorkerProcess":
        db = connection.settings_dict
        env = dict(os.environ)
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        env["DATABASE_CONN_MAX_AGE"] = "0"
        celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
        self.proc = subprocess.Popen(
            [
                celery,
                "-A",
                "pdplatform",
                "worker",
                "-l",
                "info",
                "-Q",
                self.queues,
                "-n",
                f"{self.name}@%h",
                f"--concurrency={self.concurrency}",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = celery_app.control.ping(timeout=0.5) or []
            if any(any(key.startswith(f"{self.name}@") for key in reply) for reply in replies):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log.read_text()[-2000:]}")
        raise RuntimeError("worker did not answer ping within 60 s")

    def stop(self, sig: int | None = None) -> None:
        if self.proc and self.proc.poll() is None:
            if sig is None:
                self.proc.terminate()
            else:
                self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def real_worker(transactional_db):
    """Start real workers on demand; tasks are sent to Redis (not run eagerly) while the test runs."""
    workers: list[WorkerProcess] = []
    celery_app.conf.task_always_eager = False

    def start(name: str = "test", **kwargs) -> WorkerProcess:
        worker = WorkerProcess(name, **kwargs).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    celery_app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    """Poll a condition that a worker process makes true; fails the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server on its own port that a test stops and starts (an outage); its data survives a
    restart (append-only file, as in docker-compose.yml)."""

    def __init__(self, port: int, folder: Path):
        self.port, self.folder, self.proc = port, folder, None

    def start(self) -> "RedisServer":
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.folder),
                "--daemonize",
                "no",
            ],
            stdout=(self.folder / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port)

        def up():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_for(up, timeout=30, interval=0.05)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis flushes the append-only file and exits
            self.proc.wait(timeout=30)


@pytest.fixture(params=["locmem", "redis"])
def both_cache_backends(request, settings):
    """Run a cache test on the local-memory cache and on the real Redis (CI sets REDIS_URL), so the token
    semantics hold on the backend production uses."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("needs Redis in REDIS_URL (CI runs it)")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"test-{os.getpid()}",
            }
        }
    cache.clear()
    yield request.param
    cache.clear()


class S3Server:
    """A real S3-compatible server (moto's server mode) on 127.0.0.1 and a free port, with one empty
    bucket; `stop()` makes the store unreachable (an outage)."""

    bucket = "pdplatform-media"

    def __init__(self):
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.running = False

    def start(self) -> "S3Server":
        self.server.start()
        self.running = True
        self.port = self.server.get_host_and_port()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.url = (
            f"s3://test-key:test%2Fsecret@127.0.0.1:{self.port}/{self.bucket}?secure=0&region=us-east-1"
        )
        # moto keeps its buckets in the process, across servers: each test starts from an empty store
        reset = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")  # noqa: S310
        urllib.request.urlopen(reset)  # noqa: S310 - the http URL of our own test server
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test-key",
            aws_secret_access_key="test/secret",
        )

    def keys(self, prefix: str = "") -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def stop(self) -> None:
        if self.running:
            self.server.stop()
            self.running = False


@pytest.fixture
def s3_storage(settings):
    """The default storage is the platform's ObjectStorage on a real S3 server of this test (STORAGE_URL
    as production would set it); yields the server."""
    from core.storage import storage_settings

    server = S3Server().start()
    settings.STORAGE_URL = server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.storage.ObjectStorage", "OPTIONS": storage_settings(server.url)},
    }
    yield server
    server.stop()
