"""Free seats are counted by one function for the pages, the API and enrolment (cohorts.selectors.seats_free).

Attacks: a page that promises "2 seats left" while held waitlist offers or another school's quota
already take them, and enrolment then puts the teacher on the waitlist.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import selectors
from cohorts.models import Enrollment
from cohorts.services import enrollment_enrol
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, SeatQuotaFactory
from tests.factories import SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db
S = Enrollment.State


def _with_held_offers(*, capacity=4, enrolled=2, offers=2):
    cohort = CohortFactory(capacity=capacity, title="Поток весна")
    for _ in range(enrolled):
        EnrollmentFactory(cohort=cohort)
    for _ in range(offers):
        EnrollmentFactory(
            cohort=cohort,
            state=S.WAITLISTED,
            enrolled_at=None,
            offer_expires_at=timezone.now() + timedelta(hours=24),
        )
    return cohort


def _with_foreign_quota():
    """Two seats left, both reserved for another school until next week."""
    cohort = CohortFactory(capacity=2, title="Поток весна")
    SeatQuotaFactory(cohort=cohort, school=SchoolFactory(), seats=2)
    return cohort


def _course_page(client, cohort, teacher):
    client.force_login(teacher)
    response = client.get(reverse("courses:detail", args=[cohort.course.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_held_offers_take_seats_on_the_course_page_and_enrolment_agrees(client):
    cohort = _with_held_offers()
    teacher = TeacherFactory()
    body = _course_page(client, cohort, teacher)
    assert "0 seats left" in body and "2 seats left" not in body
    assert "Join the waitlist" in body
    assert enrollment_enrol(cohort=cohort, teacher=teacher).state == S.WAITLISTED


def test_an_expired_offer_holds_no_seat_anywhere():
    cohort = _with_held_offers(offers=0)
    EnrollmentFactory(
        cohort=cohort,
        state=S.WAITLISTED,
        enrolled_at=None,
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )
    teacher = TeacherFactory()
    assert selectors.seats_free(cohorts=[cohort], teacher=teacher) == {cohort.pk: 2}


def test_another_schools_quota_takes_the_seats_on_the_course_page_and_enrolment_agrees(client):
    cohort = _with_foreign_quota()
    teacher = TeacherFactory()
    body = _course_page(client, cohort, teacher)
    assert "0 seats left" in body and "2 seats left" not in body
    assert "Join the waitlist" in body
    assert enrollment_enrol(cohort=cohort, teacher=teacher).state == S.WAITLISTED


def test_the_quota_school_sees_its_reserved_seats_and_gets_one(client):
    cohort = CohortFactory(capacity=2)
    school = SchoolFactory()
    SeatQuotaFactory(cohort=cohort, school=school, seats=2)
    teacher = TeacherFactory(school=school)
    assert "2 seats left" in _course_page(client, cohort, teacher)
    assert enrollment_enrol(cohort=cohort, teacher=teacher).state == S.ENROLLED


def test_a_municipality_quota_covers_its_schools_teachers():
    cohort = CohortFactory(capacity=3)
    inside = TeacherFactory()
    SeatQuotaFactory(cohort=cohort, municipality=inside.school.municipality, seats=2)
    EnrollmentFactory(cohort=cohort, teacher=TeacherFactory(school=inside.school))  # one quota seat used
    outside = TeacherFactory()
    assert selectors.seats_free(cohorts=[cohort], teacher=inside) == {cohort.pk: 2}
    assert selectors.seats_free(cohorts=[cohort], teacher=outside) == {cohort.pk: 1}
    assert selectors.seats_free(cohorts=[cohort], teacher=None) == {cohort.pk: 1}


def test_a_released_quota_frees_its_seats_for_everyone():
    cohort = CohortFactory(capacity=2)
    SeatQuotaFactory(
        cohort=cohort, school=SchoolFactory(), seats=2, release_at=timezone.now() - timedelta(minutes=1)
    )
    assert selectors.seats_free(cohorts=[cohort], teacher=TeacherFactory()) == {cohort.pk: 2}


def test_the_api_shows_the_seats_enrolment_would_give(client):
    cohort = _with_foreign_quota()
    client.force_login(TeacherFactory())
    response = client.get("/api/v1/cohorts/", {"course": cohort.course_id})
    assert response.status_code == 200
    assert [(row["id"], row["seats_left"]) for row in response.json()["results"]] == [(cohort.pk, 0)]
    detail = client.get(f"/api/v1/cohorts/{cohort.pk}/")
    assert detail.json()["seats_left"] == 0


def test_the_enrol_page_warns_of_the_waitlist_when_a_quota_takes_the_seats(client):
    cohort = _with_foreign_quota()
    client.force_login(TeacherFactory())
    body = client.get(reverse("cohorts:enrol", args=[cohort.pk])).content.decode()
    assert "The cohort is full. You will join the waitlist" in body


@pytest.mark.parametrize("cohorts", [1, 6])
def test_seats_are_counted_in_constant_queries(django_assert_num_queries, cohorts):
    school = SchoolFactory()
    teacher = TeacherFactory(school=school)
    teacher = type(teacher).objects.select_related("school").get(pk=teacher.pk)
    rows = []
    for _ in range(cohorts):
        cohort = _with_held_offers(capacity=5, enrolled=1, offers=1)
        SeatQuotaFactory(cohort=cohort, school=school, seats=1)
        SeatQuotaFactory(cohort=cohort, school=SchoolFactory(), seats=2)
        rows.append(cohort)
    with django_assert_num_queries(2):
        free = selectors.seats_free(cohorts=rows, teacher=teacher)
    assert free == {cohort.pk: 1 for cohort in rows}
