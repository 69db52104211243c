"""Benchmark: the school report export of N enrollment rows, CSV (streamed) and XLSX (write-only),
beside PostgreSQL's own `COPY (same query) TO STDOUT (FORMAT csv)` as the ceiling.

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_bench .venv/bin/python bench/reports_export.py --rows 20000 --build
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_bench .venv/bin/python bench/reports_export.py --rows 20000 \
        [--repeats 3] [--markdown FILE]
    (the bench data is created once per size and reused; --build only creates it, --drop removes it)

One table row per way out: rows per second through the real view (middleware, scoping, streaming)
from the median of --repeats whole exports, p50/p95/p99 of those exports, SQL queries per export,
and the share of COPY's rate; one unmeasured request first warms the process (imports, templates).
Under the table: the Python allocation peak while the response is consumed (tracemalloc, a
separate pass) and the process's maximum resident memory. The XLSX workbook also carries the
hours-ledger sheet (one row per teacher: here as many again), so its rate counts only the
enrollment rows. Build the data in one run (--build) and measure in the next: the build itself
inflates max RSS.
"""

import argparse
import os
import resource
import statistics
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from table import emit, markdown_table, percentiles  # noqa: E402

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
    course = Course.objects.create(
        slug=f"{PREFIX}-{rows}",
        title="Bench course: =formulas, кириллица",
        summary="bench",
        hours=36,
        status="published",
    )
    module = Module.objects.create(course=course, title="M1", position=1)
    lessons = [Lesson.objects.create(module=module, title=f"L{i}", body="x", position=i) for i in range(8)]
    Assignment.objects.create(module=module, title="A1", instructions="x")
    now = timezone.now()
    today = timezone.localdate()
    cohorts = [
        Cohort.objects.create(
            course=course,
            title=f"{PREFIX} cohort {i}",
            starts_on=today - timedelta(days=60),
            ends_on=today + timedelta(days=30),
            enrollment_opens_at=now - timedelta(days=90),
            enrollment_closes_at=now,
            status="running",
        )
        for i in range(10)
    ]
    for cohort in cohorts:
        LiveSession.objects.create(cohort=cohort, title="Webinar", starts_at=now - timedelta(days=5))
    teachers = User.objects.bulk_create(
        User(
            email=f"{PREFIX}-{rows}-{i}@example.org",
            full_name=f"Учитель {i:06d}",
            school=school,
            municipality=municipality,
        )
        for i in range(rows)
    )
    enrollments = Enrollment.objects.bulk_create(
        (
            Enrollment(teacher=t, cohort=cohorts[i % len(cohorts)], state="enrolled", enrolled_at=now)
            for i, t in enumerate(teachers)
        ),
        batch_size=2000,
    )
    LessonProgress.objects.bulk_create(
        (
            LessonProgress(enrollment=e, lesson=lessons[j])
            for i, e in enumerate(enrollments)
            for j in range(i % 5)
        ),
        batch_size=5000,
    )
    admin = User.objects.create_user(
        email=admin_email, password=None, school=school, municipality=municipality
    )
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


def consume(client: Client, url: str) -> tuple[float, int, int]:
    """One whole export through the view: seconds, bytes, SQL queries."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        size = sum(len(chunk) for chunk in response.streaming_content)
        seconds = time.perf_counter() - started
    return seconds, size, len(queries.captured_queries)


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


def row(name: str, times: list[float], rows: int, queries) -> dict:
    return {
        "name": name,
        "rate": rows / statistics.median(times),
        **percentiles(times),
        "errors": 0,
        "count": len(times),
        "queries": queries,
    }


def benchmark(rows_wanted: int = 20_000, repeats: int = 3) -> str:
    """Measure COPY, CSV and XLSX; return the Markdown table with the memory figures under it."""
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgres://… (COPY is the ceiling measured here).")
    settings.REPORTS_EXPORT_ASYNC_ROWS = 10**9  # measure the synchronous path
    settings.ALLOWED_HOSTS = ["testserver"]
    admin = build(rows_wanted)
    client = Client()
    client.force_login(admin)
    assert client.get("/reports/").status_code == 200  # warm the process (imports, templates): not measured
    rows = selectors.school_report_rows(user=admin, flt=selectors.EnrollmentFilters()).count()
    print(f"rows: {rows:,}", flush=True)
    copies = [copy_ceiling(admin) for _ in range(repeats)]
    measured = [
        row("COPY (same query) TO STDOUT (FORMAT csv): PostgreSQL alone", [t for t, _ in copies], rows, 1)
    ]
    print(
        f"COPY … TO STDOUT (FORMAT csv): median {statistics.median(t for t, _ in copies):6.2f} s  "
        f"{measured[0]['rate']:10,.0f} rows/s  {copies[0][1] / 1e6:6.1f} MB",
        flush=True,
    )
    memory = []
    for fmt in ("csv", "xlsx"):
        url = f"/reports/export.{fmt}?sort=teacher"
        runs = [consume(client, url) for _ in range(repeats)]
        peak = python_peak(client, url)
        queries = sorted({q for _, _, q in runs})
        name = (
            "CSV export via the view (streamed)"
            if fmt == "csv"
            else "XLSX export via the view (write-only, + hours-ledger sheet)"
        )
        measured.append(
            row(
                name,
                [t for t, _, _ in runs],
                rows,
                f"{queries[0]}–{queries[-1]}" if len(queries) > 1 else str(queries[0]),
            )
        )
        memory.append(f"{fmt.upper()} {runs[0][1] / 1e6:.1f} MB out, Python peak {peak / 1e6:.1f} MB")
        print(
            f"{fmt.upper():4} export via the view: median {statistics.median(t for t, _, _ in runs):6.2f} s  "
            f"{measured[-1]['rate']:10,.0f} rows/s  {memory[-1]}",
            flush=True,
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    title = (
        f"School report export, {rows:,} enrollment rows ({repeats} runs each; "
        "rate from the median run, percentiles of whole exports)"
    )
    table = markdown_table(
        title,
        measured,
        rate_label="rows/s",
        ceiling=measured[0]["rate"],
        ceiling_label="× COPY",
        name_label="export",
        queries_label="SQL/export",
    )
    notes = (
        f"Memory: {'; '.join(memory)} (tracemalloc, a separate pass); "
        f"process max RSS {max_rss:.0f} MB (budget 150 MB)."
    )
    return table + "\n" + notes + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3, help="whole exports per format")
    parser.add_argument("--build", action="store_true", help="only create the bench data (if missing)")
    parser.add_argument("--drop", action="store_true", help="remove the bench data")
    parser.add_argument("--markdown", help="also append the table to this file")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgres://… (COPY is the ceiling measured here).")
    if args.drop:
        drop()
        return
    if args.build:
        build(args.rows)
        return
    text = benchmark(args.rows, max(1, args.repeats))
    emit(text, args.markdown)


if __name__ == "__main__":
    main()
