from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, EnrollmentEvent, LessonProgress, Nomination, Submission
from cohorts.services import (
    CohortError,
    announcement_confirm_read,
    announcement_publish,
    attendance_check_in,
    bulk_operation_start,
    cohort_split,
    enrollment_accept_offer,
    enrollment_complete,
    enrollment_enrol,
    enrollment_expire_offers,
    enrollment_move,
    enrollment_record_feedback,
    enrollment_withdraw,
    lesson_mark_done,
    nomination_accept,
    nomination_create,
    nomination_decline,
    question_answer,
    question_ask,
    question_publish_faq,
    review_submit,
    submission_submit,
)
from tests.factories import CuratorFactory, SchoolAdminFactory, SchoolFactory, TeacherFactory

from .factories import (
    AssignmentFactory,
    CohortFactory,
    EnrollmentFactory,
    LessonFactory,
    LiveSessionFactory,
    ModuleFactory,
    SeatQuotaFactory,
)

pytestmark = pytest.mark.django_db
S = Enrollment.State


def test_enrol_gives_a_seat_and_records_the_trail():
    cohort = CohortFactory(capacity=1)
    teacher = TeacherFactory()
    enrollment = enrollment_enrol(cohort=cohort, teacher=teacher)
    assert enrollment.state == S.ENROLLED
    trail = list(enrollment.events.values_list("from_state", "to_state", "actor_id"))
    assert trail == [("", S.APPLIED, teacher.pk), (S.APPLIED, S.ENROLLED, teacher.pk)]


def test_full_cohort_waitlists_and_twice_is_refused():
    cohort = CohortFactory(capacity=1)
    enrollment_enrol(cohort=cohort, teacher=TeacherFactory())
    second = enrollment_enrol(cohort=cohort, teacher=TeacherFactory())
    assert second.state == S.WAITLISTED
    with pytest.raises(CohortError, match="already in this cohort"):
        enrollment_enrol(cohort=cohort, teacher=second.teacher)
    assert Enrollment.objects.filter(cohort=cohort).count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Cohort.Status.ARCHIVED}, "finished"),
        ({"status": Cohort.Status.DRAFT}, "not open"),
        ({"enrollment_opens_at": timezone.now() + timedelta(days=1)}, "not opened yet"),
        (
            {
                "enrollment_closes_at": timezone.now() - timedelta(minutes=1),
                "enrollment_opens_at": timezone.now() - timedelta(days=2),
            },
            "closed",
        ),
    ],
)
def test_enrol_refused_outside_the_window(changes, message):
    cohort = CohortFactory(**changes)
    with pytest.raises(CohortError, match=message):
        enrollment_enrol(cohort=cohort, teacher=TeacherFactory())
    assert not Enrollment.objects.exists()


def test_restricted_cohort_refuses_other_schools():
    school = SchoolFactory()
    cohort = CohortFactory()
    cohort.restricted_to_schools.add(school)
    with pytest.raises(CohortError, match="only for teachers"):
        enrollment_enrol(cohort=cohort, teacher=TeacherFactory())
    assert enrollment_enrol(cohort=cohort, teacher=TeacherFactory(school=school)).state == S.ENROLLED


def test_withdraw_offers_the_seat_to_the_first_waitlisted_then_passes_on():
    cohort = CohortFactory(capacity=1)
    first = enrollment_enrol(cohort=cohort, teacher=TeacherFactory())
    second = enrollment_enrol(cohort=cohort, teacher=TeacherFactory())
    third = enrollment_enrol(cohort=cohort, teacher=TeacherFactory())
    enrollment_withdraw(enrollment=first, actor=first.teacher, reason="No time")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.offer_expires_at is not None and third.offer_expires_at is None
    # Nobody else can take the offered seat meanwhile.
    assert enrollment_enrol(cohort=cohort, teacher=TeacherFactory()).state == S.WAITLISTED
    # The offer expires: it passes to the third teacher.
    assert enrollment_expire_offers(now=second.offer_expires_at + timedelta(seconds=1)) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.state == S.WITHDRAWN
    assert third.offer_expires_at is not None
    enrollment_accept_offer(enrollment=third, teacher=third.teacher)
    third.refresh_from_db()
    assert third.state == S.ENROLLED
    assert Enrollment.objects.filter(cohort=cohort, state=S.ENROLLED).count() == 1


