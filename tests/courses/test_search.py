"""Search that forgives: typos found through the catalogue's vocabulary (PostgreSQL), lesson texts
searched, "did you mean" for a query that found nothing — and never a word of a draft suggested."""

import pytest

from courses.models import Course, SearchTerm
from courses.search import refresh_search_vectors
from tests.conftest import requires_postgres

from .factories import CourseFactory, LessonFactory, ModuleFactory

pytestmark = pytest.mark.django_db

CATALOGUE = "/courses/"


def slugs(response) -> list[str]:
    assert response.status_code == 200
    return [c.slug for c in response.context["courses"]]


@pytest.fixture
def catalogue():
    CourseFactory(slug="burnout", title="Профилактика профессионального выгорания педагогов")
    CourseFactory(slug="assessment", title="Formative assessment in class")
    CourseFactory(slug="grading", title="Формирующее оценивание на уроке")
    CourseFactory(slug="reading", title="Смысловое чтение", summary="Как научить читать текст")
    CourseFactory(slug="counting", title="Устный счёт", summary="Учим считать быстро")
    refresh_search_vectors()


@requires_postgres()
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("выгарание", ["burnout"]),
        ("ВЫГАРАНИЕ педагогов", ["burnout"]),
        ("assesment", ["assessment"]),
        ("формирущее оцениванее", ["grading"]),
        ("выгорание", ["burnout"]),
        ("оценивание выгорание", []),
    ],
)
def test_typos_find_the_course(client, catalogue, query, expected):
    assert slugs(client.get(CATALOGUE, {"q": query})) == expected


@requires_postgres()
def test_a_typo_never_turns_into_a_different_word(client, catalogue):
    """Edit distance bounds the tolerance: "выгорание" is three edits from "оценивание"; short words get none."""
    assert slugs(client.get(CATALOGUE, {"q": "выгорание"})) == ["burnout"]
    assert slugs(client.get(CATALOGUE, {"q": "урк"})) == []


@requires_postgres()
def test_an_exact_word_ranks_above_a_near_one(client, catalogue):
    """ "читать" is one edit from "считать": both are found, the exact one first."""
    assert slugs(client.get(CATALOGUE, {"q": "читать", "sort": "relevance"})) == ["reading", "counting"]


@requires_postgres()
def test_the_vocabulary_holds_each_word_once_lower_case_and_yo_folded(catalogue):
    words = set(SearchTerm.objects.values_list("word", flat=True))
    assert {"выгорания", "assessment", "оценивание", "счет", "считать"} <= words
    assert not {w for w in words if w != w.casefold() or "ё" in w or len(w) < 4}
    refresh_search_vectors()
    assert SearchTerm.objects.count() == len(words)


def test_lesson_texts_are_searched(client):
    course = CourseFactory(slug="lesson-text", title="Урок", summary="Кратко")
    LessonFactory(
        module=ModuleFactory(course=course), title="Первый", body="Разбираем **таксономию Блума** на примерах"
    )
    CourseFactory(slug="other", title="Другое")
    refresh_search_vectors()
    assert slugs(client.get(CATALOGUE, {"q": "таксономию"})) == ["lesson-text"]


@requires_postgres()
def test_did_you_mean_offers_a_query_that_finds_something(client, catalogue):
    response = client.get(CATALOGUE, {"q": "праффилоктика", "level": ""})
    assert slugs(response) == []
    assert response.context["suggestion"] == "профилактика"
    html = response.content.decode()
    assert 'id="did-you-mean"' in html
    assert "q=%D0%BF%D1%80%D0%BE%D1%84%D0%B8%D0%BB%D0%B0%D0%BA%D1%82%D0%B8%D0%BA%D0%B0" in html
    assert slugs(client.get(CATALOGUE, {"q": response.context["suggestion"]})) == ["burnout"]


@requires_postgres()
def test_did_you_mean_never_reveals_a_draft(client, catalogue):
    """Attack: a word only a draft's title holds must not come back as a suggestion."""
    CourseFactory(slug="secret", title="Нейропедагогика будущего", status=Course.Status.DRAFT)
    refresh_search_vectors()
    assert SearchTerm.objects.filter(word="нейропедагогика").exists()
    for query in ("нейропедагогига", "нейропидагагика"):
        response = client.get(CATALOGUE, {"q": query})
        assert slugs(response) == []
        assert "suggestion" not in response.context
        assert "did-you-mean" not in response.content.decode()
        assert "ейропедагогик" not in response.content.decode()


@requires_postgres()
def test_did_you_mean_keeps_the_filters(client, catalogue):
    """A suggestion that would only find courses the filters exclude is not offered."""
    Course.objects.filter(slug="burnout").update(level="advanced")
    response = client.get(CATALOGUE, {"q": "праффилоктика", "level": "basic"})
    assert "suggestion" not in response.context
    response = client.get(CATALOGUE, {"q": "праффилоктика", "level": "advanced"})
    assert response.context["suggestion"] == "профилактика"
    assert "level=advanced" in response.context["suggestion_query"]


@requires_postgres()
@pytest.mark.parametrize("n", [3, 15])
def test_a_forgiving_search_costs_the_same_queries(client, django_assert_num_queries, n):
    for i in range(n):
        CourseFactory(slug=f"c{i}", title=f"Курс оценивания номер {i}")
    refresh_search_vectors()
    with django_assert_num_queries(7):  # near words, count, 2 facets, page, 2 prefetches (cards)
        response = client.get(CATALOGUE, {"q": "оцениваня"})
    assert len(response.context["courses"]) == min(n, 12)
