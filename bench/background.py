"""The background benchmarks in one go, in the one table format of bench/table.py: certificate
issuance by a Celery worker, the school report export (CSV/XLSX beside PostgreSQL COPY), survey
results aggregation and exports.

    .venv/bin/python bench/background.py [--quick] [--markdown FILE] [--only reports surveys]
        [--n 5000] [--rows 20000] [--responses 10000] [--spawn-worker]

Each benchmark is its own script (bench/certificates_issue.py, bench/reports_export.py,
bench/surveys_aggregate.py, each usable alone) and runs here as its own process: each sets Django
up at import, and the certificates one its MEDIA_ROOT. Their tables are printed together at the end
and appended to --markdown FILE; a benchmark that fails is noted there and makes the exit status 1.
Full sizes by default (5,000 certificates, 20,000 report rows, 100,000 survey answers); --quick
makes them small, for trying this out.

Needs PostgreSQL (DATABASE_URL) and a broker (CELERY_BROKER_URL). Certificates are issued by the
workers already consuming the "heavy" queue (bench/run's deployment worker; they must share
MEDIA_ROOT with this process); --spawn-worker makes the script start its own worker of one process
per core instead, which then shares the queue with any running worker. The report and survey data
are created on first use and kept for the next run (each script's --drop removes them); the report
data is built in a process of its own, so that the build does not count in the measured max RSS.
bench/run --background calls this after the load test, with the environment it set up.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from table import emit

HERE = Path(__file__).resolve().parent
FULL = {"n": 5000, "rows": 20_000, "responses": 10_000}
QUICK = {"n": 100, "rows": 2000, "responses": 1000}
BENCHMARKS = ("certificates", "reports", "surveys")


def commands(name: str, args, sizes: dict) -> list[list[str]]:
    """The processes of one benchmark, in order; the last one writes the table."""
    py = sys.executable
    if name == "certificates":
        return [
            [
                py,
                str(HERE / "certificates_issue.py"),
                "--n",
                str(sizes["n"]),
                *([] if args.spawn_worker else ["--running-worker"]),
            ]
        ]
    if name == "reports":
        script = str(HERE / "reports_export.py")
        return [
            [py, script, "--rows", str(sizes["rows"]), "--build"],
            [py, script, "--rows", str(sizes["rows"])],
        ]
    return [[py, str(HERE / "surveys_aggregate.py"), "--responses", str(sizes["responses"])]]


def wait_for_idle_worker(broker_url: str, timeout: float = 900) -> None:
    """Let the worker finish what the last benchmark queued (5,000 certificate mails, say) before the
    next one is timed: otherwise both measure each other. Queues are Redis lists; a task being run
    stays in the transport's "unacked" hash until it is acknowledged (acks_late)."""
    import redis

    client = redis.Redis.from_url(broker_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = sum(client.llen(queue) for queue in ("default", "heavy")) + client.hlen("unacked")
        if not waiting:
            return
        print(f"   waiting for the worker: {waiting} tasks left", flush=True)
        time.sleep(5)
    print("   the worker is still busy; measuring anyway", flush=True)


def run(name: str, args, sizes: dict) -> tuple[str, int]:
    """Run one benchmark; its table text (empty if it failed) and the exit status."""
    with tempfile.NamedTemporaryFile("r", prefix=f"pdp-bench-{name}-", suffix=".md") as out:
        steps = commands(name, args, sizes)
        for i, command in enumerate(steps):
            print(f"\n-- {name}: {Path(command[1]).name} {' '.join(command[2:])}", flush=True)
            if i == len(steps) - 1:
                command = [*command, "--markdown", out.name]
            status = subprocess.run(command, cwd=HERE.parent, check=False).returncode
            if status:
                return "", status
        return out.read().strip() + "\n", 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--markdown", help="also append the tables to this file")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small sizes: {QUICK['n']} certificates, {QUICK['rows']} report rows, "
        f"{QUICK['responses']} survey responses",
    )
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    parser.add_argument("--n", type=int, help=f"certificates to issue (default {FULL['n']})")
    parser.add_argument("--rows", type=int, help=f"report rows to export (default {FULL['rows']})")
    parser.add_argument(
        "--responses", type=int, help=f"survey responses, ten answers each (default {FULL['responses']})"
    )
    parser.add_argument(
        "--spawn-worker",
        action="store_true",
        help="certificates: start a worker of one process per core instead of using the running one",
    )
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if not urlsplit(database).scheme.startswith(("postgres", "pgsql")):
        sys.exit(
            "The background benchmarks need PostgreSQL: set DATABASE_URL=postgres://… "
            f"(it is {urlsplit(database).scheme or 'unset'}; COPY and the worker's view of the data need it)."
        )
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit(
            "The background benchmarks need a Celery broker: set CELERY_BROKER_URL=redis://… "
            "(without it tasks run eagerly, in this process, and nothing is measured of the worker)."
        )
    sizes = {key: getattr(args, key) or (QUICK if args.quick else FULL)[key] for key in FULL}
    tables, failed = [], []
    for name in BENCHMARKS:
        if name not in args.only:
            continue
        wait_for_idle_worker(os.environ["CELERY_BROKER_URL"])
        started = time.monotonic()
        text, status = run(name, args, sizes)
        print(
            f"-- {name}: {'done' if not status else f'FAILED (exit {status})'} in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        if status:
            failed.append(name)
            text = f"_Background benchmark “{name}” failed (exit {status}); see the console output._\n"
        tables.append(text)
    text = "\n".join(tables)
    emit(text, args.markdown)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
