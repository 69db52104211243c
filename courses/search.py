"""Full-text search over courses: a stored tsvector (Russian + English stemming) with a GIN index on
PostgreSQL; on SQLite each word matched case- and ё-insensitively as a substring (core/search.py)."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

# Weights: A title, B summary and lesson titles, C description. Both configs so that Russian and
# Ukrainian-looking words are stemmed by 'russian' and English ones by 'english'.
# On SQLite every word must occur in the title, summary, description or a lesson title, compared
# case- and ё-insensitively for Cyrillic too (core/search.py, the `fold` lookup); no stemming.
REFRESH_SQL = """
UPDATE courses_course AS c SET search_vector =
    setweight(to_tsvector('russian', translate(coalesce(c.title, ''), 'Ёё', 'Ее')), 'A')
 || setweight(to_tsvector('english', translate(coalesce(c.title, ''), 'Ёё', 'Ее')), 'A')
 || setweight(to_tsvector('russian', translate(coalesce(c.summary, ''), 'Ёё', 'Ее')), 'B')
 || setweight(to_tsvector('english', translate(coalesce(c.summary, ''), 'Ёё', 'Ее')), 'B')
 || setweight(to_tsvector('russian', translate(coalesce(l.titles, ''), 'Ёё', 'Ее')), 'B')
 || setweight(to_tsvector('english', translate(coalesce(l.titles, ''), 'Ёё', 'Ее')), 'B')
 || setweight(to_tsvector('russian', translate(coalesce(c.description, ''), 'Ёё', 'Ее')), 'C')
 || setweight(to_tsvector('english', translate(coalesce(c.description, ''), 'Ёё', 'Ее')), 'C')
FROM (
    SELECT c2.id, string_agg(le.title, ' ' ORDER BY m.position, le.position) AS titles
    FROM courses_course c2
    LEFT JOIN courses_module m ON m.course_id = c2.id
    LEFT JOIN courses_lesson le ON le.module_id = m.id
    WHERE {where}
    GROUP BY c2.id
) AS l
WHERE l.id = c.id
"""


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def refresh_search_vectors(course_ids: list[int] | None = None) -> None:
    """Recompute the stored vectors of these courses (all when None) in one statement."""
    if not on_postgres():
        return
    with connection.cursor() as cursor:
        if course_ids is None:
            cursor.execute(REFRESH_SQL.format(where="TRUE"))
        elif course_ids:
            cursor.execute(REFRESH_SQL.format(where="c2.id = ANY(%s)"), [list(course_ids)])


def search_query(text: str):
    return SearchQuery(text, config="russian", search_type="websearch") | SearchQuery(
        text, config="english", search_type="websearch"
    )


def apply_search(qs: QuerySet, text: str) -> QuerySet:
    """Filter by the words; on PostgreSQL annotate `rank` for ordering by relevance."""
    text = " ".join(text.split())[:200]
    if not text:
        return qs
    if on_postgres():
        text = text.replace("ё", "е").replace("Ё", "Е")  # the vectors are built from ё-folded text too
        query = search_query(text)
        return qs.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    from .models import Lesson

    for word in text.split()[:10]:
        lessons = Lesson.objects.filter(module__course=OuterRef("pk"), title__fold=word)
        qs = qs.filter(Q(title__fold=word) | Q(summary__fold=word) | Q(description__fold=word) | Exists(lessons))
    return qs
