"""Load test of a running deployment with locust (headless, used as a library); prints two tables.

    .venv/bin/python bench/load.py --host http://127.0.0.1:8000 --plan plan.json [--users 100]

1. Throughput: each page alone, CLIENTS closed-loop clients with no think time for SECONDS: requests
   per second, p50/p95/p99, errors and SQL queries per request (from the Server-Timing header), and
   the page's throughput as a share of the trivial view's (/robots.txt: the whole stack, no work).
2. Journeys: USERS simulated people with think time browse together for SECONDS (anonymous
   visitors, teachers, curators, school administrators in proportion), per page the same figures.

Only loopback hosts are accepted: this is a bounded local benchmark, not a tool to load others.
bench/run starts the deployment, writes the plan (bench/plan.py) and calls this.
"""

import argparse
import json
import os
import random
import re
import secrets
import sys
import time
from collections import defaultdict
from http.cookiejar import Cookie
from urllib.parse import quote, urlsplit

import gevent
from background import wait_for_idle_worker
from locust import FastHttpUser, between, constant, task
from locust.env import Environment
from table import emit, markdown_table

TIMING = re.compile(r'desc="(\d+) queries"')
PLAN: dict = {}
QUERIES: dict[str, list[int]] = defaultdict(list)
CSRF = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret in cookie and header alike


def count_queries(
    request_type, name, response_time, response_length, response=None, exception=None, **kwargs
):
    header = response.headers.get("Server-Timing", "") if response is not None and response.headers else ""
    match = TIMING.search(header)
    if match:
        QUERIES[name].append(int(match.group(1)))


class Visitor(FastHttpUser):
    """Shared by every journey: GETs must answer 200 (a redirect to the login page is an error)."""

    abstract = True
    wait_time = between(1, 5)
    session_key = ""

    def on_start(self):
        host = urlsplit(self.host).hostname
        jar = self.client.cookiejar
        for name, value in ((PLAN["session_cookie"], self.session_key), ("csrftoken", CSRF)):
            if value:
                jar.set_cookie(
                    Cookie(
                        0,
                        name,
                        value,
                        None,
                        False,
                        host,
                        False,
                        False,
                        "/",
                        True,
                        False,
                        None,
                        False,
                        None,
                        None,
                        {},
                    )
                )

    def page(self, name: str, path: str) -> str:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response.text or ""


class AnonymousVisitor(Visitor):
    weight = 4

    @task(3)
    def catalogue(self):
        page = random.choice(["", "?page=2", "?format=distance", "?level=basic&sort=hours", "?page=5"])
        self.page("catalogue", f"/courses/{page}")

    @task(2)
    def search(self):
        self.page("catalogue search", f"/courses/?q={quote(random.choice(PLAN['searches']))}")

    @task(3)
    def course(self):
        self.page("course page", f"/courses/{random.choice(PLAN['courses'])}/")


class SignedIn(Visitor):
    abstract = True
    people_key = ""

    def on_start(self):
        self.person = random.choice(PLAN[self.people_key])
        self.session_key = self.person["session"]
        super().on_start()


class Teacher(SignedIn):
    weight = 4
    people_key = "teachers"

    @task(2)
    def cabinet(self):
        self.page("teacher cabinet", "/cabinet/")

    @task(3)
    def player(self):
        self.course_player()
        self.lesson()

    def course_player(self):
        self.page("course player", f"/learn/my/{self.person['enrollment']}/")

    def lesson(self):
        enrollment = self.person["enrollment"]
        self.page("lesson", f"/learn/my/{enrollment}/lesson/{random.choice(self.person['lessons'])}/")

    @task(3)
    def forum_topic(self):
        self.page("forum topic", f"/communities/t/{random.choice(self.person['topics'])}/")

    @task(1)
    def forum_reply(self):
        topic = random.choice(self.person["topics"])
        with self.client.post(
            f"/communities/t/{topic}/reply/",
            name="forum reply (POST)",
            allow_redirects=False,
            catch_response=True,
            data={"body": "Спасибо, коллеги! Попробую на следующей неделе и расскажу, что получилось."},
            headers={"X-CSRFToken": CSRF, "Referer": f"{self.host}/communities/t/{topic}/"},
        ) as response:
            if response.status_code != 302 or "#post-" not in response.headers.get("Location", ""):
                response.failure(f"HTTP {response.status_code}, not posted")


class Curator(SignedIn):
    weight = 1
    people_key = "curators"

    @task
    def review_queue(self):
        self.page("curator review queue", "/learn/reviews/")


class SchoolAdmin(SignedIn):
    weight = 1
    people_key = "school_admins"

    @task(2)
    def report(self):
        self.page("school report", "/reports/")

    @task(1)
    def teachers(self):
        self.page("school teachers report", "/reports/teachers/")


