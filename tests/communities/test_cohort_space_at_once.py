"""The cohort's space follows the cohort in the same transaction (communities item 7): nobody waits for
the periodic sync to read their cohort's discussion, and nobody keeps reading it after leaving."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Cohort
from cohorts.services import enrollment_enrol, enrollment_withdraw
from communities.models import Community, Membership
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, LessonFactory
from tests.courses.factories import CourseFactory
from tests.factories import CuratorFactory, TeacherFactory

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_opening_a_cohort_creates_its_space_inside_that_transaction():
    curator = CuratorFactory()
    cohort = CohortFactory(status=Cohort.Status.DRAFT, curators=[curator])
    assert Community.objects.filter(cohort=cohort).count() == 0  # a draft has no space
    with pytest.raises(Rollback), transaction.atomic():
        cohort.status = Cohort.Status.OPEN
        cohort.save()
        space = Community.objects.get(cohort=cohort)
        assert dict(Membership.objects.filter(community=space).values_list("user_id", "role")) == {
            curator.pk: "moderator"
        }
        raise Rollback
    assert Community.objects.filter(cohort=cohort).count() == 0  # rolled back with the opening
    cohort.status = Cohort.Status.OPEN
    cohort.save()
    assert Community.objects.filter(cohort=cohort).count() == 1


def test_an_enrolled_teacher_reads_the_space_at_once_and_loses_it_on_withdrawal(client):
    cohort = CohortFactory(self_enrollment=True)
    teacher = TeacherFactory()
    enrollment = enrollment_enrol(cohort=cohort, teacher=teacher)
    space = Community.objects.get(cohort=cohort)
    client.force_login(teacher)
    assert client.get(reverse("communities:detail", args=[space.slug])).status_code == 200
    enrollment_withdraw(enrollment=enrollment, actor=teacher)
    # The attack: keep reading the cohort's discussion after leaving it.
    assert client.get(reverse("communities:topic_create", args=[space.slug])).status_code == 404
    assert Membership.objects.filter(community=space, user=teacher).count() == 0


def test_a_curator_added_moderates_at_once_and_removed_leaves():
    cohort = CohortFactory()
    EnrollmentFactory(cohort=cohort)
    curator = CuratorFactory()
    cohort.curators.add(curator)
    space = Community.objects.get(cohort=cohort)
    assert Membership.objects.get(community=space, user=curator).role == "moderator"
    cohort.curators.remove(curator)
    assert Membership.objects.filter(community=space, user=curator).count() == 0


def test_the_space_speaks_the_cohort_language():
    cohort = CohortFactory(course=CourseFactory(language="uk"), title="Потік 3")
    EnrollmentFactory(cohort=cohort)
    assert Community.objects.get(cohort=cohort).description == "Простір для обговорення потоку «Потік 3»."


def test_the_player_lesson_and_course_page_link_members_only(client):
    cohort = CohortFactory()
    lesson = LessonFactory(module__course=cohort.course)
    enrollment = EnrollmentFactory(cohort=cohort, state="enrolled")
    space = Community.objects.get(cohort=cohort)
    link = f'href="{reverse("communities:detail", args=[space.slug])}"'
    client.force_login(enrollment.teacher)
    for url in (
        reverse("cohorts:player", args=[enrollment.pk]),
        reverse("cohorts:lesson", args=[enrollment.pk, lesson.pk]),
        reverse("courses:detail", args=[cohort.course.slug]),
    ):
        assert link in client.get(url).content.decode(), url
    outsider = TeacherFactory()
    client.force_login(outsider)
    assert link not in client.get(reverse("courses:detail", args=[cohort.course.slug])).content.decode()


def test_a_save_that_leaves_the_state_does_not_touch_the_space():
    enrollment = EnrollmentFactory()
    with CaptureQueriesContext(connection) as captured:
        enrollment.save(update_fields=["offer_expires_at"])
    tables = [q["sql"] for q in captured.captured_queries if "communities_" in q["sql"]]
    assert tables == []
    assert captured.captured_queries[0]["sql"].startswith(
        'UPDATE "cohorts_enrollment" SET "offer_expires_at"'
    )
