"""Attack: the private side of a pair (messages, meeting notes, the mentee's feedback) is the pair's
alone. Every administrator role tries every private item through the page, the API, the report, the
export and the Django admin; they see status, dates, goals' titles and states and meeting counts,
and feedback only as a school aggregate over at least three pairs, or an entry the mentee shared."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Feedback, Meeting, MeetingStatus, Message
from tests.factories import (
    CuratorFactory,
    MethodologistFactory,
    MunicipalAdminFactory,
    SchoolAdminFactory,
    SchoolFactory,
)

from .factories import ActivePairFactory, MeetingFactory, MentorFactory, PairGoalFactory, YoungTeacherFactory

pytestmark = pytest.mark.django_db

PRIVATE = ["SECRET-MESSAGE", "SECRET-NOTES", "SECRET-STEPS", "SECRET-FEEDBACK"]


def _feedback(pair, *, period=1, comment="", shared=False, score=2):
    return Feedback.objects.create(
        pair=pair,
        period=period,
        availability=score,
        usefulness=score,
        advice=score,
        confidence=score,
        comment=comment,
        shared_with_school=shared,
    )


@pytest.fixture
def pair():
    pair = ActivePairFactory()
    Message.objects.create(
        pair=pair, author=pair.mentee, body="SECRET-MESSAGE", body_html="<p>SECRET-MESSAGE</p>"
    )
    MeetingFactory(pair=pair, notes="SECRET-NOTES", next_steps="SECRET-STEPS")
    MeetingFactory(pair=pair, status=MeetingStatus.PLANNED, date=timezone.localdate())
    PairGoalFactory(pair=pair, title="Visible goal title")
    _feedback(pair, comment="SECRET-FEEDBACK")
    return pair


def _admins(pair):
    school = pair.mentee.school
    return {
        "school_admin": SchoolAdminFactory(school=school),
        "municipal_admin": MunicipalAdminFactory(municipality=school.municipality),
        "other_school_admin": SchoolAdminFactory(school=SchoolFactory(municipality=school.municipality)),
        "methodologist": MethodologistFactory(school=school),
        "curator": CuratorFactory(school=school),
    }


# role → status of the pair's page and API (the pair's frame is visible to its school and municipality)
SEES_PAIR = {
    "school_admin": 200,
    "municipal_admin": 200,
    "other_school_admin": 404,
    "methodologist": 404,
    "curator": 404,
}
SEES_REPORTS = {
    "school_admin": 200,
    "municipal_admin": 200,
    "other_school_admin": 200,
    "methodologist": 404,
    "curator": 404,
}


def _assert_private_absent(text: str) -> None:
    for secret in PRIVATE:
        assert secret not in text


@pytest.mark.parametrize("role", list(SEES_PAIR))
def test_administrators_never_read_the_private_side(client, pair, role):
    user = _admins(pair)[role]
    client.force_login(user)
    page = client.get(reverse("mentoring:pair_detail", args=[pair.pk]))
    assert page.status_code == SEES_PAIR[role]
    _assert_private_absent(page.content.decode())
    if SEES_PAIR[role] == 200:
        body = page.content.decode()
        assert "Visible goal title" in body
        assert page.context["meeting_counts"] == {"held": 1, "planned": 1}
        assert page.context["pair_messages"] == []
        assert page.context["feedback"] == []

    api = client.get(f"/api/v1/mentoring/pairs/{pair.pk}/")
    assert api.status_code == SEES_PAIR[role]
    _assert_private_absent(api.content.decode())
    if SEES_PAIR[role] == 200:
        assert api.json()["meetings_held"] == 1
        assert api.json()["meetings_planned"] == 1

    meetings = client.get(f"/api/v1/mentoring/meetings/?pair={pair.pk}")
    assert meetings.status_code == 200
    assert meetings.json()["count"] == 0
    _assert_private_absent(meetings.content.decode())
    one = client.get(f"/api/v1/mentoring/meetings/{Meeting.objects.filter(pair=pair).first().pk}/")
    assert one.status_code == 404

    goals = client.get(f"/api/v1/mentoring/goals/?pair={pair.pk}")
    assert goals.json()["count"] == (1 if SEES_PAIR[role] == 200 else 0)

    reports = client.get(reverse("mentoring:reports"))
    assert reports.status_code == SEES_REPORTS[role]
    _assert_private_absent(reports.content.decode())
    if SEES_REPORTS[role] == 200:
        assert reports.context["feedback"]["count"] is None  # one pair: below the minimum of three

    for fmt in ("csv", "xlsx"):
        export = client.get(reverse("mentoring:report_export", args=[fmt]))
        assert export.status_code == SEES_REPORTS[role]
        content = b"".join(export.streaming_content) if export.streaming else export.content
        assert b"SECRET" not in content
    if SEES_PAIR[role] == 200:  # the pair's school is in their report
        export = client.get(reverse("mentoring:report_export", args=["csv"]))
        rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
        school_row = next(r for r in rows[1:] if pair.mentee.school.name in r)
        assert school_row.endswith(",")  # the feedback average column is empty below three pairs

    admin_page = client.get(reverse("admin:mentoring_mentoringpair_change", args=[pair.pk]))
    assert admin_page.status_code == (403 if user.is_staff else 302)
    _assert_private_absent(admin_page.content.decode())


def test_the_pair_reads_everything(client, pair):
    for person in (pair.mentor, pair.mentee):
        client.force_login(person)
        body = client.get(reverse("mentoring:pair_detail", args=[pair.pk])).content.decode()
        for secret in PRIVATE:
            assert secret in body
        meetings = client.get(f"/api/v1/mentoring/meetings/?pair={pair.pk}").json()
        assert meetings["count"] == 2


def test_a_shared_feedback_entry_reaches_the_school_but_not_another(client, pair):
    shared = _feedback(pair, period=2, comment="I share this with the school", shared=True)
    admins = _admins(pair)
    client.force_login(admins["school_admin"])
    page = client.get(reverse("mentoring:pair_detail", args=[pair.pk]))
    assert [f.pk for f in page.context["feedback"]] == [shared.pk]
    body = page.content.decode()
    assert "I share this with the school" in body
    assert "SECRET-FEEDBACK" not in body


def test_the_mentee_shares_an_entry_and_nobody_else_can(client, pair):
    entry = pair.feedback.get()
    url = reverse("mentoring:feedback_share", args=[pair.pk, entry.pk])
    for intruder in (pair.mentor, _admins(pair)["school_admin"]):
        client.force_login(intruder)
        client.post(url, {"shared": "1"})
        entry.refresh_from_db()
        assert entry.shared_with_school is False
    client.force_login(pair.mentee)
    client.post(url, {"shared": "1"})
    entry.refresh_from_db()
    assert entry.shared_with_school is True


def test_school_aggregate_of_feedback_needs_three_pairs(client, pair):
    school = pair.mentee.school
    admin = SchoolAdminFactory(school=school)
    other = ActivePairFactory(mentee=YoungTeacherFactory(school=school), mentor=MentorFactory(school=school))
    _feedback(other, score=4)
    client.force_login(admin)
    assert client.get(reverse("mentoring:reports")).context["feedback"]["count"] is None
    third = ActivePairFactory(mentee=YoungTeacherFactory(school=school), mentor=MentorFactory(school=school))
    _feedback(third, score=3)
    response = client.get(reverse("mentoring:reports"))
    assert response.context["feedback"]["count"] == 3
    assert response.context["feedback"]["items"][0][1] == 3.0
    row = next(s for s in response.context["schools"] if s.pk == school.pk)
    assert float(row.feedback_avg) == 3.0
