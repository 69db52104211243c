"""Exports stream: the memory peak while consuming the response does not grow with the number of rows."""

import tracemalloc

import pytest

from accounts.models import User
from cohorts.models import Enrollment

pytestmark = pytest.mark.django_db


def _add_enrollments(world, n: int, start: int) -> None:
    users = User.objects.bulk_create(
        User(
            email=f"bulk{start + i}@example.org",
            full_name=f"Bulk teacher {start + i:06d}",
            school=world["school_a"],
        )
        for i in range(n)
    )
    Enrollment.objects.bulk_create(
        Enrollment(teacher=u, cohort=world["cohort"], state="enrolled") for u in users
    )


def _peak_while_consuming(client, url) -> tuple[int, int]:
    response = client.get(url)
    assert response.status_code == 200
    tracemalloc.start()
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_peak_memory_is_bounded_as_rows_grow(client, world, fmt):
    client.force_login(world["admin_a"])
    _add_enrollments(world, 1000, 0)
    small_peak, small_size = _peak_while_consuming(client, f"/reports/export.{fmt}")
    _add_enrollments(world, 3000, 1000)
    big_peak, big_size = _peak_while_consuming(client, f"/reports/export.{fmt}")
    assert big_size > 2.5 * small_size
    # Four times the rows, nowhere near four times the memory: rows go out in chunks.
    assert big_peak < 1.6 * small_peak + 2_000_000, (small_peak, big_peak)
    assert big_peak < 8_000_000, big_peak  # one chunk of rows (2,000) in memory at a time
