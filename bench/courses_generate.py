"""Generate 10,000 published courses (with modules, lessons and assignments) for catalogue benchmarks.

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_catalogue .venv/bin/python bench/courses_generate.py
    ... bench/courses_generate.py --count 10000 --drop   # remove the bench courses first

Rows go in with bulk_create in batches; search vectors are then computed in one SQL statement.
Bench courses have slugs starting with "bench-"; running again tops up to --count.
"""

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pdplatform.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Subject  # noqa: E402
from courses.models import Assignment, Competency, Course, Lesson, Module  # noqa: E402
from courses.search import refresh_search_vectors  # noqa: E402

TOPICS_RU = [
    "Формирующее оценивание",
    "Цифровая грамотность",
    "Инклюзивное образование",
    "Проектный метод",
    "Функциональная грамотность",
    "Профилактика выгорания",
    "Работа с родителями",
    "Наставничество",
    "Смысловое чтение",
    "Обновлённые ФГОС",
    "Управление классом",
    "Одарённые дети",
]
TOPICS_EN = [
    "Formative assessment",
    "Digital literacy",
    "Inclusive classrooms",
    "Project-based learning",
    "Teacher wellbeing",
    "Mentoring new teachers",
    "Reading across the curriculum",
    "Classroom management",
]
ANGLES_RU = [
    "для начальной школы",
    "на уроках математики",
    "в 5–9 классах",
    "для классных руководителей",
    "в сельской школе",
    "для молодых учителей",
    "на практике",
    ": углублённый курс",
]
ANGLES_EN = [
    "in primary school",
    "for maths teachers",
    "in lower secondary",
    "for class teachers",
    "in rural schools",
    "for new teachers",
    "in practice",
    ": advanced",
]
LESSON_RU = [
    "Введение",
    "Разбор урока",
    "Практикум",
    "Круглый стол",
    "Мастер-класс",
    "Вебинар с экспертом",
    "Итоги",
]
LESSON_EN = [
    "Introduction",
    "Lesson walkthrough",
    "Practicum",
    "Round table",
    "Master class",
    "Expert webinar",
    "Wrap-up",
]
KINDS = [k for k, _ in Lesson.Kind.choices]
FORMATS = [f for f, _ in Course.Format.choices]
LEVELS = [lv for lv, _ in Course.Level.choices]
BATCH = 1000


def generate(count: int, seed: int = 10_000) -> int:
    rng = random.Random(seed)
    existing = Course.objects.filter(slug__startswith="bench-").count()
    competencies = list(Competency.objects.values_list("pk", flat=True))
    subjects = list(Subject.objects.values_list("pk", flat=True))
    now = timezone.now()
    made = 0
    for start in range(existing, count, BATCH):
        stop = min(start + BATCH, count)
        with transaction.atomic():
            courses = []
            for i in range(start, stop):
                english = i % 3 == 0
                topic = rng.choice(TOPICS_EN if english else TOPICS_RU)
                angle = rng.choice(ANGLES_EN if english else ANGLES_RU)
                courses.append(
                    Course(
                        title=f"{topic} {angle} #{i}",
                        slug=f"bench-{i}",
                        summary=f"{topic} {angle}: practical techniques, cases and feedback from a curator.",
                        description=(f"{topic}. " * 5) + f"Course number {i} for the load benchmark.",
                        format=rng.choice(FORMATS),
                        level=rng.choice(LEVELS),
                        hours=rng.choice([8, 16, 18, 24, 36, 72]),
                        status=Course.Status.PUBLISHED,
                        published_at=now - timezone.timedelta(minutes=i),
                    )
                )
            Course.objects.bulk_create(courses)
            courses = list(Course.objects.filter(slug__in=[c.slug for c in courses]).only("pk", "title"))
            modules = [
                Module(course=c, title=f"Module {m + 1}", position=m + 1) for c in courses for m in range(3)
            ]
            Module.objects.bulk_create(modules)
            modules = list(Module.objects.filter(course__in=courses).only("pk", "course_id"))
            lessons, assignments = [], []
            for module in modules:
                names = LESSON_EN if module.course_id % 3 == 0 else LESSON_RU
                for pos in range(1, 4):
                    lessons.append(
                        Lesson(
                            module=module,
                            title=f"{rng.choice(names)} {pos}",
                            position=pos,
                            kind=rng.choice(KINDS),
                            hours=Decimal(2),
                        )
                    )
                assignments.append(Assignment(module=module, title="Task", instructions="Do it.", position=1))
            Lesson.objects.bulk_create(lessons, batch_size=5000)
            Assignment.objects.bulk_create(assignments, batch_size=5000)
            through_c = Course.competencies.through
            through_s = Course.subjects.through
            if competencies:
                through_c.objects.bulk_create(
                    [
                        through_c(course_id=c.pk, competency_id=pk)
                        for c in courses
                        for pk in rng.sample(competencies, 2)
                    ],
                    ignore_conflicts=True,
                )
            if subjects:
                through_s.objects.bulk_create(
                    [through_s(course_id=c.pk, subject_id=rng.choice(subjects)) for c in courses],
                    ignore_conflicts=True,
                )
            refresh_search_vectors([c.pk for c in courses])
        made += stop - start
        print(f"  {stop}/{count} courses", flush=True)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--drop", action="store_true", help="delete bench courses first")
    args = parser.parse_args()
    if args.drop:
        deleted = Course.objects.filter(slug__startswith="bench-").delete()[0]
        print(f"deleted {deleted} rows")
    started = time.perf_counter()
    made = generate(args.count)
    elapsed = time.perf_counter() - started
    total = Course.objects.filter(slug__startswith="bench-").count()
    print(
        f"created {made} courses in {elapsed:.1f} s; bench courses now: {total}; "
        f"lessons in total: {Lesson.objects.count()}"
    )


if __name__ == "__main__":
    main()
