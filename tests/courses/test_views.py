import pytest
from django.urls import reverse

from courses import hooks
from courses.models import Course
from tests.conftest import requires_postgres
from tests.factories import MethodologistFactory, SubjectFactory, TeacherFactory

from .factories import (
    CompetencyAreaFactory,
    CompetencyFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    course_with_structure,
)

pytestmark = pytest.mark.django_db
CATALOGUE = "/courses/"


def slugs(response) -> list[str]:
    return [c.slug for c in response.context["courses"]]


def test_catalogue_lists_published_courses_only(client):
    CourseFactory(slug="pub")
    CourseFactory(slug="draft", status=Course.Status.DRAFT)
    CourseFactory(slug="old", status=Course.Status.ARCHIVED)
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert slugs(response) == ["pub"]


def test_catalogue_filters(client):
    math = SubjectFactory(code="math", name="Mathematics")
    area = CompetencyAreaFactory(code="ASM")
    formative = CompetencyFactory(code="ASM.1", area=area)
    CourseFactory(
        slug="a", format="distance", level="basic", hours=10, subjects=[math], competencies=[formative]
    )
    CourseFactory(slug="b", format="blended", level="advanced", hours=40)
    CourseFactory(slug="c", format="in_person", level="basic", hours=72)
    assert slugs(client.get(CATALOGUE, {"format": "blended"})) == ["b"]
    assert sorted(slugs(client.get(CATALOGUE, {"level": "basic"}))) == ["a", "c"]
    assert slugs(client.get(CATALOGUE, {"subject": "math"})) == ["a"]
    assert slugs(client.get(CATALOGUE, {"competency": "ASM.1"})) == ["a"]
    assert slugs(client.get(CATALOGUE, {"competency": "ASM"})) == ["a"]
    assert slugs(client.get(CATALOGUE, {"hours_min": "20", "hours_max": "50"})) == ["b"]
    assert sorted(slugs(client.get(CATALOGUE + "?format=distance&format=in_person"))) == ["a", "c"]


def test_catalogue_sorting(client):
    CourseFactory(slug="short", hours=8, title="B course")
    CourseFactory(slug="long", hours=80, title="A course")
    assert slugs(client.get(CATALOGUE, {"sort": "hours"})) == ["short", "long"]
    assert slugs(client.get(CATALOGUE, {"sort": "-hours"})) == ["long", "short"]
    assert slugs(client.get(CATALOGUE, {"sort": "title"})) == ["long", "short"]
    assert slugs(client.get(CATALOGUE, {"sort": "newest"})) == ["long", "short"]


@pytest.mark.parametrize(
    "query",
    [
        "?format=teleport",
        "?level=guru&sort=random",
        "?hours_min=abc&hours_max=-4",
        "?page=999",
        "?page=abc",
        "?subject=nope&competency=%00%27",
        "?q=%00abc%00",
        "?q=" + "x" * 5000,
        "?q=%22unbalanced&sort=relevance",
        "?open=maybe",
        "?hours_min=99999999999999999999",
    ],
)
def test_unknown_filter_values_never_break_the_page(client, query):
    CourseFactory(slug="only")
    response = client.get(CATALOGUE + query)
    assert response.status_code == 200
    assert slugs(response) == ([] if query.startswith("?q=") else ["only"])


def test_unknown_format_is_dropped_but_known_ones_kept(client):
    CourseFactory(slug="a", format="distance")
    CourseFactory(slug="b", format="blended")
    response = client.get(CATALOGUE + "?format=teleport&format=blended", HTTP_ACCEPT_LANGUAGE="en")
    assert slugs(response) == ["b"]
    assert response.context["filter_errors"] == ["Format: Unknown value: teleport."]


def test_filters_survive_in_pagination_links(client):
    for i in range(14):
        CourseFactory(slug=f"c{i}", level="basic")
    response = client.get(CATALOGUE, {"level": "basic", "sort": "hours"})
    html = response.content.decode()
    assert "level=basic&amp;sort=hours&amp;page=2" in html
    assert len(response.context["courses"]) == 12


def test_search_matches_title_summary_description_and_lesson_titles(client):
    """Plain substring match on SQLite, full-text on PostgreSQL: the same words find the same courses."""
    from courses.search import refresh_search_vectors

    CourseFactory(slug="t", title="Formative assessment")
    CourseFactory(slug="s", summary="Exit tickets in class")
    CourseFactory(slug="d", description="We discuss rubrics at length")
    LessonFactory(module=ModuleFactory(course=CourseFactory(slug="l")), title="Hinge questions")
    CourseFactory(slug="none", title="Something else")
    refresh_search_vectors()
    assert slugs(client.get(CATALOGUE, {"q": "formative"})) == ["t"]
    assert slugs(client.get(CATALOGUE, {"q": "tickets"})) == ["s"]
    assert slugs(client.get(CATALOGUE, {"q": "rubrics"})) == ["d"]
    assert slugs(client.get(CATALOGUE, {"q": "hinge"})) == ["l"]


