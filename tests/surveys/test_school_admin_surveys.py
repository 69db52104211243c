"""A school administrator runs a survey for their own school: created, built and published through the
builder services and the admin with the same rules, results read as its author. Attacks: another school,
someone else's survey, a course or cohorts slipped in."""

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Question, Section, Survey
from tests.factories import MethodologistFactory, SchoolAdminFactory, SchoolFactory, TeacherFactory

from .factories import CohortFactory, QuestionFactory, SectionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_admin():
    return SchoolAdminFactory(is_staff=True, school=SchoolFactory(name="Gymnasium No. 1"))


def own_survey(user, **extra):
    return services.survey_save(
        user=user,
        survey=Survey(
            title="Our school's climate", audience=Survey.Audience.SCHOOL, school=user.school, **extra
        ),
    )


def test_school_admin_creates_builds_publishes_and_reads_their_schools_survey(school_admin, client):
    survey = own_survey(school_admin)
    assert list(survey.authors.all()) == [school_admin]
    section = services.section_save(user=school_admin, section=Section(survey=survey, title="Climate"))
    question = services.question_save(
        user=school_admin, question=Question(section=section, text="I feel supported", kind="likert")
    )
    survey = services.survey_publish(user=school_admin, survey=survey)
    for _ in range(5):
        services.response_submit(
            survey=survey, user=TeacherFactory(school=school_admin.school), answers={question.pk: 4}
        )
    client.force_login(school_admin)
    response = client.get(reverse("surveys:results", args=[survey.pk]))
    assert response.status_code == 200
    assert response.context["results"].responses == 5
    assert response.context["scope"].aggregates_only is False  # its author


def test_attack_school_admin_targets_another_school(school_admin):
    other = SchoolFactory(municipality=school_admin.school.municipality)
    with pytest.raises(services.SurveyError) as error:
        services.survey_save(
            user=school_admin, survey=Survey(title="x", audience=Survey.Audience.SCHOOL, school=other)
        )
    assert error.value.messages == ["You can run surveys only for the teachers of your own school."]
    with pytest.raises(services.SurveyError):
        services.survey_save(
            user=school_admin, survey=Survey(title="x", audience=Survey.Audience.ALL_TEACHERS)
        )
    assert Survey.objects.count() == 0


def test_attack_school_admin_moves_their_survey_to_all_teachers(school_admin):
    survey = own_survey(school_admin)
    survey.audience = Survey.Audience.ALL_TEACHERS
    survey.school = None
    with pytest.raises(services.SurveyError):
        services.survey_save(user=school_admin, survey=survey)
    survey.refresh_from_db()
    assert (survey.audience, survey.school_id) == (Survey.Audience.SCHOOL, school_admin.school_id)


def test_attack_school_admin_makes_a_course_feedback_or_cohort_survey(school_admin):
    with pytest.raises(services.SurveyError) as error:
        own_survey(school_admin, kind=Survey.Kind.FEEDBACK)
    assert error.value.messages == [
        "A school's survey is not about a course: course feedback and placement are for cohorts."
    ]
    survey = own_survey(school_admin)
    with pytest.raises(services.SurveyError):
        services.survey_check(user=school_admin, survey=survey, cohorts=[CohortFactory()])
    assert Survey.objects.count() == 1


def test_attack_school_admin_edits_someone_elses_survey(school_admin):
    theirs = SurveyFactory(
        audience=Survey.Audience.SCHOOL, school=school_admin.school, title="Methodologist's"
    )
    theirs.authors.add(MethodologistFactory())
    theirs.title = "Hijacked"
    with pytest.raises(services.SurveyError) as error:
        services.survey_save(user=school_admin, survey=theirs)
    assert error.value.messages == ["You can change only the surveys you author."]
    with pytest.raises(services.SurveyError):
        services.section_save(user=school_admin, section=Section(survey=theirs, title="Extra"))
    with pytest.raises(services.SurveyError):
        services.survey_publish(user=school_admin, survey=theirs)
    theirs.refresh_from_db()
    assert (theirs.title, theirs.sections.count()) == ("Methodologist's", 0)


def test_a_teacher_cannot_run_a_survey():
    teacher = TeacherFactory()
    with pytest.raises(services.SurveyError) as error:
        services.survey_save(
            user=teacher, survey=Survey(title="x", audience=Survey.Audience.SCHOOL, school=teacher.school)
        )
    assert error.value.messages == ["Only methodologists and school administrators run surveys."]


