"""Capacity is never exceeded under concurrent enrolments (row lock on the cohort, PostgreSQL)."""

import threading

import pytest
from django.db import connection

from cohorts.models import Enrollment
from cohorts.services import enrollment_enrol
from tests.conftest import requires_postgres
from tests.factories import TeacherFactory

from .factories import CohortFactory

pytestmark = [requires_postgres(), pytest.mark.django_db(transaction=True)]


def test_parallel_enrolments_never_exceed_capacity():
    cohort = CohortFactory(capacity=3)
    teachers = TeacherFactory.create_batch(10)
    barrier = threading.Barrier(len(teachers))
    errors = []

    def enrol(teacher):
        try:
            barrier.wait(timeout=30)
            enrollment_enrol(cohort=cohort, teacher=teacher)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(t,)) for t in teachers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    states = list(Enrollment.objects.filter(cohort=cohort).values_list("state", flat=True))
    assert sorted(states) == ["enrolled"] * 3 + ["waitlisted"] * 7


def test_parallel_double_enrolment_of_one_teacher_creates_one_row():
    cohort = CohortFactory(capacity=5)
    teacher = TeacherFactory()
    barrier = threading.Barrier(4)
    outcomes = []

    def enrol():
        try:
            barrier.wait(timeout=30)
            enrollment_enrol(cohort=cohort, teacher=teacher)
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["CohortError"] * 3 + ["ok"]
    assert Enrollment.objects.filter(cohort=cohort).count() == 1
