"""Benchmark: issue N certificates (records + stored PDFs) with one real Celery worker.

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/certificates_issue.py [--n 5000] [--concurrency 2]
    (the database must be migrated; each run makes a fresh cohort of N completed enrollments and
    removes it afterwards; PDFs go to a temporary MEDIA_ROOT)

The bulk issuance is started exactly as the admin action starts it (`certificate_batch_start`), one
worker (`-Q heavy`, prefork with --concurrency processes) does the work, and the script polls the
database until every enrollment has its certificate. Prints certificates per second. Goal: 5,000
in under 2 minutes on a 2-core machine.
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
MEDIA = tempfile.mkdtemp(prefix="pdp-bench-certs-")
os.environ["MEDIA_ROOT"] = MEDIA

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from cohorts.models import Certificate, Cohort, Enrollment  # noqa: E402
from cohorts.services.certificates import certificate_batch_start  # noqa: E402
from courses.models import Course  # noqa: E402
from pdplatform.celery import app  # noqa: E402


def make_cohort(n: int, tag: str) -> Cohort:
    course = Course.objects.create(title="Формирующее оценивание: практика", slug=f"bench-certs-{tag}", summary="bench", hours=72)
    today = timezone.localdate()
    now = timezone.now()
    cohort = Cohort.objects.create(
        course=course, title=f"bench {tag}", starts_on=today, ends_on=today, enrollment_opens_at=now,
        enrollment_closes_at=now, capacity=n, status=Cohort.Status.FINISHED,
    )
    users = User.objects.bulk_create(
        [User(email=f"bench-{tag}-{i}@example.org", full_name=f"Учитель Бенчмарков {i}", preferred_language="ru") for i in range(n)],
        batch_size=1000,
    )
    Enrollment.objects.bulk_create(
        [Enrollment(cohort=cohort, teacher=u, state=Enrollment.State.COMPLETED, completed_at=now) for u in users],
        batch_size=1000,
    )
    return cohort


def cleanup(cohort: Cohort, tag: str) -> None:
    Certificate.objects.filter(enrollment__cohort=cohort).delete()
    course = cohort.course
    cohort.delete()
    course.delete()
    User.objects.filter(email__startswith=f"bench-{tag}-").delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        sys.exit("Run with DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://…")
    tag = str(int(time.time()))
    print(f"creating {args.n} completed enrollments …", flush=True)
    cohort = make_cohort(args.n, tag)
    log = Path(MEDIA) / "worker.log"
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    worker = subprocess.Popen(
        [celery, "-A", "pdplatform", "worker", "-l", "warning", "-Q", "heavy", "-n", f"bench-{tag}@%h",
         f"--concurrency={args.concurrency}", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=dict(os.environ), stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(f"bench-{tag}@" in key for reply in (app.control.ping(timeout=0.5) or []) for key in reply):
            if time.monotonic() > deadline or worker.poll() is not None:
                sys.exit(f"worker did not start: {log.read_text()[-2000:]}")
        issued = Certificate.objects.filter(enrollment__cohort=cohort)
        start = time.monotonic()
        certificate_batch_start(cohort=cohort, actor=None)
        last = -1
        while (count := issued.count()) < args.n:
            if count != last and count // 500 != last // 500:
                print(f"  {count:>6} issued after {time.monotonic() - start:6.1f} s", flush=True)
            last = count
            if worker.poll() is not None:
                sys.exit(f"worker died: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        elapsed = time.monotonic() - start
        size = sum(f.stat().st_size for f in Path(MEDIA).rglob("*.pdf"))
        print(f"{args.n} certificates (records + PDFs, {size / args.n / 1024:.0f} KiB each) in {elapsed:.1f} s "
              f"with one worker of {args.concurrency} processes: {args.n / elapsed:.1f} certificates/s")
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        cleanup(cohort, tag)
        shutil.rmtree(MEDIA, ignore_errors=True)


if __name__ == "__main__":
    main()
