"""Benchmark: the copy check over N answers of ~2,000 characters to one assignment; one table.

    .venv/bin/python bench/copies_check.py [--n 1000] [--chars 2000] [--copies 50] [--markdown FILE]
    (with --database also the real service, `submission_check_copy`, on N stored answers of the
    configured database, which must be migrated; everything it creates is rolled back afterwards)

Texts are made of sentences of 6–16 words drawn from a 3,000-word vocabulary; --copies of them are
an earlier answer with its sentences shuffled and its case changed. Measured, in this process:
- *fingerprint all*: `core.fingerprint.fingerprint` of every answer;
- *compare all*: each answer against every earlier one, as the checks run one after another
  (N·(N−1)/2 containments), which also counts the copies found at the default threshold;
- with --database, *one check*: the last answer's check against the N−1 stored ones (median of 5 runs;
  its SQL queries in the last column).
Peak memory is tracemalloc's peak over a second run of each step (Python allocations; the
interpreter's own is not counted; the timed run is not traced). Rows: items per second, p50/p95/p99 ms of a step (one run: all three are that run).
"""

import argparse
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pdplatform.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from table import emit, markdown_table, percentiles  # noqa: E402

from core import fingerprint as fp  # noqa: E402

LETTERS = "абвгдеёжзийклмнопрстуфхцчшщыэюя"


def make_texts(n: int, chars: int, copies: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    vocabulary = ["".join(rnd.choice(LETTERS) for _ in range(rnd.randint(2, 11))) for _ in range(3000)]
    texts: list[str] = []
    copy_at = set(rnd.sample(range(1, n), min(copies, n - 1)))
    for i in range(n):
        if i in copy_at:
            sentences = texts[rnd.randrange(i)].split(". ")
            rnd.shuffle(sentences)
            texts.append(". ".join(s.upper() if rnd.random() < 0.2 else s for s in sentences))
            continue
        sentences, size = [], 0
        while size < chars:
            sentence = " ".join(rnd.choice(vocabulary) for _ in range(rnd.randint(6, 16))).capitalize()
            sentences.append(sentence)
            size += len(sentence) + 2
        texts.append(". ".join(sentences) + ".")
    return texts


def measured(step):
    """(result, seconds, peak bytes): timed without tracing (tracemalloc slows every allocation many
    times over), then run again under tracemalloc for the peak."""
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak


def pure_rows(texts: list[str], threshold: float) -> list[dict]:
    prints, fp_seconds, fp_peak = measured(lambda: [fp.fingerprint(text) for text in texts])

    def compare_all():
        found = 0
        for i, own in enumerate(prints):
            best = max((fp.containment(own, prints[j]) for j in range(i)), default=0.0)
            found += best >= threshold
        return found

    found, cmp_seconds, cmp_peak = measured(compare_all)
    pairs = len(texts) * (len(texts) - 1) // 2
    shingles = sum(len(p) for p in prints) / len(prints)
    return [
        {
            "name": f"fingerprint all ({shingles:.0f} shingles, {len(fp.pack(prints[0]))} bytes each); peak {fp_peak / 2**20:.1f} MiB",
            "rate": len(texts) / fp_seconds,
            **percentiles([fp_seconds]),
            "count": len(texts),
        },
        {
            "name": f"compare all ({pairs:,} pairs; {found} copies found); peak {cmp_peak / 2**20:.1f} MiB",
            "rate": pairs / cmp_seconds,
            **percentiles([cmp_seconds]),
            "count": pairs,
        },
    ]


class Rollback(Exception):
    pass


def database_row(texts: list[str]) -> dict:
    from django.utils import timezone

    from accounts.models import User
    from cohorts.models import Cohort, Enrollment, Submission, SubmissionVersion
    from cohorts.services.copies import submission_check_copy
    from courses.models import Assignment, Course, Module

    row: dict = {}
    try:
        with transaction.atomic():
            today = timezone.localdate()
            now = timezone.now()
            course = Course.objects.create(
                title="bench copies", slug=f"bench-copies-{os.getpid()}", summary="bench", hours=36
            )
            module = Module.objects.create(course=course, title="m", position=1)
            assignment = Assignment.objects.create(module=module, title="a", instructions="i", due_days=14)
            cohort = Cohort.objects.create(
                course=course,
                title="c",
                starts_on=today,
                ends_on=today,
                enrollment_opens_at=now,
                enrollment_closes_at=now,
                capacity=len(texts),
            )
            users = User.objects.bulk_create(
                [
                    User(email=f"bench-copies-{os.getpid()}-{i}@example.org", full_name=f"T {i}")
                    for i in range(len(texts))
                ]
            )
            enrollments = Enrollment.objects.bulk_create(
                [Enrollment(cohort=cohort, teacher=user, state=Enrollment.State.ENROLLED) for user in users]
            )
            subs = Submission.objects.bulk_create(
                [
                    Submission(
                        enrollment=e,
                        assignment=assignment,
                        submitted_at=now,
                        version_count=1,
                        fingerprint=fp.pack(fp.fingerprint(text)),
                    )
                    for e, text in zip(enrollments, texts, strict=True)
                ]
            )
            SubmissionVersion.objects.bulk_create(
                [
                    SubmissionVersion(submission=s, number=1, text=text)
                    for s, text in zip(subs, texts, strict=True)
                ]
            )
            timings = []
            for _ in range(5):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    submission_check_copy(submission_id=subs[-1].pk)
                    timings.append(time.perf_counter() - started)
            _, _, peak = measured(lambda: submission_check_copy(submission_id=subs[-1].pk))
            median = sorted(timings)[len(timings) // 2]
            row = {
                "name": f"one check against {len(texts) - 1:,} stored ({connection.vendor}); peak {peak / 2**20:.1f} MiB",
                "rate": 1 / median,
                **percentiles(timings),
                "count": len(timings),
                "queries": len(queries),
            }
            raise Rollback
    except Rollback:
        pass
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--chars", type=int, default=2000)
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument(
        "--database", action="store_true", help="also time the service on the configured database"
    )
    parser.add_argument("--markdown", help="also append the table to this file")
    args = parser.parse_args()
    from cohorts.services.copies import copy_similarity_threshold

    texts = make_texts(args.n, args.chars, args.copies)
    rows = pure_rows(texts, copy_similarity_threshold())
    if args.database:
        rows.append(database_row(texts))
    title = f"Copy check: {args.n:,} answers of ~{args.chars:,} characters to one assignment"
    emit(
        markdown_table(title, rows, rate_label="per s", name_label="step", queries_label="SQL"), args.markdown
    )


if __name__ == "__main__":
    main()
