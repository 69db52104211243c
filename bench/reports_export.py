"""Benchmark: the school report export of N enrollment rows, CSV (streamed) and XLSX (write-only),
beside PostgreSQL's own `COPY (same query) TO STDOUT (FORMAT csv)` as the ceiling.

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_bench .venv/bin/python bench/reports_export.py --rows 20000
    (the bench data is created once per size and reused; --drop removes it)

For each format: rows per second through the real view (middleware, scoping, streaming), the Python
allocation peak while the response is consumed (tracemalloc, a separate pass), and the process's
maximum resident memory. Then the ratio of each format's rate to COPY's. The XLSX workbook also
carries the hours-ledger sheet (one row per teacher: here as many again), so its rate counts only the
enrollment rows. Build the data in one run and measure in the next: the build itself inflates max RSS.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pdplatform.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Municipality, School, User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from cohorts.models import Cohort, Enrollment, LessonProgress, LiveSession  # noqa: E402
from courses.models import Assignment, Course, Lesson, Module  # noqa: E402
from pdplatform.reports import selectors  # noqa: E402

PREFIX = "bench-reports"


def build(rows: int) -> User:
    school_name = f"{PREFIX} school {rows}"
    admin_email = f"{PREFIX}-admin-{rows}@example.org"
    admin = User.objects.filter(email=admin_email).first()
    if admin is not None:
        return admin
    print(f"creating {rows:,} enrollments …", flush=True)
    started = time.perf_counter()
    municipality, _ = Municipality.objects.get_or_create(name=f"{PREFIX} town")
    school = School.objects.create(municipality=municipality, name=school_name)
    course = Course.objects.create(slug=f"{PREFIX}-{rows}", title="Bench course: =formulas, кириллица",
                                   summary="bench", hours=36, status="published")
    module = Module.objects.create(course=course, title="M1", position=1)
    lessons = [Lesson.objects.create(module=module, title=f"L{i}", body="x", position=i) for i in range(8)]
    Assignment.objects.create(module=module, title="A1", instructions="x")
    now = timezone.now()
    today = timezone.localdate()
    cohorts = [
        Cohort.objects.create(course=course, title=f"{PREFIX} cohort {i}", starts_on=today - timedelta(days=60),
                              ends_on=today + timedelta(days=30), enrollment_opens_at=now - timedelta(days=90),
                              enrollment_closes_at=now, status="running")
        for i in range(10)
    ]
    for cohort in cohorts:
        LiveSession.objects.create(cohort=cohort, title="Webinar", starts_at=now - timedelta(days=5))
    teachers = User.objects.bulk_create(
        User(email=f"{PREFIX}-{rows}-{i}@example.org", full_name=f"Учитель {i:06d}", school=school,
             municipality=municipality)
        for i in range(rows)
    )
    enrollments = Enrollment.objects.bulk_create(
        (Enrollment(teacher=t, cohort=cohorts[i % len(cohorts)], state="enrolled", enrolled_at=now)
         for i, t in enumerate(teachers)), batch_size=2000
    )
    LessonProgress.objects.bulk_create(
        (LessonProgress(enrollment=e, lesson=lessons[j]) for i, e in enumerate(enrollments) for j in range(i % 5)),
        batch_size=5000,
    )
    admin = User.objects.create_user(email=admin_email, password=None, school=school, municipality=municipality)
    admin.groups.add(Group.objects.get_or_create(name=Role.SCHOOL_ADMIN)[0])
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return admin


def drop() -> None:
    Enrollment.objects.filter(cohort__title__startswith=PREFIX).delete()
    LiveSession.objects.filter(cohort__title__startswith=PREFIX).delete()
    Cohort.objects.filter(title__startswith=PREFIX).delete()
    Course.objects.filter(slug__startswith=PREFIX).delete()
    User.objects.filter(email__startswith=PREFIX).delete()
    School.objects.filter(name__startswith=PREFIX).delete()
    print("bench data removed")


def consume(client: Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.streaming_content)
    return time.perf_counter() - started, size


def python_peak(client: Client, url: str) -> int:
    tracemalloc.start()
    response = client.get(url)
    for _chunk in response.streaming_content:
        pass
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def copy_ceiling(admin: User) -> tuple[float, int]:
    """The same rows and columns straight out of PostgreSQL (no Python per row)."""
    qs = selectors.school_report_rows(user=admin, flt=selectors.EnrollmentFilters())
    sql, params = qs.query.sql_with_params()

    class Sink:
        size = 0

        def write(self, data):
            self.size += len(data)

    sink = Sink()
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        statement = raw.mogrify(sql, params).decode()
        started = time.perf_counter()
        raw.copy_expert(f"COPY ({statement}) TO STDOUT (FORMAT csv, HEADER)", sink)
        return time.perf_counter() - started, sink.size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgres://… (COPY is the ceiling measured here).")
    if args.drop:
        drop()
        return
    settings.REPORTS_EXPORT_ASYNC_ROWS = 10**9  # measure the synchronous path
    settings.ALLOWED_HOSTS = ["testserver"]
    admin = build(args.rows)
    client = Client()
    client.force_login(admin)
    rows = selectors.school_report_rows(user=admin, flt=selectors.EnrollmentFilters()).count()
    print(f"rows: {rows:,}")
    copy_s, copy_size = copy_ceiling(admin)
    copy_rate = rows / copy_s
    print(f"COPY … TO STDOUT (FORMAT csv): {copy_s:6.2f} s  {copy_rate:10,.0f} rows/s  {copy_size / 1e6:6.1f} MB")
    for fmt in ("csv", "xlsx"):
        url = f"/reports/export.{fmt}?sort=teacher"
        seconds, size = consume(client, url)
        peak = python_peak(client, url)
        rate = rows / seconds
        print(
            f"{fmt.upper():4} export via the view: {seconds:6.2f} s  {rate:10,.0f} rows/s  {size / 1e6:6.1f} MB  "
            f"python peak {peak / 1e6:5.1f} MB  ratio to COPY {rate / copy_rate:5.2f}"
            + ("  (+ hours-ledger sheet)" if fmt == "xlsx" else "")
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {max_rss:.0f} MB (budget 150 MB)")


if __name__ == "__main__":
    main()