@requires_postgres()
def test_postgres_search_stems_ranks_and_covers_lessons(client):
    from courses.search import refresh_search_vectors

    title = CourseFactory(slug="title", title="Формирующее оценивание", description="Про уроки")
    desc = CourseFactory(slug="desc", title="Урок", description="Много про оценивание учеников")
    lesson_course = CourseFactory(slug="lesson", title="Другое", summary="Ничего")
    LessonFactory(module=ModuleFactory(course=lesson_course), title="Teachers giving feedback")
    CourseFactory(slug="none", title="Проектный метод")
    refresh_search_vectors([title.pk, desc.pk, lesson_course.pk])
    refresh_search_vectors()
    # Russian stemming: "оценивания" finds "оценивание"; title weighs more than description.
    assert slugs(client.get(CATALOGUE, {"q": "оценивания"})) == ["title", "desc"]
    # English stemming over lesson titles: "feedbacks" / "teacher".
    assert slugs(client.get(CATALOGUE, {"q": "teacher feedbacks"})) == ["lesson"]
    # Bad query syntax is harmless.
    assert client.get(CATALOGUE, {"q": '"оцени & | !('}).status_code == 200


@requires_postgres()
def test_postgres_search_vector_follows_edits():
    from courses import services
    from courses.selectors import CatalogueFilters, course_catalogue

    author = MethodologistFactory()
    course = services.course_create(user=author, title="Neutral", summary="s", hours=3)
    Course.objects.filter(pk=course.pk).update(status="published")
    assert not course_catalogue(user=author, filters=CatalogueFilters(q="burnout")).exists()
    services.course_update(user=author, course=course, description="How to prevent burnout")
    assert list(course_catalogue(user=author, filters=CatalogueFilters(q="burnout"))) == [course]


@requires_postgres()
def test_gin_index_exists():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'course_search_vector_gin'")
        row = cursor.fetchone()
    assert row is not None and "gin" in row[0].lower()


def test_open_cohort_filter_uses_the_registered_hook(client, monkeypatch):
    from django.db.models import Exists

    first = CourseFactory(slug="with")
    CourseFactory(slug="without")
    monkeypatch.setattr(
        hooks, "_open_cohort_filter", [lambda ref: Exists(Course.objects.filter(pk=ref, slug="with"))]
    )
    assert slugs(client.get(CATALOGUE, {"open": "1"})) == [first.slug]
    assert sorted(slugs(client.get(CATALOGUE))) == ["with", "without"]