def test_withdraw_past_the_deadline_is_refused():
    cohort = CohortFactory(withdrawal_deadline=timezone.localdate() - timedelta(days=1))
    enrollment = EnrollmentFactory(cohort=cohort)
    with pytest.raises(CohortError, match="last day to withdraw"):
        enrollment_withdraw(enrollment=enrollment, actor=enrollment.teacher)
    enrollment.refresh_from_db()
    assert enrollment.state == S.ENROLLED


def test_quota_reserves_seats_until_released():
    school = SchoolFactory()
    cohort = CohortFactory(capacity=2)
    SeatQuotaFactory(cohort=cohort, school=school, seats=1)
    assert enrollment_enrol(cohort=cohort, teacher=TeacherFactory()).state == S.ENROLLED
    assert enrollment_enrol(cohort=cohort, teacher=TeacherFactory()).state == S.WAITLISTED
    assert enrollment_enrol(cohort=cohort, teacher=TeacherFactory(school=school)).state == S.ENROLLED


def test_released_quota_goes_to_the_waitlist():
    school = SchoolFactory()
    cohort = CohortFactory(capacity=1)
    quota = SeatQuotaFactory(cohort=cohort, school=school, seats=1)
    waiting = enrollment_enrol(cohort=cohort, teacher=TeacherFactory())
    assert waiting.state == S.WAITLISTED
    quota.release_at = timezone.now() - timedelta(minutes=1)
    quota.save()
    enrollment_expire_offers()
    waiting.refresh_from_db()
    assert waiting.offer_expires_at is not None


def test_nomination_needs_own_school_and_the_teachers_consent():
    admin = SchoolAdminFactory()
    mine = TeacherFactory(school=admin.school)
    cohort = CohortFactory()
    with pytest.raises(CohortError, match="own school"):
        nomination_create(cohort=cohort, teacher=TeacherFactory(), nominated_by=admin)
    enrollment = nomination_create(cohort=cohort, teacher=mine, nominated_by=admin)
    assert enrollment.state == S.NOMINATED
    assert enrollment.nomination.nominated_by == admin
    with pytest.raises(CohortError, match="no pending nomination"):
        nomination_accept(enrollment=enrollment, teacher=TeacherFactory())
    nomination_accept(enrollment=enrollment, teacher=mine)
    enrollment.refresh_from_db()
    assert enrollment.state == S.ENROLLED
    assert Nomination.objects.get().decision == Nomination.Decision.ACCEPTED


def test_declining_a_nomination_needs_a_reason():
    admin = SchoolAdminFactory()
    teacher = TeacherFactory(school=admin.school)
    enrollment = nomination_create(cohort=CohortFactory(), teacher=teacher, nominated_by=admin)
    with pytest.raises(CohortError, match="why"):
        nomination_decline(enrollment=enrollment, teacher=teacher, reason=" ")
    nomination_decline(enrollment=enrollment, teacher=teacher, reason="Already did it")
    enrollment.refresh_from_db()
    assert enrollment.state == S.WITHDRAWN
    nomination = Nomination.objects.get()
    assert (nomination.decision, nomination.reason) == (Nomination.Decision.DECLINED, "Already did it")


def test_bulk_nomination_reports_progress(django_capture_on_commit_callbacks):
    admin = SchoolAdminFactory()
    teachers = TeacherFactory.create_batch(3, school=admin.school)
    stranger = TeacherFactory()
    cohort = CohortFactory()
    with django_capture_on_commit_callbacks(execute=True):
        op = bulk_operation_start(
            kind="nominate", cohort=cohort, actor=admin, ids=[t.pk for t in teachers] + [stranger.pk]
        )
    op.refresh_from_db()
    assert (op.state, op.total, op.done, op.failed) == ("done", 4, 3, 1)
    assert Enrollment.objects.filter(cohort=cohort, state=S.NOMINATED).count() == 3


