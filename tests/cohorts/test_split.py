"""Splitting a mass intake into groups by level (issue "Learning that means something", item 6).

Attacks and failures played: NULL placement scores sorting first on PostgreSQL (unscored teachers landing
in the advanced group), a teacher enrolling straight into "group 1 (advanced)", the parent staying open
with 0 seats, groups losing the parent's sessions and announcements, a redelivered split job moving
people twice, and a split that cannot be taken back.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cohorts.models import (
    Announcement,
    AnnouncementRead,
    Attendance,
    BulkOperation,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    LiveSession,
)
from cohorts.services import (
    CohortError,
    bulk_operation_start,
    cohort_split,
    cohort_split_undo,
    enrollment_enrol,
)
from cohorts.services.enrollment import cohort_split_plan
from tests.factories import CuratorFactory, TeacherFactory

from .factories import CohortFactory, EnrollmentFactory, LiveSessionFactory

pytestmark = pytest.mark.django_db

SCORES = [98, None, 98, 40, None, 84, 60, None, 20]


def _intake(scores=SCORES, **kwargs):
    cohort = CohortFactory(capacity=50, title="Формирующее оценивание", **kwargs)
    enrollments = [EnrollmentFactory(cohort=cohort, placement_score=score) for score in scores]
    return cohort, enrollments


def _scores(plan):
    score = dict(Enrollment.objects.values_list("pk", "placement_score"))
    return [[score[pk] for pk in group] for group in plan]


def test_unscored_teachers_are_spread_evenly_and_the_best_scorers_are_in_the_first_group():
    """On PostgreSQL NULLs sort first in a descending order: the old split put them into "advanced"."""
    cohort, _ = _intake()
    plan = cohort_split_plan(cohort=cohort, groups=3, max_size=3, unscored="spread")
    assert _scores(plan) == [[98, 98, None], [84, 60, None], [40, 20, None]]


def test_unscored_teachers_can_go_into_the_introductory_group():
    cohort, _ = _intake()
    plan = cohort_split_plan(cohort=cohort, groups=3, max_size=3, unscored="introductory")
    assert _scores(plan) == [[98, 98, 84], [60, 40, 20], [None, None, None]]


@pytest.mark.parametrize(
    ("groups", "max_size", "message"),
    [
        (0, 10, "Split into at least two groups."),
        (1, 10, "Split into at least two groups."),
        (10, 10, "Only 9 teachers are enrolled: they cannot make 10 groups."),
        (2, 4, "9 teachers do not fit into 2 groups of at most 4."),
        (2, 0, "A group must have room for at least one teacher."),
    ],
)
def test_impossible_splits_are_refused_with_a_reason_and_change_nothing(groups, max_size, message):
    cohort, _ = _intake()
    with pytest.raises(CohortError) as refused:
        cohort_split(cohort=cohort, groups=groups, max_size=max_size, actor=CuratorFactory())
    assert refused.value.messages == [message]
    cohort.refresh_from_db()
    assert (cohort.capacity, cohort.self_enrollment, cohort.groups.count()) == (50, True, 0)


def test_groups_copy_curators_sessions_and_announcements_and_the_teachers_keep_their_records():
    curators = CuratorFactory.create_batch(2)
    cohort, enrollments = _intake(curators=curators)
    past = LiveSessionFactory(
        cohort=cohort, title="Установочный вебинар", starts_at=timezone.now() - timedelta(days=1)
    )
    LiveSessionFactory(cohort=cohort, title="Круглый стол")
    note = Announcement.objects.create(
        cohort=cohort, author=curators[0], title="Расписание", body="Начинаем в понедельник."
    )
    best = enrollments[0]  # 98: group 1
    Attendance.objects.create(session=past, enrollment=best, method="curator")
    AnnouncementRead.objects.create(announcement=note, enrollment=best)

    groups = cohort_split(cohort=cohort, groups=3, max_size=3, actor=curators[0])

    for group in groups:
        assert sorted(group.curators.values_list("pk", flat=True)) == sorted(c.pk for c in curators)
        assert list(group.sessions.order_by("starts_at").values_list("title", flat=True)) == [
            "Установочный вебинар",
            "Круглый стол",
        ]
        assert list(group.announcements.values_list("title", "body")) == [
            ("Расписание", "Начинаем в понедельник.")
        ]
        assert group.announcements.get().created_at == note.created_at
    first = groups[0]
    assert Attendance.objects.get(enrollment=best).session == first.sessions.get(title="Установочный вебинар")
    assert AnnouncementRead.objects.get(enrollment=best).announcement == first.announcements.get()


@pytest.mark.site_language
def test_groups_are_named_by_level_in_the_cohorts_language():
    cohort, _ = _intake()
    groups = cohort_split(cohort=cohort, groups=3, max_size=3, actor=CuratorFactory())
    assert [g.title for g in groups] == [
        "Формирующее оценивание — продвинутый уровень",
        "Формирующее оценивание — базовый уровень",
        "Формирующее оценивание — вводный уровень",
    ]
    assert [g.level for g in groups] == ["advanced", "basic", "introductory"]


def test_groups_of_a_ukrainian_course_are_named_in_ukrainian():
    cohort, _ = _intake(course__language="uk")
    groups = cohort_split(cohort=cohort, groups=3, max_size=3, actor=CuratorFactory())
    assert [g.title.split(" — ")[1] for g in groups] == [
        "поглиблений рівень",
        "базовий рівень",
        "вступний рівень",
    ]


def test_levels_shared_by_several_groups_are_numbered():
    cohort, _ = _intake(scores=[90, 80, 70, 60, 50, 40, 30, 20])
    groups = cohort_split(cohort=cohort, groups=4, max_size=2, actor=CuratorFactory())
    assert [g.title for g in groups] == [
        "Формирующее оценивание — advanced level, group 1",
        "Формирующее оценивание — advanced level, group 2",
        "Формирующее оценивание — basic level",
        "Формирующее оценивание — introductory level",
    ]


def test_nobody_enrols_into_a_group_or_the_split_cohort_themself():
    cohort, _ = _intake()
    groups = cohort_split(cohort=cohort, groups=3, max_size=3, actor=CuratorFactory())
    teacher = TeacherFactory()
    for target in [groups[0], cohort]:
        with pytest.raises(CohortError) as refused:
            enrollment_enrol(cohort=target, teacher=teacher)
        assert refused.value.messages == [
            "Teachers do not enrol in this cohort themselves: its curators place them."
        ]
    assert Enrollment.objects.filter(teacher=teacher).count() == 0
    cohort.refresh_from_db()
    assert (cohort.capacity, cohort.self_enrollment) == (0, False)


def test_the_course_page_offers_neither_the_groups_nor_the_split_cohort(client):
    cohort, _ = _intake()
    cohort.course.status = "published"
    cohort.course.save()
    cohort_split(cohort=cohort, groups=3, max_size=3, actor=CuratorFactory())
    client.force_login(TeacherFactory())
    page = client.get(reverse("courses:detail", args=[cohort.course.slug])).content.decode()
    assert reverse("cohorts:enrol", args=[cohort.pk]) not in page
    for group in cohort.groups.all():
        assert reverse("cohorts:enrol", args=[group.pk]) not in page


def test_a_curator_still_places_a_teacher_into_a_group():
    cohort, _ = _intake()
    curator = CuratorFactory()
    group = cohort_split(cohort=cohort, groups=3, max_size=3, actor=curator)[0]
    group.capacity = 5
    group.save()
    enrollment = enrollment_enrol(cohort=group, teacher=TeacherFactory(), actor=curator)
    assert enrollment.state == Enrollment.State.ENROLLED


def test_the_database_refuses_a_group_open_to_self_enrolment():
    cohort, _ = _intake()
    group = cohort_split(cohort=cohort, groups=3, max_size=3, actor=CuratorFactory())[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.filter(pk=group.pk).update(self_enrollment=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.create(**{**_copy_fields(group), "split_index": 1, "parent": cohort})


def _copy_fields(cohort):
    fields = ["course", "title", "starts_on", "ends_on", "enrollment_opens_at", "enrollment_closes_at"]
    return {"self_enrollment": False, **{name: getattr(cohort, name) for name in fields}}


def test_a_redelivered_split_job_moves_nobody_twice(django_capture_on_commit_callbacks):
    cohort, _ = _intake()
    curator = CuratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        op = bulk_operation_start(
            kind="split", cohort=cohort, actor=curator, groups=3, max_size=3, unscored="spread"
        )
    from cohorts.tasks import bulk_operation_run

    BulkOperation.objects.filter(pk=op.pk).update(state=BulkOperation.State.RUNNING)  # as if redelivered
    bulk_operation_run(op.pk)
    assert cohort.groups.count() == 3
    assert [g.enrollments.count() for g in cohort.groups.order_by("split_index")] == [3, 3, 3]
    assert EnrollmentEvent.objects.filter(reason__startswith="Placed in").count() == 9
    assert LiveSession.objects.filter(cohort__parent=cohort).count() == 0


def _split_op(cohort, curator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        op = bulk_operation_start(
            kind="split", cohort=cohort, actor=curator, groups=3, max_size=3, unscored="spread"
        )
    op.refresh_from_db()
    assert op.state == "done"
    return op


def test_undo_puts_everyone_back_with_their_records_and_reopens_the_cohort(
    django_capture_on_commit_callbacks,
):
    curator = CuratorFactory()
    cohort, enrollments = _intake(curators=[curator])
    session = LiveSessionFactory(cohort=cohort, starts_at=timezone.now() - timedelta(hours=2))
    op = _split_op(cohort, curator, django_capture_on_commit_callbacks)
    best = Enrollment.objects.get(pk=enrollments[0].pk)
    Attendance.objects.create(session=best.cohort.sessions.get(), enrollment=best, method="curator")

    cohort_split_undo(operation=op, actor=curator)

    cohort.refresh_from_db()
    assert (cohort.capacity, cohort.self_enrollment) == (50, True)
    assert Cohort.objects.filter(parent=cohort).count() == 0
    assert sorted(Enrollment.objects.filter(cohort=cohort).values_list("pk", flat=True)) == sorted(
        e.pk for e in enrollments
    )
    assert Attendance.objects.get(enrollment=best).session == session
    assert EnrollmentEvent.objects.filter(enrollment=best).last().reason == (
        "Back in “Формирующее оценивание”: the split was undone"
    )
    op.refresh_from_db()
    assert op.undone_at is not None
    with pytest.raises(CohortError) as twice:
        cohort_split_undo(operation=op, actor=curator)
    assert twice.value.messages == ["This split is already undone."]


def test_undo_is_refused_after_the_window(settings, django_capture_on_commit_callbacks):
    settings.COHORTS_SPLIT_UNDO_HOURS = 24
    curator = CuratorFactory()
    cohort, _ = _intake(curators=[curator])
    op = _split_op(cohort, curator, django_capture_on_commit_callbacks)
    BulkOperation.objects.filter(pk=op.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    op.refresh_from_db()
    with pytest.raises(CohortError) as refused:
        cohort_split_undo(operation=op, actor=curator)
    assert refused.value.messages == ["A split can be undone within 24 hours; this one is older."]
    assert cohort.groups.count() == 3


def test_undo_is_refused_once_a_group_has_its_own_sessions(django_capture_on_commit_callbacks):
    curator = CuratorFactory()
    cohort, _ = _intake(curators=[curator])
    op = _split_op(cohort, curator, django_capture_on_commit_callbacks)
    LiveSessionFactory(cohort=cohort.groups.first())
    with pytest.raises(CohortError) as refused:
        cohort_split_undo(operation=op, actor=curator)
    assert refused.value.messages == [
        "The groups have sessions or announcements of their own since the split."
    ]
    assert cohort.groups.count() == 3


def test_the_undo_page_confirms_then_undoes_and_is_nobody_elses(client, django_capture_on_commit_callbacks):
    curator = CuratorFactory()
    cohort, _ = _intake(curators=[curator])
    op = _split_op(cohort, curator, django_capture_on_commit_callbacks)
    url = reverse("cohorts:split_undo", args=[op.pk])
    client.force_login(CuratorFactory())
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert cohort.groups.count() == 3
    client.force_login(curator)
    page = client.get(reverse("cohorts:bulk", args=[op.pk])).content.decode()
    assert "Формирующее оценивание — advanced level" in page
    assert f'href="{url}"' in page
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert cohort.groups.count() == 3
    done = client.post(url)
    assert done.status_code == 302
    assert done.url == reverse("cohorts:bulk", args=[op.pk])
    assert cohort.groups.count() == 0
    assert "The split was undone on" in client.get(done.url).content.decode()
