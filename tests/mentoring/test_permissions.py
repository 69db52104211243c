"""Who sees a pair's workspace and messages: the pair, the school admin of the mentee's school and the
municipal admin (read-only). Everyone else gets 404 on pages and API, and nothing changes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Meeting, Message, PairGoal, PairState
from tests.factories import (
    MunicipalAdminFactory,
    MunicipalityFactory,
    SchoolAdminFactory,
    SchoolFactory,
    TeacherFactory,
)

from .factories import ActivePairFactory, CompetencyFactory, PairGoalFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    pair = ActivePairFactory()
    Message.objects.create(pair=pair, author=pair.mentor, body="secret plan", body_html="<p>secret plan</p>")
    return pair


def _people(pair):
    school = pair.mentee.school
    return {
        "mentor": pair.mentor,
        "mentee": pair.mentee,
        "school_admin": SchoolAdminFactory(school=school),
        "municipal_admin": MunicipalAdminFactory(municipality=school.municipality),
        "other_teacher": TeacherFactory(school=school),
        "other_school_admin": SchoolAdminFactory(school=SchoolFactory(municipality=school.municipality)),
        "other_municipal_admin": MunicipalAdminFactory(municipality=MunicipalityFactory()),
    }


VISIBLE = {"mentor", "mentee", "school_admin", "municipal_admin"}


@pytest.mark.parametrize(
    "who",
    [
        "mentor",
        "mentee",
        "school_admin",
        "municipal_admin",
        "other_teacher",
        "other_school_admin",
        "other_municipal_admin",
        "anonymous",
    ],
)
def test_workspace_page_and_api(client, pair, who):
    people = _people(pair)
    if who != "anonymous":
        client.force_login(people[who])
    page = client.get(reverse("mentoring:pair_detail", args=[pair.pk]))
    api = client.get(f"/api/v1/mentoring/pairs/{pair.pk}/")
    goals = client.get(f"/api/v1/mentoring/goals/?pair={pair.pk}")
    if who == "anonymous":
        assert page.status_code == 302
        assert api.status_code in (401, 403)
        return
    if who in VISIBLE:
        assert page.status_code == 200
        # Messages are the pair's alone (tests/mentoring/test_privacy.py tries every admin role).
        assert ("secret plan" in page.content.decode()) is (who in {"mentor", "mentee"})
        assert api.status_code == 200
    else:
        assert page.status_code == 404
        assert api.status_code == 404
        assert goals.json()["count"] == 0


@pytest.mark.parametrize("who", ["school_admin", "municipal_admin", "other_teacher", "other_school_admin"])
def test_non_members_cannot_write_in_the_workspace(client, pair, who):
    people = _people(pair)
    client.force_login(people[who])
    competency = CompetencyFactory()
    today = timezone.localdate()
    goal = PairGoalFactory(pair=pair)
    client.post(reverse("mentoring:message_create", args=[pair.pk]), {"body": "hi"})
    client.post(
        reverse("mentoring:goal_create", args=[pair.pk]),
        {"title": "x", "competency": competency.pk, "due_date": today},
    )
    client.post(reverse("mentoring:goal_set_state", args=[pair.pk, goal.pk]), {"state": "done"})
    client.post(
        reverse("mentoring:meeting_create", args=[pair.pk]),
        {"date": today, "kind": "consultation", "status": "held"},
    )
    api_goal = client.post(
        "/api/v1/mentoring/goals/",
        {"pair": pair.pk, "competency": competency.pk, "title": "x", "due_date": today},
    )
    api_meeting = client.post(
        "/api/v1/mentoring/meetings/", {"pair": pair.pk, "date": today, "kind": "consultation"}
    )
    api_state = client.post(f"/api/v1/mentoring/goals/{goal.pk}/state/", {"state": "done"})
    assert api_goal.status_code in (400, 403)
    assert api_meeting.status_code in (400, 403)
    assert api_state.status_code in (403, 404)
    assert Message.objects.filter(pair=pair).count() == 1
    assert PairGoal.objects.filter(pair=pair).count() == 1
    goal.refresh_from_db()
    assert goal.state == "planned"
    assert Meeting.objects.filter(pair=pair).count() == 0


@pytest.mark.parametrize("who", ["municipal_admin", "other_teacher", "other_school_admin", "mentee"])
def test_only_the_mentees_school_admin_or_members_stop_or_complete(client, pair, who):
    people = _people(pair)
    client.force_login(people[who])
    client.post(reverse("mentoring:pair_complete", args=[pair.pk]))
    client.post(f"/api/v1/mentoring/pairs/{pair.pk}/complete/")
    if who != "mentee":
        client.post(reverse("mentoring:pair_stop", args=[pair.pk]), {"reason": "x"})
        client.post(f"/api/v1/mentoring/pairs/{pair.pk}/stop/", {"reason": "x"})
    pair.refresh_from_db()
    assert pair.state == PairState.ACTIVE


def test_matching_pages_are_for_admins_and_proposing_for_school_admins(client, pair):
    people = _people(pair)
    for who, status in [
        ("other_teacher", 404),
        ("mentor", 404),
        ("school_admin", 200),
        ("municipal_admin", 200),
    ]:
        client.force_login(people[who])
        assert client.get(reverse("mentoring:matching")).status_code == status
        assert client.get(reverse("mentoring:reports")).status_code == status
    mentee = TeacherFactory(school=pair.mentee.school, years_of_experience=0)
    client.force_login(people["municipal_admin"])
    response = client.post(reverse("mentoring:pair_propose", args=[mentee.pk]), {"mentor": pair.mentor.pk})
    assert response.status_code == 404
    client.force_login(people["other_school_admin"])
    assert client.get(reverse("mentoring:suggestions", args=[mentee.pk])).status_code == 404
    response = client.post("/api/v1/mentoring/pairs/", {"mentor": pair.mentor.pk, "mentee": mentee.pk})
    assert response.status_code == 400
    assert not mentee.mentoring_as_mentee.exists()


def test_plans_are_visible_to_owner_and_admins_of_their_school(client):
    plan = PlanFactory()
    school = plan.teacher.school
    cases = [
        (plan.teacher, 200),
        (SchoolAdminFactory(school=school), 200),
        (MunicipalAdminFactory(municipality=school.municipality), 200),
        (TeacherFactory(school=school), 404),
        (SchoolAdminFactory(), 404),
    ]
    for user, status in cases:
        client.force_login(user)
        assert client.get(reverse("mentoring:plan_detail", args=[plan.pk])).status_code == status
        assert client.get(f"/api/v1/mentoring/plans/{plan.pk}/").status_code == status
    # Admins read but do not write someone's plan.
    client.force_login(SchoolAdminFactory(school=school))
    client.post(
        reverse("mentoring:plan_goal_create", args=[plan.pk]),
        {"title": "x", "due_date": timezone.localdate() + dt.timedelta(days=3)},
    )
    response = client.post(
        f"/api/v1/mentoring/plans/{plan.pk}/goals/", {"title": "x", "due_date": "2030-01-01"}
    )
    assert response.status_code == 403
    assert plan.goals.count() == 0