def test_admin_add_page_offers_only_their_school_and_refuses_another(school_admin, client):
    client.force_login(school_admin)
    url = reverse("admin:surveys_survey_add")
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert [c[0] for c in form.fields["audience"].choices] == [Survey.Audience.SCHOOL]
    assert list(form.fields["school"].queryset) == [school_admin.school]
    assert "cohorts" not in form.fields and "course" not in form.fields
    other = SchoolFactory()
    data = {
        "title": "Ours",
        "kind": "general",
        "audience": "school",
        "school": other.pk,
        "deficit_threshold": 60,
        "vulnerable_threshold": 30,
        "sections-TOTAL_FORMS": 0,
        "sections-INITIAL_FORMS": 0,
        "reminder_steps-TOTAL_FORMS": 0,
        "reminder_steps-INITIAL_FORMS": 0,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert Survey.objects.count() == 0
    created = client.post(url, {**data, "school": school_admin.school_id})
    assert created.status_code == 302
    survey = Survey.objects.get()
    assert (survey.audience, survey.school_id, list(survey.authors.all())) == (
        Survey.Audience.SCHOOL,
        school_admin.school_id,
        [school_admin],
    )


def test_admin_does_not_show_a_school_admin_other_peoples_surveys(school_admin, client):
    theirs = SurveyFactory(audience=Survey.Audience.SCHOOL, school=school_admin.school)
    QuestionFactory(section=SectionFactory(survey=theirs), survey=theirs)
    client.force_login(school_admin)
    assert client.get(reverse("admin:surveys_survey_change", args=[theirs.pk])).status_code == 302
    assert list(client.get(reverse("admin:surveys_survey_changelist")).context["cl"].result_list) == []


def test_methodologist_addresses_a_survey_to_one_municipality_in_the_admin(client):
    from tests.factories import MunicipalityFactory

    methodologist = MethodologistFactory()
    municipality = MunicipalityFactory(name="North")
    client.force_login(methodologist)
    data = {
        "title": "PD quality",
        "kind": "general",
        "audience": "municipality",
        "is_anonymous": "on",
        "deficit_threshold": 60,
        "vulnerable_threshold": 30,
        "sections-TOTAL_FORMS": 0,
        "sections-INITIAL_FORMS": 0,
        "reminder_steps-TOTAL_FORMS": 0,
        "reminder_steps-INITIAL_FORMS": 0,
    }
    url = reverse("admin:surveys_survey_add")
    without = client.post(url, data)
    assert without.status_code == 200
    assert Survey.objects.count() == 0
    created = client.post(url, {**data, "municipality": municipality.pk})
    assert created.status_code == 302
    survey = Survey.objects.get()
    assert (survey.audience, survey.municipality_id, list(survey.authors.all())) == (
        Survey.Audience.MUNICIPALITY,
        municipality.pk,
        [methodologist],
    )


def test_school_admin_builds_and_publishes_in_the_admin_and_preview(school_admin, client):
    survey = own_survey(school_admin)
    client.force_login(school_admin)
    change = reverse("admin:surveys_survey_change", args=[survey.pk])
    page = client.get(change)
    assert page.status_code == 200
    saved = client.post(
        change,
        {
            "title": survey.title,
            "kind": "general",
            "audience": "school",
            "school": school_admin.school_id,
            "deficit_threshold": 60,
            "vulnerable_threshold": 30,
            "authors": [school_admin.pk],
            "sections-TOTAL_FORMS": 1,
            "sections-INITIAL_FORMS": 0,
            "reminder_steps-TOTAL_FORMS": 0,
            "reminder_steps-INITIAL_FORMS": 0,
            "sections-0-position": 1,
            "sections-0-title": "Climate",
            "sections-0-description": "",
        },
    )
    assert saved.status_code == 302
    section = survey.sections.get()
    services.question_save(
        user=school_admin, question=Question(section=section, text="I feel supported", kind="likert")
    )
    assert client.get(reverse("surveys:preview", args=[survey.pk])).status_code == 200
    published = client.post(reverse("surveys:publish", args=[survey.pk]))
    assert published.status_code == 302
    survey.refresh_from_db()
    assert (survey.is_published, survey.audience, survey.school_id) == (
        True,
        Survey.Audience.SCHOOL,
        school_admin.school_id,
    )
