"""Benchmark: issue N certificates (records + stored PDFs) with a real Celery worker; one table row.

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/certificates_issue.py [--n 5000] [--concurrency 2] [--running-worker] \
        [--markdown FILE]
    (the database must be migrated; each run makes a fresh cohort of N completed enrollments and
    removes it afterwards, PDFs included)

The bulk issuance is started exactly as the admin action starts it (`certificate_batch_start`), a
worker does the work, and the script polls the database until every enrollment has its certificate
(or a failure noted on the batch, or no progress for --stall seconds). By default the script spawns
its own worker (`-Q heavy`, prefork with --concurrency processes); with --running-worker it uses the
workers already consuming "heavy" (bench/run's deployment worker). Workers already on "heavy" take
chunks in the default mode too, so the table names every worker that was there. PDFs go to the
environment's MEDIA_ROOT, which running workers must share (else, for a spawned worker alone, to a
temporary directory). Rate: certificates per second, first request to last certificate; the time
of one certificate is not observable from here, so no percentiles. Goal: 5,000 in under 2 minutes
on a 2-core machine.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pdplatform.settings")
# PDFs go where every worker on the queue writes them: the environment's MEDIA_ROOT if it is set,
# else (for the spawned worker only) a temporary directory. Decided before django.setup() reads it.
MEDIA = None
if "MEDIA_ROOT" not in os.environ and "--running-worker" not in sys.argv:
    MEDIA = tempfile.mkdtemp(prefix="pdp-bench-certs-")
    os.environ["MEDIA_ROOT"] = MEDIA

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from table import emit, markdown_table  # noqa: E402

from accounts.models import User  # noqa: E402
from cohorts.certificates.services import certificate_batch_start  # noqa: E402
from cohorts.models import Certificate, CertificateBatch, Cohort, Enrollment  # noqa: E402
from courses.models import Course  # noqa: E402
from pdplatform.celery import app  # noqa: E402

QUEUE = "heavy"


def make_cohort(n: int, tag: str) -> Cohort:
    course = Course.objects.create(
        title="Формирующее оценивание: практика", slug=f"bench-certs-{tag}", summary="bench", hours=72
    )
    today = timezone.localdate()
    now = timezone.now()
    cohort = Cohort.objects.create(
        course=course,
        title=f"bench {tag}",
        starts_on=today,
        ends_on=today,
        enrollment_opens_at=now,
        enrollment_closes_at=now,
        capacity=n,
        status=Cohort.Status.FINISHED,
    )
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench-{tag}-{i}@example.org",
                full_name=f"Учитель Бенчмарков {i}",
                preferred_language="ru",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(cohort=cohort, teacher=u, state=Enrollment.State.COMPLETED, completed_at=now)
            for u in users
        ],
        batch_size=1000,
    )
    return cohort


def cleanup(cohort: Cohort, tag: str) -> None:
    certificates = Certificate.objects.filter(enrollment__cohort=cohort)
    storage = Certificate._meta.get_field("pdf").storage
    for name in certificates.values_list("pdf", flat=True):
        storage.delete(name)
    certificates.delete()
    course = cohort.course
    cohort.delete()
    course.delete()
    User.objects.filter(email__startswith=f"bench-{tag}-").delete()


def heavy_workers() -> dict[str, int]:
    """The workers consuming the heavy queue now, with their pool sizes (0 if a worker did not say)."""
    inspect = app.control.inspect(timeout=2)
    queues = inspect.active_queues() or {}
    stats = inspect.stats() or {}
    return {
        name: stats.get(name, {}).get("pool", {}).get("max-concurrency", 0)
        for name, consumed in queues.items()
        if any(q.get("name") == QUEUE for q in consumed)
    }


def processes(count: int) -> str:
    return f"{count} process" + ("" if count == 1 else "es")


def spawn_worker(tag: str, concurrency: int, log: Path) -> subprocess.Popen:
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    worker = subprocess.Popen(
        [
            celery,
            "-A",
            "pdplatform",
            "worker",
            "-l",
            "warning",
            "-Q",
            QUEUE,
            "-n",
            f"bench-{tag}@%h",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not any(f"bench-{tag}@" in key for reply in (app.control.ping(timeout=0.5) or []) for key in reply):
        if time.monotonic() > deadline or worker.poll() is not None:
            worker.terminate()
            sys.exit(f"worker did not start: {log.read_text()[-2000:]}")
    return worker


def benchmark(n: int = 5000, concurrency: int = 2, running_worker: bool = False, stall: float = 120) -> str:
    """Issue n certificates and return the Markdown table (one row) with a line of notes under it.

    Without MEDIA_ROOT in the environment, running_worker needs --running-worker on the command line
    (which keeps the module from pointing MEDIA_ROOT at a directory that worker does not write to)."""
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        sys.exit("Run with DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://…")
    if running_worker and MEDIA:
        sys.exit(
            "A running worker does not write PDFs to this process's temporary MEDIA_ROOT: "
            "pass --running-worker on the command line or set MEDIA_ROOT as the worker has it."
        )
    others = heavy_workers()
    if running_worker and not others:
        sys.exit(
            f"No running Celery worker consumes the {QUEUE!r} queue: start one, or leave out --running-worker."
        )
    if running_worker:
        workers = f"running worker {', '.join(sorted(others))} of {processes(sum(others.values()))}"
    else:
        workers = f"worker of {processes(concurrency)}"
        if others:
            workers += f" + running {', '.join(sorted(others))} of {processes(sum(others.values()))}"
            print(
                f"note: {', '.join(sorted(others))} also consume {QUEUE!r} and will issue some of the "
                "certificates",
                flush=True,
            )
    tag = str(int(time.time()))
    print(f"creating {n} completed enrollments …", flush=True)
    cohort = make_cohort(n, tag)
    worker = None
    try:
        if not running_worker:
            log = Path(MEDIA or tempfile.gettempdir()) / f"pdp-bench-certs-{tag}-worker.log"
            worker = spawn_worker(tag, concurrency, log)
        issued = Certificate.objects.filter(enrollment__cohort=cohort)
        start = time.monotonic()
        batch = certificate_batch_start(cohort=cohort, actor=None)
        failed = CertificateBatch.objects.filter(pk=batch.pk).values_list("messages", flat=True)
        last, changed = -1, start
        while (count := issued.count()) + len(failed.get()) < n:
            now = time.monotonic()
            if count != last:
                if count // 500 != last // 500:
                    print(f"  {count:>6} issued after {now - start:6.1f} s", flush=True)
                last, changed = count, now
            elif now - changed > stall:
                print(f"  no certificate for {stall:.0f} s: stopping at {count}", flush=True)
                break
            if worker is not None and worker.poll() is not None:
                sys.exit(f"worker died: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        else:
            changed = time.monotonic()
        elapsed = changed - start
        storage = Certificate._meta.get_field("pdf").storage
        sizes = [storage.size(name) for name in issued.values_list("pdf", flat=True) if storage.exists(name)]
        problems = failed.get()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        cleanup(cohort, tag)
        if MEDIA:
            shutil.rmtree(MEDIA, ignore_errors=True)
        elif worker is not None:
            log.unlink(missing_ok=True)
    row = {
        "name": f"certificate issuance ({n:,}, records + PDFs, {workers})",
        "rate": count / elapsed if elapsed else 0.0,
        "p50": None,
        "p95": None,
        "p99": None,
        "errors": n - count,
        "count": n,
        "queries": "–",
    }
    notes = (
        f"{count:,} of {n:,} certificates in {elapsed:.1f} s"
        + (f", PDFs {sum(sizes) / len(sizes) / 1024:.0f} KiB each" if sizes else "")
        + (f" ({len(sizes):,} of them readable here)" if sizes and len(sizes) != count else "")
        + (f"; first problem: {problems[0]['message']}" if problems else "")
        + ". Goal: 5,000 in under 2 minutes on a 2-core machine."
    )
    title = (
        f"Certificate issuance: {n:,} completed enrollments, the admin's bulk action, "
        "first request to last certificate"
    )
    return (
        markdown_table(title, [row], rate_label="certificates/s", name_label="job", queries_label="SQL/item")
        + "\n"
        + notes
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument(
        "--concurrency", type=int, default=os.cpu_count() or 2, help="processes of the spawned worker"
    )
    parser.add_argument(
        "--running-worker",
        action="store_true",
        help="use the workers already consuming 'heavy' instead of spawning one",
    )
    parser.add_argument(
        "--stall", type=float, default=120, help="give up after this many seconds without progress"
    )
    parser.add_argument("--markdown", help="also append the table to this file")
    args = parser.parse_args()
    text = benchmark(args.n, args.concurrency, args.running_worker, args.stall)
    emit(text, args.markdown)


if __name__ == "__main__":
    main()
