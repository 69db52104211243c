"""Issue #17 item 6: a course has a language; the catalogue, the API and recommendations rank courses
in the reader's languages first and mark the others; the teacher chooses which other languages to read."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.models import Level
from courses.models import Course
from surveys import selectors as survey_selectors
from surveys import services as survey_services
from tests.factories import SchoolFactory, SubjectFactory, TeacherFactory
from tests.surveys.factories import diagnostic_survey

from .factories import CompetencyFactory, CourseFactory, course_with_structure

pytestmark = [pytest.mark.django_db, pytest.mark.site_language]
CATALOGUE = "/courses/"


def slugs(response) -> list[str]:
    return [c.slug for c in response.context["courses"]]


def badge(language: str, page_language: str) -> str:
    """The mark of a course in `language` as a reader of `page_language` sees it ("на украинском")."""
    with translation.override(page_language):
        return Course(language=language).language_badge


def badges(response) -> list[str]:
    html = response.content.decode()
    return [part.split(">", 1)[1].split("<", 1)[0] for part in html.split("course-language")[1:]]


@pytest.fixture
def three_languages():
    # The newest first by default: without language ranking the English course would lead.
    CourseFactory(slug="ru-course", title="Формирующее оценивание", language="ru")
    CourseFactory(slug="uk-course", title="Формувальне оцінювання", language="uk")
    CourseFactory(slug="en-course", title="Formative assessment", language="en")


def test_a_course_in_an_unknown_language_is_refused_by_the_database():
    course = CourseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(language="de")
    course.refresh_from_db()
    assert course.language == "ru"


@pytest.mark.parametrize("value", ["de", "en,ru", "ru,ru", "uk,"])
def test_a_stored_set_of_languages_must_be_canonical_and_known(value):
    teacher = TeacherFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(teacher).objects.filter(pk=teacher.pk).update(also_course_languages=value)
    teacher.refresh_from_db()
    assert teacher.also_course_languages == ""


def test_a_new_course_speaks_the_site_language(settings):
    assert CourseFactory().language == "ru"


def test_russian_teacher_sees_russian_courses_first_and_others_marked(client, three_languages):
    client.force_login(TeacherFactory(preferred_language="ru"))
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert slugs(response) == ["ru-course", "en-course", "uk-course"]
    assert badges(response) == [badge("en", "ru"), badge("uk", "ru")]
    assert [c.in_other_language for c in response.context["courses"]] == [False, True, True]


def test_also_chosen_languages_rank_with_ones_own(client, three_languages):
    client.force_login(TeacherFactory(preferred_language="ru", also_course_languages="uk"))
    response = client.get(CATALOGUE)
    assert slugs(response) == ["uk-course", "ru-course", "en-course"]


def test_ukrainian_teacher_sees_ukrainian_first_in_ukrainian(client, three_languages):
    client.force_login(TeacherFactory(preferred_language="uk"))
    response = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="uk")
    assert slugs(response) == ["uk-course", "en-course", "ru-course"]
    assert badges(response) == [badge("en", "uk"), badge("ru", "uk")]


def test_anonymous_visitor_gets_the_page_language_first(client, three_languages):
    response = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en")
    assert slugs(response) == ["en-course", "uk-course", "ru-course"]
    response = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="ru")
    assert slugs(response) == ["ru-course", "en-course", "uk-course"]


def test_catalogue_filters_by_language(client, three_languages):
    client.force_login(TeacherFactory())
    response = client.get(CATALOGUE, {"language": ["uk", "en", "de"]})
    assert slugs(response) == ["en-course", "uk-course"]
    with translation.override("ru"):
        expected = [str(Course.Language.UKRAINIAN.label), str(Course.Language.ENGLISH.label)]
    assert [str(label) for label, _link in response.context["chips"]] == expected


def test_course_page_shows_its_language(client):
    CourseFactory(slug="uk-only", language="uk")
    response = client.get(reverse("courses:detail", args=["uk-only"]), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert badges(response) == [badge("uk", "ru")]
    with translation.override("ru"):
        assert f"<dd>{Course.Language.UKRAINIAN.label}</dd>" in response.content.decode()


@pytest.mark.parametrize("n", [3, 15])
def test_catalogue_with_mixed_languages_runs_constant_queries(client, django_assert_num_queries, n):
    comp = CompetencyFactory(code="ASM.1")
    math = SubjectFactory(code="math")
    for i in range(n):
        course_with_structure(
            modules=1,
            lessons=1,
            slug=f"l-{n}-{i}",
            language=["ru", "uk", "en"][i % 3],
            subjects=[math],
            competencies=[comp],
        )
    client.force_login(TeacherFactory(also_course_languages="en"))
    client.get(CATALOGUE)  # warm the facets cache
    with django_assert_num_queries(8):
        response = client.get(CATALOGUE, {"language": ["ru", "uk", "en"]})
    assert response.status_code == 200
    assert len(response.context["courses"]) == min(n, 12)


def test_api_lists_and_filters_by_language(client):
    CourseFactory(slug="ru-course", language="ru")
    CourseFactory(slug="uk-course", language="uk")
    response = client.get("/api/v1/courses/", {"language": "uk"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(c["slug"], c["language"]) for c in results] == [("uk-course", "uk")]


def profile_data(school, **overrides):
    data = {
        "full_name": "Петренко Олена",
        "preferred_language": "ru",
        "municipality": school.municipality_id,
        "school": school.pk,
        "subjects": [SubjectFactory().pk],
        "school_levels": [Level.objects.get(code="primary").pk],
        "position": "teacher",
        "years_of_experience": 2,
    }
    data.update(overrides)
    return data


def test_profile_stores_also_show_courses_in(client):
    teacher = TeacherFactory(preferred_language="ru")
    client.force_login(teacher)
    response = client.post(
        reverse("profile_edit"), profile_data(SchoolFactory(), also_course_languages=["en", "uk", "ru"])
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.also_course_languages == "uk,en"
    page = client.get(reverse("profile_edit"))
    assert page.context["form"].initial["also_course_languages"] == ["uk", "en"]


def test_profile_refuses_an_unknown_course_language_and_changes_nothing(client):
    teacher = TeacherFactory(preferred_language="ru", full_name="Иванова Анна")
    client.force_login(teacher)
    response = client.post(
        reverse("profile_edit"),
        profile_data(SchoolFactory(), also_course_languages=["de"]),
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["also_course_languages"] == [
        "Выберите корректный вариант. de нет среди допустимых значений."
    ]
    teacher.refresh_from_db()
    assert (teacher.full_name, teacher.also_course_languages) == ("Иванова Анна", "")


def test_recommendations_rank_other_languages_after_and_mark_them():
    weak = CompetencyFactory()
    teacher = TeacherFactory(preferred_language="ru")
    survey, (q,) = diagnostic_survey(competencies=[weak], per_competency=1)
    survey_services.response_submit(survey=survey, user=teacher, answers={q.pk: 1})
    CourseFactory(title="A English", competencies=[weak], language="en")
    CourseFactory(title="B Ukrainian", competencies=[weak], language="uk")
    CourseFactory(title="C Russian", competencies=[weak], language="ru")
    recs = survey_selectors.recommendations_for(profile=survey_selectors.profile_for(teacher), user=teacher)
    assert [(r.course.title, r.course.in_other_language) for r in recs] == [
        ("C Russian", False),
        ("A English", True),
        ("B Ukrainian", True),
    ]


def test_recommendations_page_marks_the_other_language(client):
    weak = CompetencyFactory()
    teacher = TeacherFactory(preferred_language="ru")
    survey, (q,) = diagnostic_survey(competencies=[weak], per_competency=1)
    survey_services.response_submit(survey=survey, user=teacher, answers={q.pk: 1})
    CourseFactory(title="English course", competencies=[weak], language="en")
    client.force_login(teacher)
    response = client.get(reverse("surveys:profile"), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert badges(response) == [badge("en", "ru")]