def test_move_between_cohorts_of_the_same_course_only():
    source = CohortFactory(capacity=1)
    target = CohortFactory(course=source.course)
    other = CohortFactory()
    curator = CuratorFactory()
    enrollment = enrollment_enrol(cohort=source, teacher=TeacherFactory())
    waiting = enrollment_enrol(cohort=source, teacher=TeacherFactory())
    with pytest.raises(CohortError, match="same course"):
        enrollment_move(enrollment=enrollment, to_cohort=other, actor=curator)
    moved = enrollment_move(enrollment=enrollment, to_cohort=target, actor=curator, reason="Better time")
    assert moved.cohort == target and moved.state == S.ENROLLED
    enrollment.refresh_from_db()
    waiting.refresh_from_db()
    assert enrollment.state == S.WITHDRAWN
    assert waiting.offer_expires_at is not None
    assert "Better time" in EnrollmentEvent.objects.filter(enrollment=enrollment).last().reason


def test_split_by_placement_score():
    curators = CuratorFactory.create_batch(2)
    cohort = CohortFactory(capacity=10, curators=curators)
    for score in [90, 80, 70, 60, 50]:
        EnrollmentFactory(cohort=cohort, placement_score=score)
    with pytest.raises(CohortError, match="do not fit"):
        cohort_split(cohort=cohort, groups=2, max_size=2, actor=curators[0])
    groups = cohort_split(cohort=cohort, groups=2, max_size=3, actor=curators[0])
    assert [g.enrollments.count() for g in groups] == [3, 2]
    assert sorted(groups[0].enrollments.values_list("placement_score", flat=True)) == [70, 80, 90]
    assert groups[0].level == Cohort.Level.ADVANCED
    assert [list(g.curators.order_by("pk")) for g in groups] == [sorted(curators, key=lambda u: u.pk)] * 2


def _learning(**cohort_kwargs):
    module = ModuleFactory()
    cohort = CohortFactory(course=module.course, **cohort_kwargs)
    lesson = LessonFactory(module=module)
    assignment = AssignmentFactory(module=module)
    enrollment = EnrollmentFactory(cohort=cohort)
    return cohort, lesson, assignment, enrollment


def test_completion_after_lessons_and_accepted_work():
    cohort, lesson, assignment, enrollment = _learning()
    curator = CuratorFactory()
    lesson_mark_done(enrollment=enrollment, lesson=lesson)
    submission = submission_submit(enrollment=enrollment, assignment=assignment, text="My answer")
    enrollment.refresh_from_db()
    assert enrollment.state == S.ENROLLED
    with pytest.raises(CohortError, match="must say something"):
        review_submit(submission=submission, reviewer=curator, decision="accepted", score=8, comment="")
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    review_submit(
        submission=submission,
        reviewer=curator,
        decision="revise",
        score=4,
        comment="Add an example from your own lesson, please.",
    )
    with pytest.raises(CohortError, match="Please write"):
        submission_submit(enrollment=enrollment, assignment=assignment, text="")
    submission_submit(enrollment=enrollment, assignment=assignment, text="My answer with an example")
    submission.refresh_from_db()
    assert submission.version_count == 2
    review_submit(
        submission=submission,
        reviewer=curator,
        decision="accepted",
        score=9,
        comment="Good work, the example makes it concrete.",
    )
    enrollment.refresh_from_db()
    assert enrollment.state == S.COMPLETED and enrollment.completed_at is not None
    with pytest.raises(CohortError, match="already accepted"):
        submission_submit(enrollment=enrollment, assignment=assignment, text="again")


def test_feedback_rule_via_the_upper_apps_service():
    cohort, lesson, assignment, enrollment = _learning(
        require_lessons=False, require_assignments=False, require_feedback=True
    )
    enrollment_record_feedback(enrollment_id=enrollment.pk)
    enrollment.refresh_from_db()
    assert enrollment.state == S.COMPLETED


