"""Issue #24 item 6, two of everything (docs/decisions/0364-two-of-everything.md): this test starts, on
127.0.0.1 and free ports, its own redis-server, an S3 server (moto), two gunicorn instances A and B on the
test database, two real Celery workers and two beats, and plays one journey whose every request goes to
the other web instance than the one before. Nothing that matters may live in one process: a session, a
file, a cached page, a rate limit, a certificate batch, the beat's lead.

It owns its processes so it can kill them; `.ci/run` runs it as part of `make test`."""

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import kombu.pools
import pytest
import redis
import requests
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from cohorts.certificates.services import certificate_batches_resume
from cohorts.models import Certificate, CertificateBatch, Enrollment, SubmissionVersion
from courses.models import Course
from pdplatform.beat import TICK_KEY
from pdplatform.celery import app as celery_app
from tests import upload_samples as samples
from tests.cohorts.factories import AssignmentFactory, CohortFactory, EnrollmentFactory, ModuleFactory
from tests.cohorts.test_certificates_worker import _process_tree
from tests.conftest import (
    REDIS_SERVER,
    ROOT,
    RedisServer,
    S3Server,
    WorkerProcess,
    free_port,
    requires_broker,
    requires_postgres,
    wait_for,
)
from tests.factories import CuratorFactory, MethodologistFactory, SuperuserFactory, TeacherFactory

pytestmark = [requires_postgres(), requires_broker, pytest.mark.celery_worker]

PASSWORD = "correct-horse-42"  # tests/factories.py UserFactory
LOGIN_LIMIT = 3  # failed sign-ins per minute from one address, for both servers (LOGIN_RATE_LIMIT)
LOCK_TIMEOUT = 4  # the beat's lock (PDP_BEAT_LOCK_TIMEOUT), renewed every tick (PDP_BEAT_MAX_INTERVAL=1)
WRONG = "Указанные вами адрес электронной почты и/или пароль неверны."
TOO_MANY = "Слишком много неудачных попыток входа в систему. Повторите попытку позже."
N = 100  # certificates of the batch whose worker is killed: 5 chunks of 20


