"""Forum search timings on PostgreSQL: the stored, GIN-indexed vector (decision 0371) against the old
on-the-fly 'simple' vector, on a generated forum (default 100,000 posts in 5,000 topics).

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_bench_forum .venv/bin/python bench/communities_search.py
    ... --posts 100000 --repeat 20

Needs a migrated, disposable database: it adds one community "bench-forum" (kept for the next run when it
already holds the asked number of posts). Prints median and p95 per query; nothing here asserts a time.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pdplatform.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from communities import selectors  # noqa: E402
from communities.models import Community, Post, Topic  # noqa: E402
from communities.search import refresh_search_vectors  # noqa: E402

WORDS = (
    "учитель учителя учителей оценивание оцениванию урок уроки проект проектная деятельность класс дети "
    "родители домашнее задание диктант сочинение вчитель вчителів оцінювання урок діти батьки школа "
    "математика дроби задачи чтение методика выгорание аттестация портфолио экскурсия музей"
).split()
QUERIES = [
    "учителя",
    "оцениванию",
    "проектная деятельность",
    "вчителям",
    "аттестация портфолио",
    "редкоеслово",
]

OLD_SQL = """
SELECT p.id FROM communities_post p JOIN communities_topic t ON t.id = p.topic_id
WHERE (setweight(to_tsvector('simple', translate(t.title, 'Ёё', 'Ее')), 'A')
    || setweight(to_tsvector('simple', translate(p.body, 'Ёё', 'Ее')), 'B')) @@ websearch_to_tsquery('simple', %s)
ORDER BY p.created_at DESC LIMIT 20
"""


def build(posts: int) -> Community:
    author = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="bench-forum@example.org", full_name="Bench"
    )
    club, _ = Community.objects.get_or_create(slug="bench-forum", defaults={"name": "Bench forum"})
    if Post.objects.filter(topic__community=club).count() == posts:
        return club
    Topic.objects.filter(community=club).delete()
    per_topic = 20
    now = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(
            community=club,
            title=" ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(4)),
            author=author,
            last_post_at=now,
            post_count=per_topic,
        )
        for i in range(posts // per_topic)
    )
    batch = []
    for ti, topic in enumerate(topics):
        for n in range(1, per_topic + 1):
            i = ti * per_topic + n
            body = " ".join(WORDS[(i * 13 + k * 5) % len(WORDS)] for k in range(30))
            batch.append(Post(topic=topic, number=n, author=author, body=body, body_html=body))
        if len(batch) >= 5000:
            Post.objects.bulk_create(batch)
            batch = []
    Post.objects.bulk_create(batch)
    refresh_search_vectors(topic_ids=[t.pk for t in topics])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE communities_post")
    return club


def timed(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    return statistics.median(runs), runs[int(len(runs) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: the SQLite fallback is a substring scan.")
    build(args.posts)
    reader = User.objects.filter(is_superuser=True).first()
    print(f"{args.posts} posts; ms per query (median / p95), {args.repeat} runs each")
    print(f"{'query':28} {'stored vector + GIN':>22} {'old on-the-fly simple':>22}")
    for query in QUERIES:
        new = timed(lambda q=query: selectors.post_search(reader, query=q), args.repeat)

        def old(q=query):
            with connection.cursor() as cursor:
                cursor.execute(OLD_SQL, [q])
                cursor.fetchall()

        before = timed(old, max(3, args.repeat // 5))
        print(f"{query:28} {new[0]:10.1f} / {new[1]:8.1f} {before[0]:10.1f} / {before[1]:8.1f}")


if __name__ == "__main__":
    main()
