"""Write the load test's plan: which pages to visit and signed-in sessions for sample people (JSON).

    .venv/bin/python bench/plan.py plan.json [--people 200]

Reads the scale data set (manage.py seed_scale) from DATABASE_URL. Sessions are created in the
session store as a login would create them, so the load test measures pages, not password hashing
(a login costs ~0.3 s of CPU by design). Run by bench/run; the web server must share SECRET_KEY.
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pdplatform.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from accounts.models import User  # noqa: E402
from cohorts.models import Cohort, Enrollment  # noqa: E402
from communities.models import Membership, Topic  # noqa: E402
from courses.models import Course, Lesson  # noqa: E402
from pdplatform.management.commands.seed_scale import DOMAIN  # noqa: E402

SEARCHES = [
    "оценивание",
    "цифровая грамотность",
    "проектный метод",
    "наставничество",
    "classroom management",
    "выгорания",
    "формувальне оцінювання",
    "инклюзивное",
]


def session_for(user: User) -> str:
    """A session exactly like django.contrib.auth.login() leaves behind."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def teachers(count: int) -> list[dict]:
    running = Cohort.objects.filter(course__slug__startswith="scale-", starts_on__lte=timezone.localdate())
    enrollments = list(
        Enrollment.objects.filter(cohort__in=running, state=Enrollment.State.ENROLLED)
        .select_related("teacher", "cohort")
        .order_by("?")[:count]
    )
    people = []
    for enrollment in enrollments:
        lessons = list(
            Lesson.objects.filter(module__course_id=enrollment.cohort.course_id).values_list("pk", flat=True)
        )
        open_communities = Membership.objects.filter(
            user=enrollment.teacher, community__is_closed=False
        ).values("community_id")
        topics = list(
            Topic.objects.filter(community_id__in=open_communities, is_hidden=False, is_locked=False)
            .order_by("?")
            .values_list("pk", flat=True)[:5]
        )
        if not topics:
            continue
        people.append(
            {
                "email": enrollment.teacher.email,
                "session": session_for(enrollment.teacher),
                "enrollment": enrollment.pk,
                "lessons": lessons,
                "topics": topics,
            }
        )
    return people


def staff(prefix: str, count: int) -> list[dict]:
    users = User.objects.filter(email__startswith=prefix, email__endswith=f"@{DOMAIN}").order_by("?")[:count]
    return [{"email": u.email, "session": session_for(u)} for u in users]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out")
    parser.add_argument("--people", type=int, default=200, help="sample teachers (staff: a quarter of it)")
    args = parser.parse_args()
    courses = list(
        Course.objects.filter(slug__startswith="scale-", status=Course.Status.PUBLISHED)
        .order_by("?")
        .values_list("slug", flat=True)[:500]
    )
    if not courses:
        sys.exit("No scale data here: run `manage.py seed_scale` first.")
    plan = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "courses": courses,
        "searches": SEARCHES,
        "teachers": teachers(args.people),
        "curators": staff("curator", max(1, args.people // 4)),
        "school_admins": staff("schooladmin", max(1, args.people // 4)),
    }
    Path(args.out).write_text(json.dumps(plan))
    print(
        f"plan: {len(plan['teachers'])} teachers, {len(plan['curators'])} curators, "
        f"{len(plan['school_admins'])} school administrators, {len(courses)} courses -> {args.out}"
    )


if __name__ == "__main__":
    main()
