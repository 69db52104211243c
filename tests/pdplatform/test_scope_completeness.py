"""The page cache cannot silently go stale: every model whose table a cached page reads is declared in
its app's scopes.py (core.caching.scopes_declare) or is on LAG_ACCEPTED with the reason; and saves that
change nothing a page shows (a login) renew nothing."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import update_last_login
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.caching import DECLARED, scope_token
from tests.cohorts.factories import (
    AssignmentFactory,
    CohortFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
)
from tests.factories import CuratorFactory, SchoolAdminFactory, TeacherFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_cache_backends")]

# Models a cached page reads whose changes may show late (at most PERSONAL_PAGE_CACHE_SECONDS), and why.
LAG_ACCEPTED = {
    # the worker issues thousands in a batch; pages link a certificate from the completed enrollment
    "cohorts.Certificate": "issued in batches; the page shows it from the enrollment's completion",
    # who may see what is read on every request outside the cached fragment; roles change rarely, by staff
    "auth.Group": "roles are checked outside the cached content on every request",
    "sessions.Session": "the request's session, never part of the cached content",
    "contenttypes.ContentType": "static after migrate",
    "notifications.Notification": "the unread badge is read outside the cached content on every request",
}

TABLE = re.compile(r'(?:FROM|JOIN)\s+"?([a-z0-9_]+)"?', re.I)


def _models_of(sql_list) -> set[str]:
    by_table = {
        model._meta.db_table: model._meta.label for model in apps.get_models(include_auto_created=True)
    }
    tables = {table for sql in sql_list for table in TABLE.findall(sql)}
    return {by_table[table] for table in tables if table in by_table}


@pytest.fixture
def pages():
    curator = CuratorFactory()
    module = ModuleFactory()
    lessons = LessonFactory.create_batch(2, module=module)
    AssignmentFactory(module=module)
    cohort = CohortFactory(
        course=module.course, curators=[curator], starts_on=timezone.localdate() - timedelta(days=3)
    )
    teacher = TeacherFactory()
    enrollment = EnrollmentFactory(cohort=cohort, teacher=teacher)
    admin = SchoolAdminFactory(school=teacher.school)
    return [
        (teacher, reverse("cabinet")),
        (teacher, reverse("cohorts:player", args=[enrollment.pk])),
        (teacher, reverse("cohorts:lesson", args=[enrollment.pk, lessons[0].pk])),
        (curator, reverse("cohorts:review_queue")),
        (admin, reverse("reports:home")),
        (admin, reverse("reports:teachers")),
    ]


def test_every_model_a_cached_page_reads_is_declared_or_accepted_to_lag(pages):
    read = set()
    for user, url in pages:
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        read |= _models_of(query["sql"] for query in ctx.captured_queries)
    undeclared = sorted(read - set(DECLARED) - set(LAG_ACCEPTED))
    assert undeclared == [], undeclared
    assert "cohorts.Enrollment" in read  # the probe really sees what the pages read


def test_a_login_renews_no_school_or_region_token():
    teacher = TeacherFactory()
    scopes = (
        "region",
        f"school:{teacher.school_id}",
        f"municipality:{teacher.school.municipality_id}",
        f"person:{teacher.pk}",
    )
    before = scope_token(*scopes)
    update_last_login(None, teacher)  # what every login does
    assert scope_token(*scopes) == before
    Client().login(username=teacher.email, password="x")  # a failed login changes nothing either
    assert scope_token(*scopes) == before


def test_a_profile_change_still_renews_the_school_token():
    teacher = TeacherFactory()
    before = scope_token(f"school:{teacher.school_id}")
    teacher.full_name = "Ирина Новикова"
    teacher.save(update_fields=["full_name"])
    assert scope_token(f"school:{teacher.school_id}") != before