def test_course_page_shows_structure_competencies_and_authors(client):
    author = MethodologistFactory(full_name="Helen Grant")
    competency = CompetencyFactory(code="DIG.1", name="Digital resources")
    course = course_with_structure(
        modules=2, lessons=2, slug="page", authors=[author], competencies=[competency]
    )
    response = client.get(reverse("courses:detail", args=["page"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert course.title in html
    assert "Helen Grant" in html
    assert "Digital resources" in html
    for lesson_title in course.modules.values_list("lessons__title", flat=True):
        assert lesson_title in html
    assert "No open cohorts yet" in html
    assert response.context["lesson_count"] == 4


def test_course_page_context_hook(client, monkeypatch):
    CourseFactory(slug="hooked")
    monkeypatch.setattr(hooks, "_page_context", [lambda request, course: {"open_cohorts": ["Spring cohort"]}])
    html = client.get("/courses/hooked/").content.decode()
    assert "Spring cohort" in html
    assert "No open cohorts yet" not in html


def test_description_markdown_is_sanitized(client):
    CourseFactory(slug="md", description="**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    html = client.get("/courses/md/").content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript' not in html


def test_drafts_are_404_for_everyone_but_their_authors(client):
    author = MethodologistFactory()
    CourseFactory(slug="draft", status=Course.Status.DRAFT, authors=[author])
    assert client.get("/courses/draft/").status_code == 404
    client.force_login(TeacherFactory())
    assert client.get("/courses/draft/").status_code == 404
    client.force_login(MethodologistFactory())
    assert client.get("/courses/draft/").status_code == 404
    client.force_login(author)
    response = client.get("/courses/draft/?preview=1")
    assert response.status_code == 200
    assert "Draft: only the course" in response.content.decode()


def test_unknown_course_is_404(client):
    assert client.get("/courses/no-such-course/").status_code == 404


def test_nav_shows_courses_first(client):
    html = client.get("/").content.decode()
    nav = html[html.index('id="mainNav"') :]
    assert nav.index(">Courses<") < nav.index("</ul>")


# --- Query counts do not grow with the data -----------------------------------------------


def make_courses(n: int) -> None:
    math = SubjectFactory(code="math")
    comp = CompetencyFactory(code="ASM.1")
    for i in range(n):
        course = course_with_structure(
            modules=2, lessons=2, slug=f"qc-{n}-{i}", subjects=[math], competencies=[comp]
        )
        course.authors.set([MethodologistFactory()])


@pytest.mark.parametrize("n", [3, 15])
def test_catalogue_query_count_is_constant(client, django_assert_max_num_queries, n):
    make_courses(n)
    client.force_login(TeacherFactory())
    with django_assert_max_num_queries(13):  # 12 + the check that the subject codes exist
        response = client.get(CATALOGUE, {"level": "basic", "subject": "math", "competency": "ASM.1"})
    assert response.status_code == 200
    assert len(response.context["courses"]) == min(n, 12)


@pytest.mark.parametrize("n", [3, 15])
def test_search_query_count_is_constant(client, django_assert_max_num_queries, n):
    make_courses(n)
    from courses.search import refresh_search_vectors

    refresh_search_vectors()
    with django_assert_max_num_queries(10):
        response = client.get(CATALOGUE, {"q": "Course", "sort": "relevance"})
    assert response.status_code == 200
    assert len(response.context["courses"]) == min(n, 12)


@pytest.mark.parametrize("size", [(1, 1), (6, 8)])
def test_course_page_query_count_is_constant(client, django_assert_max_num_queries, size):
    modules, lessons = size
    course = course_with_structure(modules=modules, lessons=lessons, slug="big")
    course.authors.set([MethodologistFactory(), MethodologistFactory()])
    course.competencies.set([CompetencyFactory(), CompetencyFactory()])
    client.force_login(TeacherFactory())
    with django_assert_max_num_queries(15):  # 15th: the viewer's cohort spaces of this course (communities)
        response = client.get("/courses/big/")
    assert response.status_code == 200
    assert response.context["lesson_count"] == modules * lessons


def test_authors_preview_lesson_content_with_embedded_video(client):
    author = MethodologistFactory()
    course = CourseFactory(slug="pv", status=Course.Status.DRAFT, authors=[author])
    LessonFactory(
        module=ModuleFactory(course=course),
        title="Watch",
        kind="video",
        body="Secret **notes**",
        video_url="https://youtu.be/abcDEF123",
    )
    client.force_login(author)
    html = client.get("/courses/pv/?preview=1").content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/abcDEF123"' in html
    assert "<strong>notes</strong>" in html
    Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED)
    client.force_login(TeacherFactory())
    html = client.get("/courses/pv/").content.decode()
    assert "Watch" in html
    assert "Secret" not in html
    assert "youtube-nocookie" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Оценивание", ["ru"]),
        ("оценивание", ["ru"]),
        ("формирующее оценивание", ["ru"]),
        ("ФОРМИРУЮЩЕЕ", ["ru"]),
        ("выгорание", ["burnout"]),
        ("елочные", ["yo"]),
        ("оцінювання", ["uk"]),
        ("ОЦІНЮВАННЯ", ["uk"]),
        ("Інклюзія", ["uk-lesson"]),
        ("оценивание выгорание", []),
    ],
)
def test_cyrillic_search_ignores_case_and_yo_in_both_databases(client, query, expected):
    """The catalogue finds Russian and Ukrainian words in any case (SQLite's LIKE folds ASCII only)."""
    from courses.search import refresh_search_vectors

    CourseFactory(slug="ru", title="Формирующее оценивание на уроке")
    CourseFactory(slug="burnout", summary="Профилактика ВЫГОРАНИЯ и выгорание педагога")
    CourseFactory(slug="yo", description="Ёлочные игрушки и проектная работа")
    CourseFactory(slug="uk", title="Формувальне оцінювання")
    LessonFactory(
        module=ModuleFactory(course=CourseFactory(slug="uk-lesson", title="Урок")), title="інклюзія в класі"
    )
    CourseFactory(slug="none", title="Something else")
    refresh_search_vectors()
    assert sorted(slugs(client.get(CATALOGUE, {"q": query}))) == expected


def test_course_page_in_russian_says_hours_with_plural_forms(client):
    course = CourseFactory(slug="ru-hours", hours=72)
    module = ModuleFactory(course=course)
    LessonFactory(module=module, hours=1.5)
    LessonFactory(module=module, hours=1)
    client.cookies["django_language"] = "ru"
    html = client.get(
        reverse("courses:detail", args=["ru-hours"]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "72 часа" in html
    assert "2,5 часа" in html  # the module
    assert "1,5 часа" in html and "1 час<" in html  # the lessons
    assert " h<" not in html and "72 h" not in html


def test_catalogue_hours_filter_in_russian_is_not_from_of_a_transition(client):
    """The hours filter's ends are a number range ("от"/"до" once translated), never "из"/"по"."""
    client.cookies["django_language"] = "ru"
    html = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'name="hours_min"' in html
    assert 'placeholder="из"' not in html
    assert 'placeholder="по"' not in html
