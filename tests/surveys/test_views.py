"""Pages: filling in with pages, autosave and thank-you; profile; results; exports; heat map; cabinet."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys import services
from surveys.models import Draft, ExportJob, Participation, Response
from tests.factories import SchoolAdminFactory, TeacherFactory

from .factories import (
    CohortFactory,
    CompetencyFactory,
    CourseFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    diagnostic_survey,
    feedback_survey,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_page_survey():
    survey = SurveyFactory(title="Two pages", what_next="We will publish the totals in May.")
    p1, p2 = SectionFactory(survey=survey, position=1), SectionFactory(survey=survey, position=2)
    return survey, QuestionFactory(section=p1, survey=survey), QuestionFactory(section=p2, survey=survey)


def test_fill_two_pages_then_thanks(client, two_page_survey):
    survey, q1, q2 = two_page_survey
    teacher = TeacherFactory()
    client.force_login(teacher)
    url = reverse("surveys:fill", args=[survey.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Page 1 of 2" in page.content
    assert client.post(url, {"page": 1, f"q{q1.pk}": "4"}).url == f"{url}?page=2"
    assert Draft.objects.get().data == {str(q1.pk): 4}
    page2 = client.get(f"{url}?page=2")
    assert b"Page 2 of 2" in page2.content and b"width: 50%" in page2.content
    done = client.post(url, {"page": 2, f"q{q2.pk}": "5"})
    assert done.url == reverse("surveys:thanks", args=[survey.pk])
    assert b"We will publish the totals in May." in client.get(done.url).content
    assert sorted(Response.objects.get().answers.values_list("value", flat=True)) == [4, 5]
    assert not Draft.objects.exists()


def test_missing_required_answer_shows_the_page_again(client, two_page_survey):
    survey, q1, _q2 = two_page_survey
    client.force_login(TeacherFactory())
    response = client.post(reverse("surveys:fill", args=[survey.pk]), {"page": 1})
    assert response.status_code == 200 and b"This field is required" in response.content
    assert not Participation.objects.exists()


def test_autosave_keeps_raw_answers_and_resumes_on_that_page(client, two_page_survey):
    survey, q1, _q2 = two_page_survey
    teacher = TeacherFactory()
    client.force_login(teacher)
    response = client.post(
        reverse("surveys:autosave", args=[survey.pk]), {"page": 1, f"q{q1.pk}": "3"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b"Draft saved" in response.content
    assert Draft.objects.get(user=teacher).data == {str(q1.pk): "3"}
    page = client.get(reverse("surveys:fill", args=[survey.pk]))
    assert b'value="3" class="btn-check"' in page.content and b"checked" in page.content


def test_second_visit_after_responding_redirects_with_a_message(client, two_page_survey):
    survey, q1, q2 = two_page_survey
    teacher = TeacherFactory()
    services.response_submit(survey=survey, user=teacher, answers={q1.pk: 1, q2.pk: 1})
    client.force_login(teacher)
    response = client.get(reverse("surveys:fill", args=[survey.pk]), follow=True)
    assert b"You have already responded to this survey." in response.content


def test_feedback_survey_needs_my_cohort(client):
    enrollment = EnrollmentFactory()
    other = CohortFactory()
    survey, _questions = feedback_survey(cohorts=[enrollment.cohort, other])
    client.force_login(enrollment.teacher)
    url = reverse("surveys:fill", args=[survey.pk])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?cohort={other.pk}").status_code == 404
    ok = client.get(f"{url}?cohort={enrollment.cohort.pk}")
    assert ok.status_code == 200 and b"This survey is anonymous" in ok.content


def test_diagnostic_to_profile_with_chart_and_recommendation(client):
    comp = CompetencyFactory(name="Formative assessment")
    survey, (q,) = diagnostic_survey(competencies=[comp], per_competency=1)
    course = CourseFactory(title="Assessment for learning", competencies=[comp])
    cohort = CohortFactory(course=course, title="Spring stream")
    teacher = TeacherFactory()
    client.force_login(teacher)
    client.post(reverse("surveys:fill", args=[survey.pk]), {"page": 1, f"q{q.pk}": "2"})
    page = client.get(reverse("surveys:profile"))
    body = page.content.decode()
    assert "<svg" in body and "Formative assessment" in body and "Assessment for learning" in body
    assert "Spring stream" in body and f"#cohort-{cohort.pk}" in body or "/enrol" in body


def test_cabinet_lists_pending_surveys(client):
    teacher = TeacherFactory(full_name="T", position="teacher", years_of_experience=3)
    SurveyFactory(title="Tell us about your year")
    client.force_login(teacher)
    body = client.get(reverse("cabinet")).content.decode()
    assert "Tell us about your year" in body


def _filled_feedback(n=6, anonymous=True, curators=None):
    cohort = CohortFactory(curators=curators or [])
    survey, questions = feedback_survey(cohorts=[cohort], anonymous=anonymous)
    people = []
    for i in range(n):
        e = EnrollmentFactory(cohort=cohort)
        people.append(e.teacher)
        services.response_submit(
            survey=survey,
            user=e.teacher,
            cohort=cohort,
            answers={questions[0].pk: 1 + i % 5, questions[1].pk: 5, questions[2].pk: f"=cmd{i}"},
        )
    return survey, cohort, questions, people


def test_results_page_table_and_stacked_bars(client, settings):
    settings.SURVEYS_ANONYMITY_K = 3  # the distribution math, not the release batches
    curator = TeacherFactory(roles=["curator"])
    survey, cohort, questions, _ = _filled_feedback(curators=[curator])
    client.force_login(curator)
    body = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "6 responses" in body and 'class="stacked"' in body
    cell = '<span class="pct">33%</span><br><span class="small text-body-secondary cnt">2</span>'
    assert cell in body  # 2 of 6 answered 1


def test_csv_export_has_bom_and_no_respondent_columns_when_anonymous(client, settings):
    settings.SURVEYS_ANONYMITY_K = 3  # the distribution math, not the release batches
    curator = TeacherFactory(roles=["curator"])
    survey, _cohort, questions, people = _filled_feedback(curators=[curator])
    client.force_login(curator)
    response = client.get(reverse("surveys:export", args=[survey.pk, "raw", "csv"]))
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:])))
    assert rows[0] == ["Response", "Question", "Value", "Choice", "Text", "Cohort"]
    assert len(rows) == 1 + 6 * 3
    assert all(p.email not in content for p in people)
    assert "'=cmd0" in content  # formula-looking text is neutralised
    dist = client.get(reverse("surveys:export", args=[survey.pk, "distribution", "csv"]))
    lines = b"".join(dist.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[1].split(",")[2:7] == ["33", "17", "17", "17", "17"]


def test_raw_xlsx_is_built_by_a_worker_with_progress_then_downloaded(
    client, django_capture_on_commit_callbacks
):
    curator = TeacherFactory(roles=["curator"])
    survey, *_ = _filled_feedback(curators=[curator], anonymous=False)
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        start = client.get(reverse("surveys:export", args=[survey.pk, "raw", "xlsx"]))
    job = ExportJob.objects.get()
    assert start.url == reverse("surveys:export_job", args=[job.pk])
    assert (job.state, job.total, job.done, job.requested_by) == ("done", 18, 18, curator)
    fragment = client.get(start.url, HTTP_HX_REQUEST="true").content.decode()
    assert "100%" in fragment and 'id="job-result"' in fragment and "every 1s" not in fragment
    response = client.get(reverse("surveys:export_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.values)
    assert rows[0][-3:] == ("Email", "Name", "Submitted at") and len(rows) == 19
    # Someone else cannot see the job or its file.
    client.force_login(TeacherFactory(roles=["curator"]))
    assert client.get(start.url).status_code == 404
    assert client.get(reverse("surveys:export_download", args=[job.pk])).status_code == 404


def test_export_job_pending_page_polls(client):
    curator = TeacherFactory(roles=["curator"])
    survey, *_ = _filled_feedback(curators=[curator])
    job = ExportJob.objects.create(survey=survey, requested_by=curator, total=10)
    client.force_login(curator)
    body = client.get(reverse("surveys:export_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and "0 of 10 done" in body


def test_export_job_run_is_idempotent():
    curator = TeacherFactory(roles=["curator"])
    survey, *_ = _filled_feedback(curators=[curator])
    job = ExportJob.objects.create(survey=survey, requested_by=curator, total=18, fmt="csv")
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    name = job.file.name
    assert job.state == "done" and job.file.read().decode("utf-8-sig").startswith("Response,Question")
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.file.name == name


def test_heatmap_for_school_admin(client):
    admin = SchoolAdminFactory()
    comp = CompetencyFactory(name="Digital tools")
    survey, (q,) = diagnostic_survey(competencies=[comp], per_competency=1)
    mine = TeacherFactory(school=admin.school, full_name="Maria Mine")
    theirs = TeacherFactory(full_name="Olga Other")
    services.response_submit(survey=survey, user=mine, answers={q.pk: 2})
    services.response_submit(survey=survey, user=theirs, answers={q.pk: 5})
    client.force_login(admin)
    body = client.get(reverse("surveys:heatmap")).content.decode()
    assert "Maria Mine" in body and "Olga Other" not in body and "heat-1" in body


@pytest.mark.parametrize("teachers", [3, 12])
def test_heatmap_query_count_is_constant(client, django_assert_max_num_queries, teachers):
    admin = SchoolAdminFactory()
    comps = [CompetencyFactory() for _ in range(3)]
    survey, questions = diagnostic_survey(competencies=comps, per_competency=1)
    for _ in range(teachers):
        services.response_submit(
            survey=survey, user=TeacherFactory(school=admin.school), answers={q.pk: 3 for q in questions}
        )
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("surveys:heatmap")).status_code == 200


@pytest.mark.parametrize("respondents", [6, 25])
def test_results_page_query_count_is_constant(client, django_assert_max_num_queries, respondents):
    curator = TeacherFactory(roles=["curator"])
    survey, *_ = _filled_feedback(n=respondents, curators=[curator])
    client.force_login(curator)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 200


@pytest.mark.parametrize("surveys", [2, 10])
def test_survey_list_query_count_is_constant(client, django_assert_max_num_queries, surveys):
    teacher = TeacherFactory()
    for _ in range(surveys):
        SurveyFactory()
        feedback_survey(cohorts=[EnrollmentFactory(teacher=teacher).cohort])
    client.force_login(teacher)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("surveys:list")).status_code == 200


@pytest.mark.parametrize("competencies", [2, 8])
def test_profile_page_query_count_is_constant(client, django_assert_max_num_queries, competencies):
    comps = [CompetencyFactory() for _ in range(competencies)]
    teacher = TeacherFactory()
    for _round in range(2):
        survey, questions = diagnostic_survey(competencies=comps, per_competency=1)
        services.response_submit(survey=survey, user=teacher, answers={q.pk: 2 for q in questions})
    for comp in comps:
        CohortFactory(course=CourseFactory(competencies=[comp]))
    client.force_login(teacher)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("surveys:profile")).content.decode()
    assert body.count('class="border rounded p-3 mb-2 recommendation"') == min(6, competencies)


def test_results_across_the_cohorts_of_a_course_over_a_period(client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import MethodologistFactory

    author = MethodologistFactory()
    course, other_course = CourseFactory(title="Literacy"), CourseFactory(title="Other")
    today = timezone.localdate()
    old = CohortFactory(
        course=course, starts_on=today - timedelta(days=200), ends_on=today - timedelta(days=150)
    )
    new = CohortFactory(course=course)
    elsewhere = CohortFactory(course=other_course)
    survey, questions = feedback_survey(cohorts=[old, new, elsewhere], authors=[author], text=False)
    for cohort, value in ((old, 1), (new, 5), (elsewhere, 3)):
        for _ in range(5):
            e = EnrollmentFactory(cohort=cohort)
            services.response_submit(
                survey=survey,
                user=e.teacher,
                cohort=cohort,
                answers={questions[0].pk: value, questions[1].pk: value},
            )
    client.force_login(author)
    url = reverse("surveys:results", args=[survey.pk])
    body = client.get(f"{url}?course={course.pk}").content.decode()
    assert "10 responses" in body
    recent = client.get(f"{url}?course={course.pk}&date_from={(today - timedelta(days=30)).isoformat()}")
    assert "5 responses" in recent.content.decode()
    assert (
        "The end of the period is before its start."
        in client.get(f"{url}?date_from=2026-05-01&date_to=2026-04-01").content.decode()
    )


def test_heatmap_with_gaps_and_across_schools(client):
    from tests.factories import MunicipalAdminFactory

    admin = SchoolAdminFactory()
    a, b = CompetencyFactory(), CompetencyFactory()
    only_a, (qa,) = diagnostic_survey(competencies=[a], per_competency=1)
    only_b, (qb,) = diagnostic_survey(competencies=[b], per_competency=1)
    services.response_submit(survey=only_a, user=TeacherFactory(school=admin.school), answers={qa.pk: 5})
    services.response_submit(survey=only_b, user=TeacherFactory(school=admin.school), answers={qb.pk: 1})
    TeacherFactory(school=admin.school)  # not measured at all
    client.force_login(admin)
    body = client.get(reverse("surveys:heatmap")).content.decode()
    assert body.count('class="cell "') == 4 and "heat-4" in body and "heat-0" in body
    client.force_login(MunicipalAdminFactory(municipality=admin.school.municipality))
    body = client.get(reverse("surveys:heatmap")).content.decode()
    assert 'id="heat-schools"' in body and admin.school.name in body


def test_placement_levels_are_listed_for_the_cohort_curator(client):
    from tests.factories import CuratorFactory

    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator])
    other = CohortFactory()
    survey = SurveyFactory(kind="placement", audience="cohort", cohorts=[cohort, other])
    q = QuestionFactory(section=SectionFactory(survey=survey), survey=survey)
    for value, name in ((1, "Low Listener"), (3, "Mid Listener"), (5, "Top Listener")):
        e = EnrollmentFactory(cohort=cohort, teacher=TeacherFactory(full_name=name))
        services.response_submit(survey=survey, user=e.teacher, cohort=cohort, answers={q.pk: value})
    e = EnrollmentFactory(cohort=other, teacher=TeacherFactory(full_name="Elsewhere Listener"))
    services.response_submit(survey=survey, user=e.teacher, cohort=other, answers={q.pk: 5})
    client.force_login(curator)
    body = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "<td>Low Listener</td><td>Introductory</td>" in body
    assert "<td>Mid Listener</td><td>Basic</td>" in body
    assert "<td>Top Listener</td><td>Advanced</td>" in body
    assert "Elsewhere Listener" not in body
