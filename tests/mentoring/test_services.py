"""Rules of pairs, workspace and plans: each bad input gets a clear message and changes nothing."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from mentoring import services
from mentoring.models import (
    DevelopmentPlan,
    Feedback,
    GoalState,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MentoringPair,
    Message,
    PairGoal,
    PairState,
    PlanGoal,
)
from mentoring.services import MentoringError
from notifications.models import Notification
from tests.factories import MunicipalityFactory, SchoolAdminFactory, SchoolFactory, TeacherFactory

from .factories import (
    ActivePairFactory,
    CompetencyFactory,
    CourseFactory,
    MentorFactory,
    MentorProfileFactory,
    PairFactory,
    PairGoalFactory,
    PlanFactory,
    YoungTeacherFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def admin(school):
    return SchoolAdminFactory(school=school)


def _create(admin, mentor, mentee, **kw):
    return services.pair_create(actor=admin, mentor=mentor, mentee=mentee, **kw)


# --- pairs ---------------------------------------------------------------------------------------


def test_admin_proposes_then_both_accept_and_pair_becomes_active(school, admin):
    mentor, mentee = MentorFactory(school=school), YoungTeacherFactory(school=school)
    competency = CompetencyFactory()
    pair = _create(admin, mentor, mentee, focus_competencies=[competency])
    assert pair.state == PairState.PROPOSED
    assert list(pair.focus_competencies.all()) == [competency]
    assert Notification.objects.filter(kind="mentoring").count() == 2

    pair = services.pair_accept(actor=mentee, pair=pair)
    assert pair.state == PairState.PROPOSED and pair.mentee_accepted_at is not None
    pair = services.pair_accept(actor=mentor, pair=pair)
    assert pair.state == PairState.ACTIVE
    assert pair.start_date == timezone.localdate()


def test_accepting_twice_or_by_an_outsider_is_refused(school, admin):
    pair = _create(admin, MentorFactory(school=school), YoungTeacherFactory(school=school))
    services.pair_accept(actor=pair.mentor, pair=pair)
    with pytest.raises(MentoringError, match="already accepted"):
        services.pair_accept(actor=pair.mentor, pair=pair)
    with pytest.raises(MentoringError, match="Only the mentor and the mentee"):
        services.pair_accept(actor=TeacherFactory(school=school), pair=pair)
    pair.refresh_from_db()
    assert pair.state == PairState.PROPOSED and pair.mentee_accepted_at is None


def test_pair_with_oneself_is_refused_and_db_backs_it(school, admin):
    teacher = MentorFactory(school=school)
    with pytest.raises(MentoringError, match="cannot be their own mentor"):
        _create(admin, teacher, teacher)
    assert MentoringPair.objects.count() == 0
    with pytest.raises(IntegrityError):
        MentoringPair.objects.create(mentor=teacher, mentee=teacher)


def test_duplicate_open_pair_is_refused_and_db_backs_it(school, admin):
    mentor, mentee = MentorFactory(school=school), YoungTeacherFactory(school=school)
    MentorProfileFactory(user=mentor, capacity=5)
    _create(admin, mentor, mentee)
    with pytest.raises(MentoringError, match="already exists"):
        _create(admin, mentor, mentee)
    assert MentoringPair.objects.count() == 1
    with pytest.raises(IntegrityError):
        MentoringPair.objects.create(mentor=mentor, mentee=mentee, state=PairState.ACTIVE)


def test_a_stopped_pair_does_not_block_a_new_one(school, admin):
    mentor, mentee = MentorFactory(school=school), YoungTeacherFactory(school=school)
    first = _create(admin, mentor, mentee)
    services.pair_stop(actor=admin, pair=first, reason="Wrong subject")
    second = _create(admin, mentor, mentee)
    assert second.pk != first.pk


def test_mentor_at_capacity_is_refused(school, admin):
    mentor = MentorFactory(school=school)
    MentorProfileFactory(user=mentor, capacity=1)
    _create(admin, mentor, YoungTeacherFactory(school=school))
    other = YoungTeacherFactory(school=school)
    with pytest.raises(MentoringError, match="capacity"):
        _create(admin, mentor, other)
    assert MentoringPair.objects.filter(mentee=other).count() == 0


def test_default_capacity_is_two(school, admin):
    mentor = MentorFactory(school=school)
    for _i in range(2):
        _create(admin, mentor, YoungTeacherFactory(school=school))
    with pytest.raises(MentoringError, match="capacity"):
        _create(admin, mentor, YoungTeacherFactory(school=school))
    assert MentoringPair.objects.filter(mentor=mentor).count() == 2


def test_ended_pairs_free_the_capacity(school, admin):
    mentor = MentorFactory(school=school)
    MentorProfileFactory(user=mentor, capacity=1)
    pair = _create(admin, mentor, YoungTeacherFactory(school=school))
    services.pair_stop(actor=pair.mentee, pair=pair, reason="Declined")
    _create(admin, mentor, YoungTeacherFactory(school=school))


def test_only_the_mentees_school_admin_creates_pairs_across_schools_of_a_municipality(school, admin):
    mentee = YoungTeacherFactory(school=school)
    mentor = MentorFactory(school=SchoolFactory(municipality=school.municipality))
    other_admin = SchoolAdminFactory(school=mentor.school)
    with pytest.raises(MentoringError, match="school administrator of the mentee"):
        _create(other_admin, mentor, mentee)
    pair = _create(admin, mentor, mentee)  # across schools of one municipality
    assert pair.mentor.school != pair.mentee.school


def test_mentor_from_another_municipality_or_inexperienced_is_refused(school, admin):
    mentee = YoungTeacherFactory(school=school)
    far = MentorFactory(school=SchoolFactory(municipality=MunicipalityFactory()))
    with pytest.raises(MentoringError, match="same municipality"):
        _create(admin, far, mentee)
    novice = YoungTeacherFactory(school=school)
    with pytest.raises(MentoringError, match="at least 5 years"):
        _create(admin, novice, mentee)
    assert MentoringPair.objects.count() == 0


def test_stop_needs_a_reason_and_complete_needs_active(school, admin):
    pair = ActivePairFactory(mentee=YoungTeacherFactory(school=school))
    with pytest.raises(MentoringError, match="reason"):
        services.pair_stop(actor=pair.mentee, pair=pair, reason="  ")
    with pytest.raises(MentoringError, match="Only the mentor or the school administrator"):
        services.pair_complete(actor=pair.mentee, pair=pair)
    pair = services.pair_complete(actor=pair.mentor, pair=pair)
    assert pair.state == PairState.COMPLETED
    with pytest.raises(MentoringError, match="already ended"):
        services.pair_stop(actor=admin, pair=pair, reason="late")


# --- workspace -------------------------------------------------------------------------------------


def test_goal_needs_a_known_competency():
    pair = ActivePairFactory()
    with pytest.raises(MentoringError, match="Unknown competency"):
        services.pair_goal_create(
            actor=pair.mentor, pair=pair, competency_id=999999, title="x", due_date=timezone.localdate()
        )
    with pytest.raises(MentoringError, match="Unknown competency"):
        services.pair_goal_create(
            actor=pair.mentor, pair=pair, competency_id="abc", title="x", due_date=timezone.localdate()
        )
    assert PairGoal.objects.count() == 0
    goal = services.pair_goal_create(
        actor=pair.mentor,
        pair=pair,
        competency_id=CompetencyFactory().pk,
        title="Observe two lessons",
        due_date=timezone.localdate(),
    )
    assert goal.state == GoalState.PLANNED


def test_mentee_completes_a_goal_and_outsiders_cannot():
    goal = PairGoalFactory()
    with pytest.raises(MentoringError):
        services.pair_goal_set_state(actor=TeacherFactory(), goal=goal, state=GoalState.DONE)
    goal = services.pair_goal_set_state(actor=goal.pair.mentee, goal=goal, state=GoalState.DONE)
    assert goal.state == GoalState.DONE and goal.completed_at is not None
    goal = services.pair_goal_set_state(actor=goal.pair.mentee, goal=goal, state=GoalState.IN_PROGRESS)
    assert goal.completed_at is None


def test_goals_need_an_active_pair():
    pair = PairFactory()
    with pytest.raises(MentoringError, match="not active"):
        services.pair_goal_create(
            actor=pair.mentor,
            pair=pair,
            competency_id=CompetencyFactory().pk,
            title="x",
            due_date=timezone.localdate(),
        )


def test_held_meeting_cannot_be_in_the_future_but_a_planned_one_can():
    pair = ActivePairFactory()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(MentoringError, match="future"):
        services.meeting_log(actor=pair.mentor, pair=pair, date=tomorrow, kind=MeetingKind.CONSULTATION)
    assert Meeting.objects.count() == 0
    services.meeting_log(
        actor=pair.mentor,
        pair=pair,
        date=tomorrow,
        kind=MeetingKind.CO_PLANNING,
        status=MeetingStatus.PLANNED,
    )
    held = services.meeting_log(
        actor=pair.mentor,
        pair=pair,
        date=timezone.localdate(),
        kind=MeetingKind.LESSON_OBSERVATION,
        notes="ok",
        next_steps="more",
    )
    assert held.status == MeetingStatus.HELD
    with pytest.raises(MentoringError, match="Unknown kind"):
        services.meeting_log(actor=pair.mentor, pair=pair, date=timezone.localdate(), kind="party")
    assert Meeting.objects.count() == 2


def test_messages_are_sanitized_and_only_members_write():
    pair = ActivePairFactory()
    message = services.message_send(
        actor=pair.mentee, pair=pair, body="**Hi** <script>alert(1)</script> [x](javascript:alert(2))"
    )
    assert "<strong>Hi</strong>" in message.body_html
    # raw HTML and unsafe links stay text: nothing runs, nothing links
    assert message.body_html == (
        "<p><strong>Hi</strong> &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(2))</p>\n"
    )
    assert Notification.objects.filter(recipient=pair.mentor, kind="mentoring").exists()
    admin = SchoolAdminFactory(school=pair.mentee.school)
    with pytest.raises(MentoringError):
        services.message_send(actor=admin, pair=pair, body="hello")
    with pytest.raises(MentoringError, match="empty"):
        services.message_send(actor=pair.mentor, pair=pair, body="   ")
    assert Message.objects.count() == 1


def test_feedback_once_per_period_from_the_mentee_only():
    pair = ActivePairFactory(start_date=timezone.localdate() - dt.timedelta(weeks=5), feedback_every_weeks=4)
    answers = {"availability": 5, "usefulness": 4, "advice": 4, "confidence": 3}
    with pytest.raises(MentoringError, match="Only the mentee"):
        services.feedback_submit(actor=pair.mentor, pair=pair, answers=answers)
    with pytest.raises(MentoringError, match="1 to 5"):
        services.feedback_submit(actor=pair.mentee, pair=pair, answers={**answers, "advice": 6})
    feedback = services.feedback_submit(actor=pair.mentee, pair=pair, answers=answers, comment="Good")
    assert feedback.period == 1
    with pytest.raises(MentoringError, match="already given"):
        services.feedback_submit(actor=pair.mentee, pair=pair, answers=answers)
    assert Feedback.objects.count() == 1


def test_feedback_not_due_before_the_first_period():
    pair = ActivePairFactory(start_date=timezone.localdate() - dt.timedelta(weeks=2), feedback_every_weeks=4)
    with pytest.raises(MentoringError, match="not due"):
        services.feedback_submit(actor=pair.mentee, pair=pair, answers={})


# --- reminders --------------------------------------------------------------------------------------


def test_feedback_reminder_goes_once_per_period_and_not_after_feedback():
    today = timezone.localdate()
    due = ActivePairFactory(start_date=today - dt.timedelta(weeks=4), feedback_every_weeks=4)
    answered = ActivePairFactory(start_date=today - dt.timedelta(weeks=5), feedback_every_weeks=4)
    Feedback.objects.create(pair=answered, period=1, availability=5, usefulness=5, advice=5, confidence=5)
    ActivePairFactory(start_date=today - dt.timedelta(weeks=3), feedback_every_weeks=4)  # not yet due
    PairFactory()  # proposed: no start

    assert services.feedback_remind_due() == 1
    assert services.feedback_remind_due() == 0  # a second beat sends nothing
    reminders = Notification.objects.filter(kind="mentoring_feedback")
    assert list(reminders.values_list("recipient_id", flat=True)) == [due.mentee_id]
    assert reminders.get().url == f"/mentoring/pairs/{due.pk}/#feedback"
    # The next period is reminded again, once.
    assert services.feedback_remind_due(today=today + dt.timedelta(weeks=4)) == 3  # every pair is now due
    assert services.feedback_remind_due(today=today + dt.timedelta(weeks=4)) == 0


def test_feedback_reminder_task_runs_the_service():
    from mentoring.tasks import feedback_reminders

    ActivePairFactory(start_date=timezone.localdate() - dt.timedelta(weeks=8), feedback_every_weeks=4)
    assert feedback_reminders.delay().get() == 1
    assert feedback_reminders.delay().get() == 0


# --- plans -----------------------------------------------------------------------------------------------


def test_plan_create_and_goals_with_courses():
    teacher = TeacherFactory()
    today = timezone.localdate()
    plan = services.plan_create(
        actor=teacher,
        topic="Project-based learning",
        period_start=today,
        period_end=today + dt.timedelta(days=700),
        presentation_kind="council_talk",
        competency_id=CompetencyFactory().pk,
    )
    course = CourseFactory()
    goal = services.plan_goal_create(
        actor=teacher,
        plan=plan,
        title="Take the course",
        due_date=today,
        course_id=course.pk,
        event_link="Round table in March",
    )
    assert goal.course == course
    with pytest.raises(MentoringError, match="Unknown course"):
        services.plan_goal_create(actor=teacher, plan=plan, title="x", due_date=today, course_id=987654)
    with pytest.raises(MentoringError, match="owner"):
        services.plan_goal_create(actor=TeacherFactory(), plan=plan, title="x", due_date=today)
    assert PlanGoal.objects.count() == 1
    services.plan_goal_set_state(actor=teacher, goal=goal, state=GoalState.DONE)
    goal.refresh_from_db()
    assert goal.state == GoalState.DONE


def test_plan_bad_input_changes_nothing():
    teacher = TeacherFactory()
    today = timezone.localdate()
    with pytest.raises(MentoringError, match="end after"):
        services.plan_create(
            actor=teacher, topic="x", period_start=today, period_end=today, presentation_kind="open_lesson"
        )
    with pytest.raises(MentoringError, match="Unknown competency"):
        services.plan_create(
            actor=teacher,
            topic="x",
            period_start=today,
            period_end=today + dt.timedelta(days=9),
            presentation_kind="open_lesson",
            competency_id=424242,
        )
    PlanFactory(teacher=teacher)
    with pytest.raises(MentoringError, match="already have an active"):
        services.plan_create(
            actor=teacher,
            topic="y",
            period_start=today,
            period_end=today + dt.timedelta(days=9),
            presentation_kind="open_lesson",
        )
    assert DevelopmentPlan.objects.filter(teacher=teacher).count() == 1


def test_plan_goal_links_a_cohort_the_teacher_may_join_and_its_course():
    from cohorts.models import Cohort
    from tests.cohorts.factories import CohortFactory

    teacher = TeacherFactory()
    plan = PlanFactory(teacher=teacher)
    cohort = CohortFactory()
    draft = CohortFactory(status=Cohort.Status.DRAFT)
    today = timezone.localdate()
    goal = services.plan_goal_create(
        actor=teacher, plan=plan, title="Join", due_date=today, cohort_id=cohort.pk
    )
    assert goal.cohort == cohort and goal.course == cohort.course
    for bad in (draft.pk, 10**9, "x"):
        with pytest.raises(MentoringError, match="Unknown cohort"):
            services.plan_goal_create(actor=teacher, plan=plan, title="x", due_date=today, cohort_id=bad)
    assert PlanGoal.objects.count() == 1


def test_plan_topic_offers_the_deficit_profile_first(client):
    from mentoring.selectors import deficit_competencies_for
    from surveys.models import CompetencyScore, Response
    from tests.surveys.factories import diagnostic_survey

    teacher = TeacherFactory()
    assert deficit_competencies_for(teacher) == []
    weak, weaker, strong = CompetencyFactory(), CompetencyFactory(), CompetencyFactory()
    survey, _questions = diagnostic_survey(competencies=[weak, weaker, strong])
    response = Response.objects.create(survey=survey, respondent=teacher, submitted_at=timezone.now())
    for competency, score in [(weak, 50), (weaker, 20), (strong, 90)]:
        CompetencyScore.objects.create(
            response=response,
            user=teacher,
            competency=competency,
            score=score,
            is_deficit=score < 60,
            measured_at=timezone.now(),
        )
    assert deficit_competencies_for(teacher) == [weaker, weak]

    client.force_login(teacher)
    page = client.get("/mentoring/plans/new/")
    choices = page.context["form"].fields["competency"].choices
    assert choices[1][0] == "From my deficit profile"
    assert [pk for pk, _label in choices[1][1]] == [weaker.pk, weak.pk]
    today = timezone.localdate()
    client.post(
        "/mentoring/plans/new/",
        {
            "topic": "Assessment",
            "competency": weaker.pk,
            "period_start": today,
            "period_end": today + dt.timedelta(days=700),
            "presentation_kind": "open_lesson",
        },
    )
    plan = DevelopmentPlan.objects.get(teacher=teacher)
    assert plan.competency == weaker and plan.from_deficit_profile is True
