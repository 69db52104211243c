"""Pages: the whole journey through the forms, clear messages on bad input, constant queries per page."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mentoring.models import DevelopmentPlan, Feedback, Meeting, MentoringPair, PairGoal, PairState
from tests.factories import (
    MunicipalAdminFactory,
    SchoolAdminFactory,
    SchoolFactory,
    SubjectFactory,
    TeacherFactory,
)

from .factories import (
    ActivePairFactory,
    CompetencyFactory,
    MeetingFactory,
    MentorFactory,
    MentorProfileFactory,
    PairGoalFactory,
    PlanFactory,
    PlanGoalFactory,
    YoungTeacherFactory,
)

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_journey_propose_accept_meet_and_complete_a_goal(client):
    school = SchoolFactory()
    admin = SchoolAdminFactory(school=school)
    math = SubjectFactory(code="math")
    mentee = YoungTeacherFactory(school=school, full_name="Young Anna")
    mentee.subjects.set([math])
    mentor = MentorFactory(school=school, full_name="Senior Boris")
    mentor.subjects.set([math])
    competency = CompetencyFactory()

    client.force_login(admin)
    page = client.get(reverse("mentoring:matching"))
    assert "Young Anna" in page.content.decode()
    page = client.get(reverse("mentoring:suggestions", args=[mentee.pk]))
    assert [m.pk for m in page.context["suggestions"]] == [mentor.pk]
    response = client.post(
        reverse("mentoring:pair_propose", args=[mentee.pk]), {"mentor": mentor.pk}, follow=True
    )
    pair = MentoringPair.objects.get()
    assert response.redirect_chain[-1][0] == reverse("mentoring:pair_detail", args=[pair.pk])
    assert pair.state == PairState.PROPOSED and pair.created_by == admin

    for person in (mentor, mentee):
        client.force_login(person)
        client.post(reverse("mentoring:pair_accept", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.state == PairState.ACTIVE

    client.force_login(mentor)
    today = timezone.localdate()
    client.post(
        reverse("mentoring:goal_create", args=[pair.pk]),
        {"title": "Differentiated tasks", "competency": competency.pk, "due_date": today},
    )
    client.post(
        reverse("mentoring:meeting_create", args=[pair.pk]),
        {
            "date": today,
            "kind": "lesson_observation",
            "status": "held",
            "notes": "Good pace",
            "next_steps": "Try exit tickets",
        },
    )
    client.post(reverse("mentoring:message_create", args=[pair.pk]), {"body": "See you *Thursday*"})
    goal = PairGoal.objects.get()
    client.force_login(mentee)
    client.post(reverse("mentoring:goal_set_state", args=[pair.pk, goal.pk]), {"state": "done"})
    goal.refresh_from_db()
    assert goal.state == "done"
    assert Meeting.objects.get().notes == "Good pace"
    page = client.get(reverse("mentoring:pair_detail", args=[pair.pk])).content.decode()
    assert "<em>Thursday</em>" in page and "Try exit tickets" in page


def test_bad_input_through_pages_shows_a_message_and_changes_nothing(client):
    pair = ActivePairFactory()
    client.force_login(pair.mentor)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("mentoring:meeting_create", args=[pair.pk]),
        {"date": tomorrow, "kind": "consultation", "status": "held"},
        follow=True,
    )
    assert _messages(response) == ["A meeting dated in the future cannot be marked as held."]
    response = client.post(
        reverse("mentoring:goal_create", args=[pair.pk]),
        {"title": "x", "competency": 987654, "due_date": tomorrow},
        follow=True,
    )
    assert "Select a valid choice" in _messages(response)[0]
    assert Meeting.objects.count() == 0 and PairGoal.objects.count() == 0


def test_proposing_a_mentor_at_capacity_or_oneself_is_refused(client):
    school = SchoolFactory()
    admin = SchoolAdminFactory(school=school)
    mentee = YoungTeacherFactory(school=school)
    busy = MentorFactory(school=school)
    for _i in range(2):
        ActivePairFactory(mentor=busy, mentee=YoungTeacherFactory(school=school))
    client.force_login(admin)
    unwilling = MentorFactory(school=school, full_name="Unwilling Ivan")
    MentorProfileFactory(user=unwilling, willing=False)
    for mentor_id, message in (
        (busy.pk, f"{busy} already has as many mentees as their capacity allows."),
        (mentee.pk, "A teacher cannot be their own mentor."),
        (unwilling.pk, "Unwilling Ivan is not willing to mentor at the moment."),
        (0, "Unknown teacher."),
    ):
        response = client.post(
            reverse("mentoring:pair_propose", args=[mentee.pk]), {"mentor": mentor_id}, follow=True
        )
        assert _messages(response) == [message]
    assert not MentoringPair.objects.filter(mentee=mentee).exists()


def test_feedback_form_for_the_mentee_when_due(client):
    pair = ActivePairFactory(start_date=timezone.localdate() - dt.timedelta(weeks=4), feedback_every_weeks=4)
    client.force_login(pair.mentor)
    assert client.get(reverse("mentoring:pair_detail", args=[pair.pk])).context["feedback_form"] is None
    client.force_login(pair.mentee)
    assert client.get(reverse("mentoring:pair_detail", args=[pair.pk])).context["feedback_form"] is not None
    client.post(
        reverse("mentoring:feedback_create", args=[pair.pk]),
        {"availability": 5, "usefulness": 4, "advice": 3, "confidence": 4, "comment": "Helpful"},
    )
    assert Feedback.objects.get().advice == 3
    assert client.get(reverse("mentoring:pair_detail", args=[pair.pk])).context["feedback_form"] is None


def test_plan_create_and_cabinet_progress(client):
    teacher = TeacherFactory(school=SchoolFactory())
    teacher.subjects.set([SubjectFactory()])
    client.force_login(teacher)
    assert "No development plan yet." in client.get(reverse("cabinet")).content.decode()
    today = timezone.localdate()
    response = client.post(
        reverse("mentoring:plan_create"),
        {
            "topic": "Formative assessment",
            "competency": CompetencyFactory().pk,
            "period_start": today,
            "period_end": today + dt.timedelta(days=700),
            "presentation_kind": "open_lesson",
        },
    )
    plan = DevelopmentPlan.objects.get()
    assert response.url == reverse("mentoring:plan_detail", args=[plan.pk])
    PlanGoalFactory(plan=plan, state="done", completed_at=timezone.now())
    PlanGoalFactory(plan=plan, title="Next step")
    page = client.get(reverse("cabinet")).content.decode()
    assert "Formative assessment" in page and "1 of 2 goals" in page and "Next step" in page
    response = client.post(
        reverse("mentoring:plan_create"),
        {
            "topic": "Second",
            "period_start": today,
            "period_end": today - dt.timedelta(days=1),
            "presentation_kind": "open_lesson",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["The period must end after it starts."]
    assert DevelopmentPlan.objects.count() == 1


def _fill(school, n):
    for _i in range(n):
        pair = ActivePairFactory(
            mentee=YoungTeacherFactory(school=school), mentor=MentorFactory(school=school)
        )
        PairGoalFactory(pair=pair, state="done", completed_at=timezone.now())
        MeetingFactory(pair=pair)
        Feedback.objects.create(pair=pair, period=1, availability=4, usefulness=4, advice=4, confidence=4)
        YoungTeacherFactory(school=school).subjects.set([SubjectFactory()])
        PlanGoalFactory(plan=PlanFactory(teacher=TeacherFactory(school=school)))


@pytest.mark.parametrize("name", ["home", "matching", "plan_list", "reports", "pair_detail", "suggestions"])
def test_pages_run_constant_queries(client, django_assert_max_num_queries, name):
    school = SchoolFactory()
    admin = SchoolAdminFactory(school=school)
    client.force_login(admin)
    limits = {}
    for size in (1, 6):
        _fill(school, size if size == 1 else 5)
        pair = MentoringPair.objects.filter(mentee__school=school).first()
        for _i in range(size):
            PairGoalFactory(pair=pair)
            MeetingFactory(pair=pair)
        args = [pair.pk] if name == "pair_detail" else [_lonely(school).pk] if name == "suggestions" else []
        url = reverse(f"mentoring:{name}", args=args)
        with django_assert_max_num_queries(16) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        limits[size] = len(ctx.captured_queries)
    assert limits[1] == limits[6]


def _lonely(school):
    teacher = YoungTeacherFactory(school=school)
    teacher.subjects.set([SubjectFactory()])
    return teacher


def test_report_figures_and_exports(client):
    school = SchoolFactory(name='=HYPERLINK("http://x")')
    other = SchoolFactory(municipality=school.municipality, name="Lyceum")
    _fill(school, 2)
    YoungTeacherFactory(school=other)
    client.force_login(MunicipalAdminFactory(municipality=school.municipality))
    page = client.get(reverse("mentoring:reports"))
    rows = {s.name: s for s in page.context["schools"]}
    assert (
        rows[school.name].young_total,
        rows[school.name].young_mentored,
        rows[school.name].young_unmentored,
    ) == (4, 2, 2)
    assert (rows[school.name].goals_done_n, rows[school.name].meetings_held_n) == (2, 2)
    assert rows[school.name].feedback_avg is None  # two pairs: below the privacy minimum of three
    assert (rows["Lyceum"].young_total, rows["Lyceum"].young_mentored) == (1, 0)
    assert page.context["goals"]["pair"] == {"total": 2, "done": 2}
    assert page.context["feedback"]["count"] is None

    response = client.get(reverse("mentoring:report_export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][1] == "School"
    assert table[1][1:] == ["'" + school.name, "4", "2", "2", "2", "2", "2", ""]  # formula neutralised
    assert table[2][1:6] == ["Lyceum", "1", "0", "1", "0"]

    response = client.get(reverse("mentoring:report_export", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    assert sheet.cell(row=2, column=2).value == school.name  # the exact text, as a string cell
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert sheet.cell(row=2, column=3).value == 4
    assert workbook.worksheets[1].cell(row=2, column=2).value == 2
    assert client.get(reverse("mentoring:report_export", args=["pdf"])).status_code == 404


def test_school_admin_report_is_scoped_to_their_school(client):
    school = SchoolFactory()
    _fill(SchoolFactory(municipality=school.municipality), 1)
    client.force_login(SchoolAdminFactory(school=school))
    page = client.get(reverse("mentoring:reports"))
    assert [s.pk for s in page.context["schools"]] == [school.pk]
    assert page.context["goals"]["pair"]["total"] == 0


def test_focus_competencies_are_chosen_by_the_pair_or_the_school_admin(client):
    pair = ActivePairFactory()
    first, second = CompetencyFactory(), CompetencyFactory()
    url = reverse("mentoring:pair_focus", args=[pair.pk])
    client.force_login(MunicipalAdminFactory(municipality=pair.mentee.school.municipality))
    client.post(url, {"competencies": [first.pk]})
    assert list(pair.focus_competencies.all()) == []
    client.force_login(SchoolAdminFactory(school=pair.mentee.school))
    client.post(url, {"competencies": [first.pk, second.pk]})
    assert set(pair.focus_competencies.all()) == {first, second}
    client.force_login(pair.mentee)
    response = client.post(url, {"competencies": [first.pk, 999999]}, follow=True)
    assert "Select a valid choice" in _messages(response)[-1]
    assert set(pair.focus_competencies.all()) == {first, second}
    # The goal form then offers the focus competencies only.
    page = client.get(reverse("mentoring:pair_detail", args=[pair.pk]))
    assert [pk for pk, _label in page.context["goal_form"].fields["competency"].choices][1:] == [
        first.pk,
        second.pk,
    ]


def test_summary_for_municipal_monitoring():
    from mentoring.selectors import mentoring_summary

    school = SchoolFactory()
    _fill(school, 2)  # 4 young teachers, 2 of them with an active pair
    summary = mentoring_summary(user=MunicipalAdminFactory(municipality=school.municipality))
    assert summary == {"young_teachers": 4, "young_mentored": 2, "coverage_percent": 50, "active_pairs": 2}
    assert mentoring_summary(user=TeacherFactory())["young_teachers"] == 0


def test_school_admin_sets_a_mentors_capacity(client, django_assert_max_num_queries):
    school = SchoolFactory()
    mentor = MentorFactory(school=school)
    ActivePairFactory(mentor=mentor, mentee=YoungTeacherFactory(school=school))
    url = reverse("mentoring:mentor_capacity", args=[mentor.pk])
    for outsider in (
        MunicipalAdminFactory(municipality=school.municipality),
        SchoolAdminFactory(),
        TeacherFactory(school=school),
    ):
        client.force_login(outsider)
        assert client.post(url, {"capacity": 5}).status_code == 404
    assert not hasattr(mentor, "mentor_profile") or mentor.mentor_profile is None
    client.force_login(SchoolAdminFactory(school=school))
    client.post(url, {"capacity": 11})
    client.post(url, {"capacity": 4})
    mentor.refresh_from_db()
    assert mentor.mentor_profile.capacity == 4
    for _i in range(3):
        MentorFactory(school=school)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("mentoring:mentors"))
    rows = {m.pk: (m.current_mentees, m.mentor_capacity) for m in page.context["page"].object_list}
    assert rows[mentor.pk] == (1, 4) and len(rows) == 5  # the teacher above has 5 years too
    unwilling = MentorFactory(school=school)
    MentorProfileFactory(user=unwilling, willing=False)
    html = client.get(reverse("mentoring:mentors")).content.decode()
    assert f'<tr data-mentor="{unwilling.pk}">' in html
    assert html.count('data-willing="no"') == 1
    assert html.count('data-willing="yes"') == 1  # the capacity form made a profile (willing by default)


def test_cabinet_shows_when_the_mentees_feedback_is_due(client):
    pair = ActivePairFactory(start_date=timezone.localdate() - dt.timedelta(weeks=4), feedback_every_weeks=4)
    client.force_login(pair.mentee)
    assert "Feedback is due" in client.get(reverse("cabinet")).content.decode()
    Feedback.objects.create(pair=pair, period=1, availability=4, usefulness=4, advice=4, confidence=4)
    assert "Feedback is due" not in client.get(reverse("cabinet")).content.decode()
    client.force_login(pair.mentor)
    assert "Feedback is due" not in client.get(reverse("cabinet")).content.decode()