def _reset_broker_pools() -> None:
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Web:
    """One `gunicorn pdplatform.wsgi` on a free port, with DEBUG off and the shared services."""

    def __init__(self, name: str, env: dict, folder: Path):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"web-{name}.log"
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.proc = subprocess.Popen(
            [str(gunicorn), "pdplatform.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def up(self) -> bool:
        assert self.proc.poll() is None, self.log.read_text()[-3000:]
        try:
            return requests.get(f"{self.url}/robots.txt", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


class Beat:
    """A real `celery beat` (tests/pdplatform/beat_app.py: the real scheduler, one entry every second)."""

    def __init__(self, name: str, env: dict, folder: Path):
        self.log = folder / f"beat-{name}.log"
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


def _server_password(user, password: str) -> None:
    """The test settings hash with MD5 (fast); the servers know only the production hashers."""
    user.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt(), iterations=1000)
    user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


class Browser:
    """One person's cookies; each request goes to the other server than the one before (A, B, A, ...)."""

    def __init__(self, servers: list[Web]):
        self.session = requests.Session()
        self.servers = itertools.cycle(servers)
        self.served_by: list[str] = []

    def next_server(self, expect: str | None = None) -> Web:
        server = next(self.servers)
        if expect is not None and server.name != expect:  # keep the alternation, but start where asked
            server = next(self.servers)
        self.served_by.append(server.name)
        return server

    def get(self, path: str, on: str | None = None, **kwargs) -> requests.Response:
        server = self.next_server(on)
        return self.session.get(f"{server.url}{path}", allow_redirects=False, timeout=60, **kwargs)

    def post(self, path: str, data: dict, on: str | None = None, **kwargs) -> requests.Response:
        server = self.next_server(on)
        token = self.session.cookies.get("csrftoken", "")
        return self.session.post(
            f"{server.url}{path}",
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Referer": f"{server.url}{path}"},
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )

    def patch(self, path: str, payload: dict, on: str | None = None) -> requests.Response:
        """An API write with the session and its CSRF token, as the site's own scripts send it."""
        server = self.next_server(on)
        return self.session.patch(
            f"{server.url}{path}",
            json=payload,
            headers={"X-CSRFToken": self.session.cookies.get("csrftoken", ""), "Referer": f"{server.url}/"},
            timeout=60,
        )

    def login(self, user, password: str = PASSWORD) -> requests.Response:
        _server_password(user, password)
        form = self.get("/accounts/login/")
        assert form.status_code == 200
        return self.post("/accounts/login/", {"login": user.email, "password": password})


@pytest.fixture
def everything(transactional_db, monkeypatch, settings):
    """Redis, S3, webs A and B, and a way to start workers and beats; all stopped (or killed) at the end."""
    if not os.path.exists(REDIS_SERVER):
        pytest.fail(f"{REDIS_SERVER} is needed for this test")
    folder = Path(tempfile.mkdtemp(prefix="pdp-two-"))
    private = RedisServer(free_port(), folder).start()
    broker_url = f"redis://127.0.0.1:{private.port}/0"
    s3 = S3Server().start()
    db = connection.settings_dict
    monkeypatch.setenv(
        "DATABASE_URL",
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
    )
    for name, value in {
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "REDIS_URL": f"redis://127.0.0.1:{private.port}/1",
        "STORAGE_URL": s3.url,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_PAGE_CACHE_SECONDS": "300",
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT}/m/ip",
        "CELERY_VISIBILITY_TIMEOUT": "3600",  # a lost chunk comes back only through the sweep
        "LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(name, value)
    settings.PDP_STALLED_AFTER = 1  # the sweep this process calls (beat's job) finds a stalled batch at once
    _reset_broker_pools()  # this process sends and pings on the private Redis too
    celery_app.conf.task_always_eager = False
    webs = [Web("A", dict(os.environ), folder), Web("B", dict(os.environ), folder)]
    workers: list[WorkerProcess] = []
    beats: list[Beat] = []

    def worker(name: str) -> WorkerProcess:
        started = WorkerProcess(name, queues="default,heavy,bulk", concurrency=2).start()
        workers.append(started)
        return started

    def beat(name: str) -> Beat:
        # The beats' messages go to their own Redis database, where no worker takes them: the test
        # reads who sent each one.
        env = dict(os.environ, CELERY_BROKER_URL=f"redis://127.0.0.1:{private.port}/2")
        env.update(PDP_BEAT_MAX_INTERVAL="1", PDP_BEAT_LOCK_TIMEOUT=str(LOCK_TIMEOUT))
        started = Beat(name, env, folder)
        beats.append(started)
        return started

    try:
        for web in webs:
            wait_for(web.up, timeout=60, interval=0.1)
        yield {"webs": webs, "s3": s3, "worker": worker, "beat": beat, "redis": private}
    finally:
        for started in beats:
            started.stop(signal.SIGKILL)
        for running in workers:
            running.stop()
        for web in webs:
            web.stop()
        s3.stop()
        private.stop()
        celery_app.conf.task_always_eager = True
        monkeypatch.undo()
        _reset_broker_pools()
        shutil.rmtree(folder, ignore_errors=True)


def _signed_bytes(response: requests.Response, s3: S3Server) -> bytes:
    """Follow the platform's 302 to the store's signed URL (a browser's second request)."""
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{s3.endpoint}/{s3.bucket}/")
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200
    return fetched.content


def _issue_through_admin(admin: Browser, cohort, on: str) -> int:
    """The admin's "issue certificates" action on one cohort; returns the batch the progress page shows."""
    answer = admin.post(
        "/admin/cohorts/cohort/",
        {"action": "issue_certificates", "_selected_action": str(cohort.pk), "index": "0"},
        on=on,
    )
    assert answer.status_code == 302, answer.text[-2000:]
    batch = CertificateBatch.objects.get(cohort=cohort)  # one batch, queued by this request
    assert answer.headers["Location"] == f"/learn/certificates/issue/{batch.pk}/"
    return batch.pk


def _completed(cohort, n: int, prefix: str) -> list[int]:
    """n teachers who completed the cohort (their certificates are due)."""
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}@example.org", full_name=f"Учитель Номер {i}", preferred_language="ru")
            for i in range(n)
        ]
    )
    now = timezone.now()
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                cohort=cohort, teacher=u, state=Enrollment.State.COMPLETED, enrolled_at=now, completed_at=now
            )
            for u in users
        ]
    )
    return list(Enrollment.objects.filter(cohort=cohort).values_list("pk", flat=True))


