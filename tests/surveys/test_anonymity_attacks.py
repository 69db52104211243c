"""Anonymity attacks: each test plays someone trying to learn what one person answered."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from surveys import services
from surveys.models import Draft, Question
from tests.conftest import requires_postgres
from tests.factories import SchoolFactory, TeacherFactory

from .factories import (
    CohortFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    feedback_survey,
)

pytestmark = pytest.mark.django_db


def _answer(survey, questions, enrollment, value, text):
    services.response_submit(
        survey=survey,
        user=enrollment.teacher,
        cohort=enrollment.cohort,
        answers={questions[0].pk: value, questions[1].pk: value, questions[2].pk: text},
    )


@pytest.fixture
def lone_respondent():
    """Cohort A: 20 answers of 5; cohort B: one person who answered 1 and wrote a secret."""
    big, small = CohortFactory(title="Big"), CohortFactory(title="Small")
    author = TeacherFactory()
    survey, questions = feedback_survey(cohorts=[big, small], authors=[author])
    for _ in range(20):
        _answer(survey, questions, EnrollmentFactory(cohort=big), 5, "fine")
    _answer(survey, questions, EnrollmentFactory(cohort=small), 1, "secret-of-the-lone-one")
    return survey, questions, author, big, small


def test_raw_export_never_carries_a_group_under_k(client, lone_respondent):
    survey, _questions, author, _big, small = lone_respondent
    client.force_login(author)
    everything = client.get(reverse("surveys:export", args=[survey.pk, "raw", "csv"]))
    content = b"".join(everything.streaming_content).decode("utf-8-sig")
    assert everything.status_code == 200
    assert "secret-of-the-lone-one" not in content
    assert "Small" not in content
    assert content.count("fine") == 20


def test_differencing_all_minus_one_cohort_through_the_api(lone_respondent):
    survey, _questions, author, big, _small = lone_respondent
    api = APIClient()
    api.force_authenticate(author)
    everything = api.get(f"/api/v1/surveys/{survey.pk}/results/").json()
    big_only = api.get(f"/api/v1/surveys/{survey.pk}/results/", {"cohort": big.pk}).json()
    assert everything["responses"] - big_only["responses"] == 0
    assert everything["likert"][0]["counts"] == big_only["likert"][0]["counts"] == [0, 0, 0, 0, 20]


def test_differencing_all_minus_one_cohort_on_the_page(client, lone_respondent):
    survey, _questions, author, big, small = lone_respondent
    client.force_login(author)
    url = reverse("surveys:results", args=[survey.pk])
    everything = client.get(url).context["results"]
    big_only = client.get(url, {"cohort": big.pk}).context["results"]
    assert (everything.responses, big_only.responses) == (20, 20)
    assert everything.likert[0].counts == big_only.likert[0].counts
    small_only = client.get(url, {"cohort": small.pk}).context["results"]
    assert (small_only.hidden, small_only.likert, small_only.texts) == (True, [], [])


def test_differencing_over_time_before_and_after_one_submission(client):
    school = SchoolFactory()  # one school: one cell (cells by school, decision 0354)
    author = TeacherFactory()
    survey = SurveyFactory(is_anonymous=True, authors=[author])
    question = QuestionFactory(section=SectionFactory(survey=survey), survey=survey)
    for _ in range(5):
        services.response_submit(survey=survey, user=TeacherFactory(school=school), answers={question.pk: 4})
    client.force_login(author)
    url = reverse("surveys:results", args=[survey.pk])
    before = client.get(url).context["results"]
    services.response_submit(survey=survey, user=TeacherFactory(school=school), answers={question.pk: 1})
    after = client.get(url).context["results"]
    assert (before.responses, after.responses) == (5, 5)
    assert after.likert[0].counts == [0, 0, 0, 5, 0]
    for _ in range(4):
        services.response_submit(survey=survey, user=TeacherFactory(school=school), answers={question.pk: 2})
    released = client.get(url).context["results"]
    assert released.responses == 10 and released.likert[0].counts == [1, 4, 0, 5, 0]


def _order_attack(order_by: str, settings) -> tuple[int, int]:
    """Submit 10 anonymous answers (each person writes their own e-mail), then join by storage order."""
    school = SchoolFactory()  # one school: one cell (cells by school, decision 0354)
    settings.SURVEYS_ANONYMITY_K = 10
    survey = SurveyFactory(is_anonymous=True)
    section = SectionFactory(survey=survey)
    text = QuestionFactory(section=section, survey=survey, kind=Question.Kind.TEXT)
    for i in range(10):
        teacher = TeacherFactory(email=f"person{i}@example.org", school=school)
        services.response_submit(survey=survey, user=teacher, answers={text.pk: teacher.email})
    with connection.cursor() as cursor:
        people_sql = (
            "SELECT u.email FROM surveys_participation p JOIN accounts_user u ON u.id = p.user_id "  # noqa: S608 - a fixed column name
            "WHERE p.survey_id = %s ORDER BY p." + order_by
        )
        cursor.execute(people_sql, [survey.pk])
        people = [row[0] for row in cursor.fetchall()]
        answers_sql = (
            "SELECT a.text FROM surveys_response r JOIN surveys_answer a ON a.response_id = r.id "  # noqa: S608 - a fixed column name
            "WHERE r.survey_id = %s ORDER BY r." + order_by
        )
        cursor.execute(answers_sql, [survey.pk])
        answers = [row[0] for row in cursor.fetchall()]
    assert sorted(answers) == sorted(people)
    return sum(1 for person, answer in zip(people, answers, strict=True) if person == answer), len(people)


def test_row_order_join_fails(settings):
    """SQLite: rowid follows insertion; PostgreSQL: ctid (physical place) does, until rows move."""
    linked, total = _order_attack("rowid" if connection.vendor == "sqlite" else "ctid", settings)
    assert total == 10 and linked < 10


@requires_postgres()
def test_transaction_id_join_fails_on_postgres(settings):
    """xmin is the inserting transaction: it must not single out one response."""
    _order_attack("ctid", settings)
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text, count(*) FROM surveys_response GROUP BY xmin::text")
        assert [n for _xmin, n in cursor.fetchall()] == [10]


def test_pending_answers_are_not_stored_as_rows_until_k_arrive(settings):
    school = SchoolFactory()  # one school: one cell (cells by school, decision 0354)
    survey = SurveyFactory(is_anonymous=True)
    question = QuestionFactory(section=SectionFactory(survey=survey), survey=survey)
    for _ in range(4):
        services.response_submit(survey=survey, user=TeacherFactory(school=school), answers={question.pk: 3})
    assert survey.responses.count() == 0
    services.response_submit(survey=survey, user=TeacherFactory(school=school), answers={question.pk: 3})
    assert survey.responses.count() == 5


def test_draft_of_an_anonymous_survey_is_not_kept_against_the_person(client):
    survey = SurveyFactory(is_anonymous=True)
    p1, p2 = SectionFactory(survey=survey, position=1), SectionFactory(survey=survey, position=2)
    q1, q2 = QuestionFactory(section=p1, survey=survey), QuestionFactory(section=p2, survey=survey)
    teacher = TeacherFactory()
    client.force_login(teacher)
    client.post(
        reverse("surveys:autosave", args=[survey.pk]), {"page": 1, f"q{q1.pk}": "2"}, HTTP_HX_REQUEST="true"
    )
    url = reverse("surveys:fill", args=[survey.pk])
    page2 = client.post(url, {"page": 1, f"q{q1.pk}": "2"})
    assert not Draft.objects.exists()
    assert (page2.status_code, page2.context["page"]) == (200, 2)
    carried = page2.context["carried"]
    done = client.post(url, {"page": 2, "carried": carried, f"q{q2.pk}": "5"})
    assert done.url == reverse("surveys:thanks", args=[survey.pk])
    assert not Draft.objects.exists()
    assert survey.participations.count() == 1
