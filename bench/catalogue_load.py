"""Catalogue and search throughput against gunicorn on PostgreSQL (run bench/courses_generate.py first).

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_catalogue .venv/bin/python bench/catalogue_load.py
    ... --workers 4 --threads 8 --seconds 10

Starts gunicorn on a free loopback port, then for each scenario runs a fixed number of client threads
(keep-alive HTTP on 127.0.0.1 only) for a fixed time and prints requests per second and latency
percentiles. Stops gunicorn at the end. A benchmark prints figures; nothing here asserts a time.
"""

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [
    ("catalogue, page 1", "/courses/"),
    ("catalogue, page 200", "/courses/?page=200"),
    ("catalogue, 3 filters", "/courses/?format=blended&level=basic&hours_min=16&hours_max=36"),
    ("catalogue, sort by hours", "/courses/?sort=hours&page=3"),
    ("search ru (stemmed)", "/courses/?q=%D0%BE%D1%86%D0%B5%D0%BD%D0%B8%D0%B2%D0%B0%D0%BD%D0%B8%D1%8F"),
    ("search en + filter", "/courses/?q=teachers+wellbeing&format=distance"),
    (
        "search, rare word",
        "/courses/?q=%D0%BD%D0%B0%D1%81%D1%82%D0%B0%D0%B2%D0%BD%D0%B8%D1%87%D0%B5%D1%81%D1%82%D0%B2%D0%BE+%D1%81%D0%B5%D0%BB%D1%8C%D1%81%D0%BA%D0%BE%D0%B9",
    ),
    ("course page", "/courses/bench-42/"),
    ("API list", "/api/v1/courses/?format=distance"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/courses/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /courses/ in time")


def run_scenario(port: int, path: str, threads: int, seconds: float) -> tuple[int, int, list[float]]:
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Connection": "keep-alive"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return len(latencies), errors[0], latencies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="client threads (bounded, loopback only)")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database with the bench courses (bench/courses_generate.py)."
        )
    args.threads = max(1, min(args.threads, 64))

    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    env = {**os.environ, "DJANGO_DEBUG": "false", "DATABASE_CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR"}
    log = (ROOT / ".bench-gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            gunicorn,
            "pdplatform.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "2",
            "--keep-alive",
            "10",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_ready(port)
        print(
            f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; {args.threads} client threads, "
            f"{args.seconds:g} s per scenario"
        )
        print(f"{'scenario':<28}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
        for name, path in SCENARIOS:
            run_scenario(port, path, min(2, args.threads), 1)  # warm-up
            count, errors, latencies = run_scenario(port, path, args.threads, args.seconds)
            latencies.sort()
            p50 = statistics.median(latencies) * 1000 if latencies else 0
            p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0
            print(f"{name:<28}{count / args.seconds:>9.1f}{p50:>9.1f}{p95:>9.1f}{errors:>8}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


if __name__ == "__main__":
    main()
