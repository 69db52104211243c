"""Benchmark: survey results over 100,000 answers — aggregation, the results page, and the exports.

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_bench .venv/bin/python bench/surveys_aggregate.py \
        [--responses 10000] [--markdown FILE]
    (the database must be migrated; the bench data is created once per size and reused; --drop removes it)

Answers are bulk-inserted directly (the submit service is what the tests cover), ten per response;
then each measured step runs a few times and becomes a table row: runs per second from the median
time, p50/p95/p99 of the runs (of one run, all three are that run), and the SQL queries of a run.
One unmeasured request warms the process (imports, templates) before the HTTP steps.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pdplatform.settings")

import django  # noqa: E402

django.setup()

import random  # noqa: E402

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from table import emit, markdown_table, percentiles  # noqa: E402

from accounts.models import User  # noqa: E402
from cohorts.models import Cohort  # noqa: E402
from courses.models import Course  # noqa: E402
from surveys import selectors  # noqa: E402
from surveys.models import Answer, Question, Response, Section, Survey  # noqa: E402

RESPONSES = 10_000
LIKERT = 9  # + 1 free-text question = 10 answers per response → 100,000 answers
COHORTS = 8


def title(responses: int) -> str:
    return f"bench: {responses * (LIKERT + 1):,} answers"


def build(responses: int = RESPONSES) -> Survey:
    survey = Survey.objects.filter(title=title(responses)).first()
    if survey is not None:
        return survey
    rng = random.Random(5)
    print(f"creating {responses * (LIKERT + 1):,} answers …", flush=True)
    started = time.perf_counter()
    course, _ = Course.objects.get_or_create(
        slug="bench-surveys", defaults={"title": "bench", "summary": "bench", "hours": 1}
    )
    today = timezone.localdate()
    now = timezone.now()
    cohorts = [
        Cohort.objects.create(
            course=course,
            title=f"bench cohort {i}",
            starts_on=today - timedelta(days=30 * i),
            ends_on=today,
            enrollment_opens_at=now - timedelta(days=400),
            enrollment_closes_at=now,
        )
        for i in range(COHORTS)
    ]
    survey = Survey.objects.create(
        title=title(responses),
        kind=Survey.Kind.FEEDBACK,
        is_anonymous=True,
        is_published=True,
        audience=Survey.Audience.COHORT,
        course=course,
    )
    survey.cohorts.set(cohorts)
    section = Section.objects.create(survey=survey, title="bench")
    questions = [
        Question.objects.create(section=section, text=f"Aspect {i}", position=i) for i in range(LIKERT)
    ]
    text_q = Question.objects.create(
        section=section, kind="text", text="Comment", position=99, is_required=False
    )
    batch_r, batch_a = [], []
    for i in range(responses):
        response = Response(survey=survey, cohort=cohorts[i % COHORTS])
        batch_r.append(response)
        mood = rng.choice([2, 3, 4, 4, 5])
        for q in questions:
            batch_a.append(
                Answer(response=response, question=q, value=max(1, min(5, mood + rng.choice([-1, 0, 1]))))
            )
        batch_a.append(Answer(response=response, question=text_q, text=f"comment {rng.randint(1, 500)}"))
        if len(batch_r) == 2000:
            Response.objects.bulk_create(batch_r)
            Answer.objects.bulk_create(batch_a, batch_size=5000)
            batch_r, batch_a = [], []
    if batch_r:
        Response.objects.bulk_create(batch_r)
        Answer.objects.bulk_create(batch_a, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE surveys_answer; ANALYZE surveys_response;")
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return survey


def measure(label: str, fn, repeat: int = 5) -> dict:
    times = []
    queries = 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    median = statistics.median(times)
    print(
        f"{label:<48} best {min(times) * 1000:8.1f} ms   median {median * 1000:8.1f} ms   {queries} queries",
        flush=True,
    )
    return {
        "name": label,
        "rate": 1 / median,
        **percentiles(times),
        "errors": 0,
        "count": repeat,
        "queries": queries,
    }


def drop() -> None:
    Survey.objects.filter(title__startswith="bench: ", title__endswith=" answers").delete()
    Cohort.objects.filter(title__startswith="bench cohort").delete()
    print("bench data removed")


def benchmark(responses: int = RESPONSES) -> str:
    """Build (once) and measure; return the Markdown table."""
    survey = build(responses)
    answers = Answer.objects.filter(response__survey=survey).count()
    print(f"database: {connection.vendor}; answers: {answers:,}; responses: {survey.responses.count():,}")
    one_cohort = survey.cohorts.order_by("id").first()
    rows = []

    rows.append(
        measure(
            "aggregation, all cohorts (no free texts)",
            lambda: selectors.survey_results(survey=survey, flt=selectors.ResultFilter(), with_texts=False),
        )
    )
    rows.append(
        measure(
            "aggregation, all cohorts (with free texts)",
            lambda: selectors.survey_results(survey=survey, flt=selectors.ResultFilter()),
        )
    )
    rows.append(
        measure(
            "aggregation, one cohort",
            lambda: selectors.survey_results(
                survey=survey, flt=selectors.ResultFilter(cohort_ids=[one_cohort.pk])
            ),
        )
    )
    rows.append(
        measure(
            "aggregation, course over a period",
            lambda: selectors.survey_results(
                survey=survey,
                flt=selectors.ResultFilter(
                    course_id=survey.course_id, date_from=timezone.localdate() - timedelta(days=95)
                ),
            ),
        )
    )

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin@example.org", "bench-pass-123"
    )
    client = Client()
    client.force_login(admin)
    base = f"/surveys/{survey.pk}"

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            if response.streaming:
                return sum(len(chunk) for chunk in response.streaming_content)
            return len(response.content)

        return run

    get(f"{base}/results/?cohort={one_cohort.pk}")()  # warm the process (imports, templates): not measured
    rows.append(measure("results page (HTTP, all cohorts)", get(f"{base}/results/"), repeat=3))
    rows.append(
        measure("results page (HTTP, one cohort)", get(f"{base}/results/?cohort={one_cohort.pk}"), repeat=3)
    )
    rows.append(measure("export distribution CSV", get(f"{base}/export/distribution.csv"), repeat=3))
    rows.append(measure("export distribution XLSX", get(f"{base}/export/distribution.xlsx"), repeat=3))
    rows.append(
        measure(
            f"export raw answers CSV ({answers:,} rows, streamed)", get(f"{base}/export/raw.csv"), repeat=1
        )
    )
    from surveys import services
    from surveys.models import ExportJob

    def xlsx_job():
        job = ExportJob.objects.create(survey=survey, requested_by=admin, total=answers)
        services.export_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.state == "done"
        job.file.delete(save=False)
        job.delete()

    rows.append(measure("export raw answers XLSX (worker job run here, write-only)", xlsx_job, repeat=1))
    return markdown_table(
        f"Survey results over {answers:,} answers ({connection.vendor}): aggregation and exports "
        "(rate from the median run, percentiles of the runs)",
        rows,
        rate_label="runs/s",
        name_label="step",
        queries_label="SQL/run",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=RESPONSES, help="ten answers each")
    parser.add_argument("--drop", action="store_true", help="remove the bench data (every size)")
    parser.add_argument("--markdown", help="also append the table to this file")
    args = parser.parse_args()
    if args.drop:
        drop()
        return
    text = benchmark(max(1, args.responses))
    emit(text, args.markdown)


if __name__ == "__main__":
    main()
