"""Profile one page with pyinstrument: where its time goes, per function, over N requests.

    DATABASE_URL=postgres://app:app@127.0.0.1:55433/app .venv/bin/python bench/profile_page.py /courses/
    ... bench/profile_page.py /cabinet/ --as teacher0@scale.pdplatform.local --repeat 20 [--html out.html]

Runs in-process through Django's test client (the whole middleware chain, no network) with DEBUG off,
after two warm-up requests. Prints the time per request, the SQL queries per request and the call tree.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pdplatform.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from accounts.models import User  # noqa: E402
from pdplatform.middleware import QueryCounter  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path")
    parser.add_argument("--as", dest="email", help="signed in as this user (anonymous otherwise)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    args = parser.parse_args()
    client = Client()
    if args.email:
        client.force_login(User.objects.get(email=args.email))
    for _ in range(2):
        status = client.get(args.path).status_code
        if status != 200:
            sys.exit(f"{args.path} answered {status}")
    queries = QueryCounter()  # (each request resets Django's own query log, so count with a wrapper)
    with connection.execute_wrapper(queries):
        client.get(args.path)
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.repeat):
            client.get(args.path)
    per_request = (time.perf_counter() - started) / args.repeat * 1000
    print(f"{args.path}: {per_request:.1f} ms per request (profiled), {queries.count} SQL queries")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        Path(args.html).write_text(profiler.output_html())


if __name__ == "__main__":
    main()