# One page per entry for the throughput table: (page, journey class, task).
SOLO_PAGES = [
    ("catalogue", AnonymousVisitor, AnonymousVisitor.catalogue),
    ("catalogue search", AnonymousVisitor, AnonymousVisitor.search),
    ("course page", AnonymousVisitor, AnonymousVisitor.course),
    ("teacher cabinet", Teacher, Teacher.cabinet),
    ("course player", Teacher, Teacher.course_player),
    ("lesson", Teacher, Teacher.lesson),
    ("forum topic", Teacher, Teacher.forum_topic),
    ("curator review queue", Curator, Curator.review_queue),
    ("school report", SchoolAdmin, SchoolAdmin.report),
    ("forum reply (POST)", Teacher, Teacher.forum_reply),  # last: its notifications keep the worker busy
]


def trivial(user):
    user.page("trivial view (robots.txt)", "/robots.txt")


def run(
    host: str, user_classes: list, users: int, seconds: float, spawn_rate: float, warmup: float
) -> Environment:
    """Spawn the users, let them warm up (each gunicorn worker compiles templates on first use), measure."""
    env = Environment(user_classes=user_classes, host=host)
    env.events.request.add_listener(count_queries)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    runner.spawning_greenlet.join()
    gevent.sleep(warmup)
    env.stats.reset_all()
    QUERIES.clear()
    started = time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started
    runner.quit()
    env.elapsed = elapsed
    return env


def solo(base: type, fn, name: str) -> type:
    """A user class that does one thing over and over with no think time."""
    cls = type(
        f"Solo{base.__name__}", (base,), {"wait_time": constant(0), "weight": 1, "__module__": __name__}
    )
    cls.tasks = [fn]  # after creation: locust's metaclass would add the base class's tasks
    return cls


def rows(env: Environment) -> list[dict]:
    out = []
    for (name, _method), entry in sorted(env.stats.entries.items()):
        if not entry.num_requests:
            continue
        queries = QUERIES.get(name, [])
        out.append(
            {
                "name": name,
                "rate": entry.num_requests / env.elapsed,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "errors": entry.num_failures,
                "count": entry.num_requests,
                "queries": f"{min(queries)}–{max(queries)}"
                if queries and min(queries) != max(queries)
                else (str(queries[0]) if queries else "–"),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument(
        "--users",
        default="100",
        help="simulated people in the journey phase (≤ 500); a list such as 50,100 runs each",
    )
    parser.add_argument(
        "--clients", type=int, default=8, help="closed-loop clients per page in the throughput phase"
    )
    parser.add_argument(
        "--seconds", type=float, default=20, help="measured seconds per page / for the journeys"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=10,
        help="unmeasured seconds before each measurement (steady state: warm caches, compiled templates)",
    )
    parser.add_argument(
        "--pages", help="only the throughput pages whose names contain one of these (comma-separated)"
    )
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-journeys", action="store_true")
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()
    if urlsplit(args.host).hostname not in {"127.0.0.1", "localhost", "::1"}:
        sys.exit("bench/load.py only loads a deployment on this machine (127.0.0.1).")
    crowds = [max(1, min(int(n), 500)) for n in str(args.users).split(",")]
    clients = max(1, min(args.clients, 64))
    PLAN.update(json.loads(open(args.plan).read()))
    out = []

    if not args.skip_throughput:
        measured = []
        ceiling_env = run(
            args.host,
            [solo(AnonymousVisitor, trivial, "trivial")],
            clients,
            args.seconds,
            clients,
            args.warmup,
        )
        ceiling = next(r for r in rows(ceiling_env) if r["name"].startswith("trivial"))
        measured.append(ceiling)
        print(f"  trivial view: {ceiling['rate']:.0f} req/s", flush=True)
        for name, base, fn in SOLO_PAGES:
            if args.pages and not any(part in name for part in args.pages.split(",")):
                continue
            env = run(args.host, [solo(base, fn, name)], clients, args.seconds, clients, args.warmup)
            for row in rows(env):
                measured.append(row)
                print(
                    f"  {row['name']}: {row['rate']:.0f} req/s, p95 {row['p95']:.0f} ms, {row['errors']} errors",
                    flush=True,
                )
        out.append(
            markdown_table(
                f"Throughput: each page alone, {clients} clients without think time, {args.seconds:g} s",
                measured,
                ceiling=ceiling["rate"],
            )
        )

    for users in [] if args.skip_journeys else crowds:
        if os.environ.get("CELERY_BROKER_URL"):
            wait_for_idle_worker(os.environ["CELERY_BROKER_URL"])
        env = run(
            args.host,
            [AnonymousVisitor, Teacher, Curator, SchoolAdmin],
            users,
            args.seconds,
            max(1, users / 10),
            args.warmup,
        )
        out.append(
            markdown_table(
                f"Journeys: {users} simulated people with think time 1–5 s, {args.seconds:g} s", rows(env)
            )
        )
    text = "\n".join(out)
    emit(text, args.markdown)


if __name__ == "__main__":
    main()
