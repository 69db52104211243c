"""API: the same rules as the pages, with 400 + message for bad input and a documented schema."""

import datetime as dt

import pytest
from django.utils import timezone

from mentoring.models import DevelopmentPlan, Meeting, MentoringPair, PairGoal, PairState
from tests.factories import SchoolAdminFactory, SchoolFactory, TeacherFactory

from .factories import (
    ActivePairFactory,
    CompetencyFactory,
    CourseFactory,
    MentorFactory,
    PairGoalFactory,
    YoungTeacherFactory,
)

pytestmark = pytest.mark.django_db


def test_pair_lifecycle_through_the_api(client):
    school = SchoolFactory()
    admin = SchoolAdminFactory(school=school)
    mentor, mentee = MentorFactory(school=school), YoungTeacherFactory(school=school)
    competency = CompetencyFactory()
    client.force_login(admin)
    response = client.post(
        "/api/v1/mentoring/pairs/",
        {"mentor": mentor.pk, "mentee": mentee.pk, "focus_competencies": [competency.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pair_id = response.json()["id"]
    assert response.json()["state"] == "proposed"
    assert response.json()["focus_competencies"] == [competency.pk]

    for person in (mentee, mentor):
        client.force_login(person)
        response = client.post(f"/api/v1/mentoring/pairs/{pair_id}/accept/")
        assert response.status_code == 200
    assert response.json()["state"] == "active"

    response = client.post(
        "/api/v1/mentoring/goals/",
        {"pair": pair_id, "competency": competency.pk, "title": "Plan a lesson", "due_date": "2030-01-01"},
    )
    assert response.status_code == 201, response.content
    goal_id = response.json()["id"]
    client.force_login(mentee)
    response = client.post(f"/api/v1/mentoring/goals/{goal_id}/state/", {"state": "done"})
    assert response.json()["state"] == "done"
    client.force_login(mentor)
    response = client.post(
        "/api/v1/mentoring/meetings/",
        {"pair": pair_id, "date": str(timezone.localdate()), "kind": "open_lesson", "notes": "n"},
    )
    assert response.status_code == 201, response.content
    assert client.get(f"/api/v1/mentoring/meetings/?pair={pair_id}").json()["count"] == 1


def test_api_bad_input_gets_a_clear_message_and_changes_nothing(client):
    pair = ActivePairFactory()
    client.force_login(pair.mentor)
    tomorrow = str(timezone.localdate() + dt.timedelta(days=1))
    response = client.post(
        "/api/v1/mentoring/meetings/",
        {"pair": pair.pk, "date": tomorrow, "kind": "consultation", "status": "held"},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": ["A meeting dated in the future cannot be marked as held."]}
    response = client.post(
        "/api/v1/mentoring/goals/",
        {"pair": pair.pk, "competency": 999999, "title": "x", "due_date": "2030-01-01"},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": ["Unknown competency."]}
    assert Meeting.objects.count() == 0 and PairGoal.objects.count() == 0

    admin = SchoolAdminFactory(school=pair.mentee.school)
    client.force_login(admin)
    response = client.post("/api/v1/mentoring/pairs/", {"mentor": pair.mentee.pk, "mentee": pair.mentee.pk})
    assert response.status_code == 400
    assert response.json() == {"detail": ["A teacher cannot be their own mentor."]}
    response = client.post("/api/v1/mentoring/pairs/", {"mentor": pair.mentor.pk, "mentee": pair.mentee.pk})
    assert response.json() == {"detail": ["This pair already exists."]}
    ActivePairFactory(mentor=pair.mentor, mentee=YoungTeacherFactory(school=pair.mentee.school))
    response = client.post(
        "/api/v1/mentoring/pairs/",
        {"mentor": pair.mentor.pk, "mentee": YoungTeacherFactory(school=pair.mentee.school).pk},
    )
    assert response.status_code == 400
    assert "capacity" in response.json()["detail"][0]
    assert MentoringPair.objects.count() == 2


def test_pair_goal_in_an_invisible_pair_is_unknown(client):
    pair = ActivePairFactory()
    client.force_login(TeacherFactory())
    response = client.post(
        "/api/v1/mentoring/goals/",
        {"pair": pair.pk, "competency": CompetencyFactory().pk, "title": "x", "due_date": "2030-01-01"},
    )
    assert response.status_code == 400
    assert "pair" in response.json()
    goal = PairGoalFactory(pair=pair)
    assert client.post(f"/api/v1/mentoring/goals/{goal.pk}/state/", {"state": "done"}).status_code == 404


def test_plans_api(client):
    teacher = TeacherFactory()
    client.force_login(teacher)
    today = timezone.localdate()
    response = client.post(
        "/api/v1/mentoring/plans/",
        {
            "topic": "Digital tools",
            "period_start": str(today),
            "period_end": str(today + dt.timedelta(days=600)),
            "presentation_kind": "library_publication",
        },
    )
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    course = CourseFactory()
    response = client.post(
        f"/api/v1/mentoring/plans/{plan_id}/goals/",
        {
            "title": "Course",
            "due_date": str(today),
            "course": course.pk,
            "event_link": "https://example.org/event",
        },
    )
    assert response.status_code == 201, response.content
    goal_id = response.json()["id"]
    response = client.post(f"/api/v1/mentoring/plans/{plan_id}/goals/{goal_id}/state/", {"state": "done"})
    assert response.json()["state"] == "done"
    response = client.post(
        "/api/v1/mentoring/plans/",
        {
            "topic": "Second",
            "period_start": str(today),
            "period_end": str(today + dt.timedelta(days=60)),
            "presentation_kind": "open_lesson",
        },
    )
    assert response.json() == {"detail": ["You already have an active development plan."]}
    assert DevelopmentPlan.objects.count() == 1
    listing = client.get("/api/v1/mentoring/plans/").json()
    assert [p["id"] for p in listing["results"]] == [plan_id]
    assert listing["results"][0]["goals"][0]["course"] == course.pk


def test_schema_documents_the_mentoring_endpoints(client):
    client.force_login(TeacherFactory())
    schema = client.get("/api/schema/").content.decode()
    for path in [
        "/api/v1/mentoring/pairs/",
        "/api/v1/mentoring/goals/",
        "/api/v1/mentoring/meetings/",
        "/api/v1/mentoring/plans/",
        "/api/v1/mentoring/pairs/{id}/accept/",
    ]:
        assert path in schema


def test_pair_list_state_filter(client):
    pair = ActivePairFactory()
    client.force_login(pair.mentor)
    assert client.get("/api/v1/mentoring/pairs/?state=active").json()["count"] == 1
    assert client.get("/api/v1/mentoring/pairs/?state=proposed").json()["count"] == 0
    assert pair.state == PairState.ACTIVE


@pytest.mark.parametrize("endpoint", ["pairs", "goals", "meetings", "plans"])
def test_api_lists_run_constant_queries(client, django_assert_max_num_queries, endpoint):
    from .factories import MeetingFactory, PlanFactory, PlanGoalFactory

    school = SchoolFactory()
    admin = SchoolAdminFactory(school=school)
    mentor = MentorFactory(school=school)
    # Meetings (private notes) are listed to the pair only; the other lists are read by the admin.
    client.force_login(mentor if endpoint == "meetings" else admin)
    counts = []
    for size in (1, 5):
        for _i in range(size):
            pair = ActivePairFactory(mentee=YoungTeacherFactory(school=school), mentor=mentor)
            pair.focus_competencies.set([CompetencyFactory()])
            PairGoalFactory(pair=pair)
            MeetingFactory(pair=pair)
            PlanGoalFactory(plan=PlanFactory(teacher=TeacherFactory(school=school)))
        with django_assert_max_num_queries(10) as ctx:
            response = client.get(f"/api/v1/mentoring/{endpoint}/")
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert response.json()["count"] == 6