def test_file_type_and_size_are_checked(settings):
    cohort, lesson, assignment, enrollment = _learning()
    assignment.submission_kind = "file"
    assignment.save()
    exe = SimpleUploadedFile("work.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(CohortError, match="is not an accepted file type"):
        submission_submit(enrollment=enrollment, assignment=assignment, upload=exe)
    settings.COHORTS_SUBMISSION_MAX_BYTES = 10
    pdf = SimpleUploadedFile("work.pdf", b"%PDF-1.4\n" + b"x" * 100)
    with pytest.raises(CohortError, match="too large"):
        submission_submit(enrollment=enrollment, assignment=assignment, upload=pdf)
    assert not Submission.objects.exists()
    settings.COHORTS_SUBMISSION_MAX_BYTES = 1000
    pdf.seek(0)
    submission = submission_submit(enrollment=enrollment, assignment=assignment, upload=pdf)
    version = submission.versions.get()
    assert version.file.name.endswith(".pdf") and version.file_name == "work.pdf"


def test_near_identical_answers_are_flagged(django_capture_on_commit_callbacks):
    cohort, lesson, assignment, first = _learning()
    second = EnrollmentFactory(cohort=cohort)
    text = "Formative assessment helps pupils see their progress and lets the teacher adjust the lesson plan."
    with django_capture_on_commit_callbacks(execute=True):  # the copy check runs after commit
        a = submission_submit(enrollment=first, assignment=assignment, text=text)
        b = submission_submit(
            enrollment=second, assignment=assignment, text=text.replace("pupils", "students")
        )
    a.refresh_from_db()
    b.refresh_from_db()
    # 13 three-word phrases; the changed word is in 3 of them: 10 of 13 are shared.
    assert (b.similar_to_id, b.similarity) == (a.pk, 0.769)
    assert (a.similar_to_id, a.similarity) == (b.pk, 0.769)
    other = EnrollmentFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        c = submission_submit(
            enrollment=other,
            assignment=assignment,
            text="Something completely different, written by me in my own words.",
        )
    c.refresh_from_db()
    assert (c.similar_to_id, c.similarity) == (None, None)


def test_question_first_response_time_and_faq():
    cohort, lesson, assignment, enrollment = _learning()
    curator = CuratorFactory()
    question = question_ask(enrollment=enrollment, text="When is the webinar?")
    with pytest.raises(CohortError, match="answered"):
        question_publish_faq(question=question)
    question_answer(question=question, curator=curator, answer="On Friday")
    first_at = question.__class__.objects.get().answered_at
    question_answer(question=question, curator=curator, answer="On Friday at 16:00")
    question.refresh_from_db()
    assert question.answered_at == first_at and question.first_response_seconds is not None
    question_publish_faq(question=question)
    question.refresh_from_db()
    assert question.is_faq


def test_announcement_read_and_check_in():
    cohort, lesson, assignment, enrollment = _learning(
        min_attendance_percent=100, require_lessons=False, require_assignments=False
    )
    curator = CuratorFactory()
    announcement = announcement_publish(cohort=cohort, author=curator, title="Welcome", body="Hello")
    announcement_confirm_read(announcement=announcement, enrollment=enrollment)
    announcement_confirm_read(announcement=announcement, enrollment=enrollment)
    assert announcement.reads.count() == 1
    session = LiveSessionFactory(
        cohort=cohort, starts_at=timezone.now() - timedelta(minutes=10), checkin_code="AB12"
    )
    with pytest.raises(CohortError, match="wrong"):
        attendance_check_in(session=session, enrollment=enrollment, code="zz")
    attendance_check_in(session=session, enrollment=enrollment, code="ab12")
    enrollment.refresh_from_db()
    assert enrollment.state == S.COMPLETED


def test_placement_from_the_surveys_app_orders_the_split():
    from cohorts.services import enrollment_record_placement

    enrollment = EnrollmentFactory()
    enrollment_record_placement(enrollment_id=enrollment.pk, score=None, level="advanced")
    enrollment.refresh_from_db()
    assert enrollment.placement_score == 3
    enrollment_record_placement(enrollment_id=enrollment.pk, score=42, level="")
    enrollment.refresh_from_db()
    assert enrollment.placement_score == 42


def test_re_enrol_after_withdrawal_only_while_the_window_is_open():
    cohort = CohortFactory()
    enrollment = enrollment_enrol(cohort=cohort, teacher=TeacherFactory())
    enrollment_withdraw(enrollment=enrollment, actor=enrollment.teacher)
    cohort.enrollment_closes_at = timezone.now() - timedelta(minutes=1)
    cohort.enrollment_opens_at = timezone.now() - timedelta(days=3)
    cohort.save()
    with pytest.raises(CohortError, match="Enrollment is closed"):
        enrollment_enrol(cohort=cohort, teacher=enrollment.teacher)
    enrollment.refresh_from_db()
    assert enrollment.state == S.WITHDRAWN
    cohort.enrollment_closes_at = timezone.now() + timedelta(days=1)
    cohort.save()
    assert enrollment_enrol(cohort=cohort, teacher=enrollment.teacher).state == S.ENROLLED
    assert Enrollment.objects.filter(cohort=cohort).count() == 1


# --- honest completion: only while the cohort runs (from its start to its end + the grace period) ---


def _days(n):
    return timezone.localdate() + timedelta(days=n)


def test_marking_a_lesson_done_before_the_start_is_refused_and_stores_nothing():
    cohort, lesson, assignment, enrollment = _learning(
        starts_on=_days(1), ends_on=_days(30), require_assignments=False
    )
    with pytest.raises(CohortError, match="has not started yet"):
        lesson_mark_done(enrollment=enrollment, lesson=lesson)
    assert not LessonProgress.objects.exists()
    enrollment.refresh_from_db()
    assert (enrollment.state, enrollment.completed_at) == (S.ENROLLED, None)


def test_submitting_before_the_start_is_refused_and_stores_nothing():
    cohort, lesson, assignment, enrollment = _learning(starts_on=_days(1), ends_on=_days(30))
    with pytest.raises(CohortError, match="has not started yet"):
        submission_submit(enrollment=enrollment, assignment=assignment, text="My answer")
    assert not Submission.objects.exists()


def test_marking_a_lesson_done_after_the_end_and_the_grace_is_refused(settings):
    settings.COHORTS_COMPLETION_GRACE_DAYS = 3
    cohort, lesson, assignment, enrollment = _learning(
        starts_on=_days(-30), ends_on=_days(-4), require_assignments=False
    )
    with pytest.raises(CohortError, match="Learning in this cohort closed"):
        lesson_mark_done(enrollment=enrollment, lesson=lesson)
    assert not LessonProgress.objects.exists()
    enrollment.refresh_from_db()
    assert enrollment.state == S.ENROLLED


def test_the_last_day_of_the_grace_still_counts(settings):
    settings.COHORTS_COMPLETION_GRACE_DAYS = 3
    cohort, lesson, assignment, enrollment = _learning(
        starts_on=_days(-30), ends_on=_days(-3), require_assignments=False
    )
    lesson_mark_done(enrollment=enrollment, lesson=lesson)
    enrollment.refresh_from_db()
    assert enrollment.state == S.COMPLETED


def test_a_work_accepted_after_the_grace_is_recorded_but_does_not_complete(settings):
    settings.COHORTS_COMPLETION_GRACE_DAYS = 3
    cohort, lesson, assignment, enrollment = _learning(starts_on=_days(-30), ends_on=_days(-1))
    lesson_mark_done(enrollment=enrollment, lesson=lesson)
    submission = submission_submit(enrollment=enrollment, assignment=assignment, text="My answer")
    Cohort.objects.filter(pk=cohort.pk).update(ends_on=_days(-4))  # the grace ran out while the work waited
    review_submit(
        submission=submission,
        reviewer=CuratorFactory(),
        decision="accepted",
        score=9,
        comment="Good work, the example makes it concrete.",
    )
    submission.refresh_from_db()
    enrollment.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED
    assert (enrollment.state, enrollment.completed_at) == (S.ENROLLED, None)


def test_completion_before_the_start_is_impossible():
    cohort, lesson, assignment, enrollment = _learning(
        starts_on=_days(1),
        ends_on=_days(30),
        require_lessons=False,
        require_assignments=False,
        require_feedback=True,
    )
    enrollment_record_feedback(enrollment_id=enrollment.pk)
    enrollment.refresh_from_db()
    assert (enrollment.state, enrollment.completed_at) == (S.ENROLLED, None)
    with pytest.raises(CohortError, match="has not started yet"):
        enrollment_complete(enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.state == S.ENROLLED