def _exactly_once(cohort, ids: list[int], s3: S3Server) -> None:
    per_enrollment = dict(
        Enrollment.objects.filter(cohort=cohort).annotate(n=Count("certificate")).values_list("pk", "n")
    )
    assert set(per_enrollment) == set(ids)
    assert set(per_enrollment.values()) == {1}
    issued = Certificate.objects.filter(enrollment__cohort=cohort)
    assert issued.values("number").distinct().count() == len(ids)
    # Every certificate's PDF is an object in the bucket, one each. The killed worker may have written one
    # PDF whose row it never committed (the object is written first, then the row): that orphan has no row,
    # and the hourly orphan sweep removes it (tests/pdplatform/test_object_storage.py plays that sweep).
    names = list(Certificate.objects.values_list("pdf", flat=True))
    assert len(set(names)) == len(names) == Certificate.objects.count()
    keys = s3.keys("cohorts/certificates/")
    assert set(names) <= set(keys)
    assert len(set(keys) - set(names)) <= 1


def test_two_of_everything_one_journey(everything):
    webs, s3 = everything["webs"], everything["s3"]

    # 1. A teacher uploads a submission through A; the curator downloads it through B.
    module = ModuleFactory()
    cohort = CohortFactory(course=module.course)
    assignment = AssignmentFactory(module=module, submission_kind="file")
    enrollment = EnrollmentFactory(cohort=cohort)
    curator = CuratorFactory()
    cohort.curators.add(curator)
    teacher = Browser(webs)
    assert teacher.login(enrollment.teacher).status_code == 302  # the form from A, signed in by B
    form = teacher.get(f"/learn/my/{enrollment.pk}/assignment/{assignment.pk}/", on="B")
    assert form.status_code == 200, form.text[-1000:]
    uploaded = teacher.post(
        f"/learn/my/{enrollment.pk}/assignment/{assignment.pk}/",
        {},
        on="A",
        files={"file": ("Эссе.pdf", samples.PDF, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.text[-2000:]
    version = SubmissionVersion.objects.get()
    assert s3.keys("cohorts/submissions/") == [version.file.name]
    reader = Browser(webs)
    assert reader.login(curator).status_code == 302
    downloaded = reader.get(f"/learn/files/submissions/{version.pk}/", on="B")
    assert _signed_bytes(downloaded, s3) == samples.PDF
    stranger = Browser(webs)
    assert stranger.login(TeacherFactory()).status_code == 302
    assert stranger.get(f"/learn/files/submissions/{version.pk}/").status_code == 404

    # 2. A certificate batch queued through A is made by worker 1; the PDF downloads through B.
    first = everything["worker"]("two-first")
    small = CohortFactory(capacity=5)
    [holder_id] = _completed(small, 1, "holder")
    admin_user = SuperuserFactory()
    admin = Browser(webs)
    assert admin.login(admin_user).status_code == 302
    batch_id = _issue_through_admin(admin, small, on="A")
    certificate = wait_for(lambda: Certificate.objects.filter(enrollment_id=holder_id).first(), timeout=120)
    assert CertificateBatch.objects.get(pk=batch_id).cohort_id == small.pk
    holder = Enrollment.objects.get(pk=holder_id).teacher
    owner = Browser(webs)
    assert owner.login(holder).status_code == 302
    pdf = owner.get(f"/learn/certificates/{holder_id}/download/", on="B")
    body = _signed_bytes(pdf, s3)
    assert body[:5] == b"%PDF-"
    assert body == s3.read(certificate.pdf.name)

    # 3. A page cached on A is renewed by a change made through B.
    course = module.course
    course.status = Course.Status.PUBLISHED
    course.save(update_fields=["status"])
    page = f"/courses/{course.slug}/"
    visitor = Browser(webs)
    missed = visitor.get(page, on="A")
    assert (missed.status_code, missed.headers["X-Page-Cache"]) == (200, "miss")
    shared = visitor.get(page, on="B")  # B serves the copy A made
    assert (shared.status_code, shared.headers["X-Page-Cache"], shared.content) == (
        200,
        "hit",
        missed.content,
    )
    hit = visitor.get(page, on="A")
    assert (hit.status_code, hit.headers["X-Page-Cache"], hit.content) == (200, "hit", missed.content)
    new_title = "Формирующее оценивание: второй поток"
    assert new_title not in hit.text
    methodologist = MethodologistFactory()
    course.authors.add(methodologist)
    author = Browser(webs)
    assert author.login(methodologist).status_code == 302
    answer = author.patch(f"/api/v1/courses/{course.slug}/", {"title": new_title}, on="B")
    assert answer.status_code == 200, answer.text[-2000:]
    fresh = visitor.get(page, on="A")
    assert (fresh.status_code, fresh.headers["X-Page-Cache"]) == (200, "miss")
    assert new_title in fresh.text

    # 4. A rate limit hit on A holds on B: failed sign-ins from one address count on both.
    guesser = Browser(webs)
    victim = TeacherFactory()
    guesser.get("/accounts/login/", on="A")
    answers = [
        guesser.post("/accounts/login/", {"login": victim.email, "password": f"wrong-{i}"})
        for i in range(LOGIN_LIMIT + 1)
    ]
    refused = guesser.post("/accounts/login/", {"login": victim.email, "password": PASSWORD})
    # B counted tries 1 and 3, A tries 2 and 4 (where the limit is hit: one process alone would have
    # counted 2), and the right password after it is refused by B.
    assert guesser.served_by[1:] == ["B", "A", "B", "A", "B"]
    assert [a.status_code for a in answers + [refused]] == [200] * (LOGIN_LIMIT + 2)
    assert [WRONG in a.text for a in answers] == [True] * LOGIN_LIMIT + [False]
    assert [TOO_MANY in a.text for a in answers] == [False] * LOGIN_LIMIT + [True]
    assert TOO_MANY in refused.text  # even the right password, on the other server
    assert "sessionid" not in guesser.session.cookies

    # 5. Worker 1 SIGKILLed mid-batch; worker 2 finishes it, every certificate exactly once.
    everything["worker"]("two-second")
    big = CohortFactory(capacity=N + 10)
    ids = _completed(big, N, "batch")
    big_batch = _issue_through_admin(admin, big, on="B")
    issued = Certificate.objects.filter(enrollment__cohort=big)
    wait_for(lambda: issued.count() >= 10, timeout=180, interval=0.05)
    for pid in reversed(_process_tree(first.proc.pid)):
        os.kill(pid, signal.SIGKILL)
    first.proc.wait(timeout=30)
    assert issued.count() < N, "the batch finished before the worker was killed: make it bigger"

    sweeps: list[list[int]] = []

    def swept_and_done() -> bool:  # beat's sweep (PDP_RESUME_SWEEP_MINUTES), sent here every second
        sweeps.append(certificate_batches_resume())
        return issued.count() == N

    wait_for(swept_and_done, timeout=120, interval=1)
    wait_for(
        lambda: CertificateBatch.objects.filter(pk=big_batch, finished_at__isnull=False).exists(), timeout=120
    )
    _exactly_once(big, ids, s3)
    assert Certificate.objects.count() == N + 1  # with step 2's
    assert [resumed for resumed in sweeps if resumed][0] == [big_batch]  # the sweep found it stalled

    # 6. A second beat sends nothing twice; the first one's death hands over within a minute.
    beats = redis.Redis(port=everything["redis"].port, db=2)

    def senders() -> list[str]:
        return [json.loads(raw)["headers"]["origin"] for raw in reversed(beats.lrange("default", 0, -1))]

    def sent_by(beat: Beat) -> int:
        return sum(origin.startswith(beat.origin) for origin in senders())

    one = everything["beat"]("one")
    wait_for(lambda: sent_by(one) >= 2, timeout=60)
    two = everything["beat"]("two")
    wait_for(two.started, timeout=60)
    already = sent_by(one)
    wait_for(lambda: sent_by(one) >= already + 4, timeout=30)
    assert sent_by(two) == 0
    assert all(origin.startswith(one.origin) for origin in senders())
    assert json.loads(beats.get(TICK_KEY))["leader"].endswith(f":{one.proc.pid}")
    one.stop(signal.SIGKILL)
    count = len(senders())
    wait_for(lambda: sent_by(two) >= 1, timeout=60)
    assert json.loads(beats.get(TICK_KEY))["leader"].endswith(f":{two.proc.pid}")
    after = senders()[count:]
    assert [origin.startswith(two.origin) for origin in after] == [True] * len(after)
