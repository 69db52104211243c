"""Who may see what: results to authors, the course's methodologists and the cohort's curators only;
profiles to their teacher and their school's administrators; anonymous answers to no one."""

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Answer, Response
from tests.factories import (
    CuratorFactory,
    MethodologistFactory,
    MunicipalAdminFactory,
    SchoolAdminFactory,
    SchoolFactory,
    TeacherFactory,
)

from .factories import (
    CohortFactory,
    CompetencyFactory,
    CourseFactory,
    EnrollmentFactory,
    SurveyFactory,
    diagnostic_survey,
    feedback_survey,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    curator, other_curator = CuratorFactory(), CuratorFactory()
    methodologist = MethodologistFactory()
    course = CourseFactory()
    course.authors.add(methodologist)
    mine = CohortFactory(course=course, curators=[curator])
    theirs = CohortFactory(curators=[other_curator])
    survey, questions = feedback_survey(cohorts=[mine, theirs])
    for cohort, value in ((mine, 5), (theirs, 1)):
        for _ in range(5):
            e = EnrollmentFactory(cohort=cohort)
            services.response_submit(
                survey=survey,
                user=e.teacher,
                cohort=cohort,
                answers={questions[0].pk: value, questions[1].pk: value},
            )
    return {
        "curator": curator,
        "other_curator": other_curator,
        "methodologist": methodologist,
        "survey": survey,
        "mine": mine,
        "theirs": theirs,
    }


@pytest.mark.parametrize("who", ["anonymous", "teacher", "school_admin", "unrelated_methodologist"])
def test_outsiders_get_404_or_login_for_results(client, world, who):
    users = {
        "teacher": TeacherFactory,
        "school_admin": SchoolAdminFactory,
        "unrelated_methodologist": MethodologistFactory,
    }
    if who != "anonymous":
        client.force_login(users[who]())
    url = reverse("surveys:results", args=[world["survey"].pk])
    response = client.get(url)
    assert response.status_code == (302 if who == "anonymous" else 404)
    export = client.get(reverse("surveys:export", args=[world["survey"].pk, "raw", "csv"]))
    assert export.status_code == (302 if who == "anonymous" else 404)


def test_curator_sees_only_their_cohort_even_when_asking_for_another(client, world):
    client.force_login(world["curator"])
    url = reverse("surveys:results", args=[world["survey"].pk])
    body = client.get(url).content.decode()
    assert "5 responses" in body and "100%" in body
    assert world["theirs"].title not in body
    # Asking for the other cohort's id is an error (400), not a quiet fallback to the curator's own cohort.
    other = client.get(f"{url}?cohort={world['theirs'].pk}")
    assert other.status_code == 400
    assert "not one of the survey&#x27;s cohorts you can see" in other.content.decode()
    raw = client.get(reverse("surveys:export", args=[world["survey"].pk, "distribution", "csv"]))
    rows = b"".join(raw.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[1].split(",")[2:7] == ["0", "0", "0", "0", "100"]


def test_course_methodologist_sees_their_course_cohort(client, world):
    client.force_login(world["methodologist"])
    body = client.get(reverse("surveys:results", args=[world["survey"].pk])).content.decode()
    assert world["mine"].title in body and world["theirs"].title not in body


def test_survey_author_sees_everything(client, world):
    author = MethodologistFactory()
    world["survey"].authors.add(author)
    client.force_login(author)
    body = client.get(reverse("surveys:results", args=[world["survey"].pk])).content.decode()
    assert "10 responses" in body and world["theirs"].title in body


def test_anonymous_answers_not_linked_anywhere(world):
    assert Response.objects.filter(survey=world["survey"], respondent__isnull=False).count() == 0
    assert Answer.objects.filter(response__survey=world["survey"]).count() == 20


def test_admin_shows_no_answers_of_anonymous_surveys(admin_client, world):
    assert admin_client.get("/admin/surveys/").status_code == 200
    assert admin_client.get("/admin/surveys/response/").status_code == 404
    assert admin_client.get("/admin/surveys/answer/").status_code == 404


def test_school_admin_heatmap_scope_and_teacher_forbidden(client):
    comp = CompetencyFactory()
    survey, (q,) = diagnostic_survey(competencies=[comp], per_competency=1)
    school, other = SchoolFactory(), SchoolFactory()
    mine = TeacherFactory(school=school, full_name="Mine Teacher")
    theirs = TeacherFactory(school=other, full_name="Their Teacher")
    for t in (mine, theirs):
        services.response_submit(survey=survey, user=t, answers={q.pk: 2})
    client.force_login(TeacherFactory())
    assert client.get(reverse("surveys:heatmap")).status_code == 403
    client.force_login(SchoolAdminFactory(school=school))
    body = client.get(reverse("surveys:heatmap")).content.decode()
    assert "Mine Teacher" in body and "Their Teacher" not in body
    municipal = MunicipalAdminFactory(municipality=school.municipality)
    client.force_login(municipal)
    body = client.get(reverse("surveys:heatmap")).content.decode()
    assert "Mine Teacher" in body and "heat-schools" in body
    assert ("Their Teacher" in body) == (other.municipality_id == school.municipality_id)


def test_profile_is_only_my_own(client):
    comp = CompetencyFactory(name="Only mine")
    survey, (q,) = diagnostic_survey(competencies=[comp], per_competency=1)
    services.response_submit(survey=survey, user=TeacherFactory(), answers={q.pk: 1})
    client.force_login(TeacherFactory())
    assert "Only mine" not in client.get(reverse("surveys:profile")).content.decode()


def test_unpublished_or_other_school_survey_is_404(client):
    teacher = TeacherFactory()
    client.force_login(teacher)
    draft = SurveyFactory(is_published=False)
    other_school = SurveyFactory(audience="school", school=SchoolFactory())
    for survey in (draft, other_school):
        assert client.get(reverse("surveys:fill", args=[survey.pk])).status_code == 404
        assert client.post(reverse("surveys:autosave", args=[survey.pk]), {"page": 1}).status_code == 404
