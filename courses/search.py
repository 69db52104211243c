"""Full-text search over courses: a stored tsvector (Russian + English stemming) with a GIN index on
PostgreSQL, forgiving typos through a vocabulary of the catalogue's words; on SQLite each word matched
case- and ё-insensitively as a substring (core/search.py).

Typo tolerance (PostgreSQL): every word of titles, summaries and lesson titles is kept once in
`SearchTerm` (GiST trigram index). A query word also matches the vocabulary words nearest to it by
trigram distance whose edit distance is within `typo_budget` — "выгарание" finds "выгорания",
"assesment" finds "assessment", while "выгорание" never turns into "оценивание". When nothing is found,
`did_you_mean` offers the query with each word replaced by its nearest vocabulary word, only if that
query finds something the reader may see. Decision record 0273.
"""

import re
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from core.search import fold_text

from .models import Lesson

# Weights: A title, B summary and lesson titles, C description, D lesson texts. Both configs so that
# Russian and Ukrainian-looking words are stemmed by 'russian' and English ones by 'english'.
# On SQLite every word must occur in the title, summary, description or a lesson's title or text,
# compared case- and ё-insensitively for Cyrillic too (core/search.py, the `fold` lookup); no stemming.
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
 || setweight(to_tsvector('russian', translate(coalesce(l.bodies, ''), 'Ёё', 'Ее')), 'D')
 || setweight(to_tsvector('english', translate(coalesce(l.bodies, ''), 'Ёё', 'Ее')), 'D')
FROM (
    SELECT c2.id, string_agg(le.title, ' ' ORDER BY m.position, le.position) AS titles,
           string_agg(le.body, ' ' ORDER BY m.position, le.position) AS bodies
    FROM courses_course c2
    LEFT JOIN courses_module m ON m.course_id = c2.id
    LEFT JOIN courses_lesson le ON le.module_id = m.id
    WHERE {where}
    GROUP BY c2.id
) AS l
WHERE l.id = c.id
"""

# The vocabulary: each word (4–60 letters, no digits) of titles, summaries and lesson titles, lower-case
# and ё-folded like the vectors. Words are only added: a stale one merely widens a query's alternatives.
TERMS_SQL = """
INSERT INTO courses_searchterm (word)
SELECT DISTINCT w FROM (
    SELECT unnest(tsvector_to_array(to_tsvector('simple', translate(
        concat_ws(' ', c2.title, c2.summary, string_agg(le.title, ' ')), 'Ёё', 'Ее')))) AS w
    FROM courses_course c2
    LEFT JOIN courses_module m ON m.course_id = c2.id
    LEFT JOIN courses_lesson le ON le.module_id = m.id
    WHERE {where}
    GROUP BY c2.id
) AS words
WHERE char_length(w) BETWEEN 4 AND 60 AND w !~ '[0-9_]'
ON CONFLICT (word) DO NOTHING
"""

# For each query word its nearest vocabulary words (GiST k-nearest by trigram distance) and their edit
# distance; one statement for all words of a query.
NEAR_SQL = """
SELECT q.w, t.word, levenshtein(t.word, q.w)
FROM unnest(%s::text[]) AS q(w)
CROSS JOIN LATERAL (SELECT word FROM courses_searchterm ORDER BY word <-> q.w LIMIT %s) AS t
"""
NEIGHBOURS = 8
MAX_WORDS = 10
WORD = re.compile(r"[^\W\d_]+")


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def refresh_search_vectors(course_ids: list[int] | None = None) -> None:
    """Recompute the stored vectors of these courses (all when None) in one statement."""
    if not on_postgres():
        return
    with connection.cursor() as cursor:
        if course_ids is None:
            cursor.execute(REFRESH_SQL.format(where="TRUE"))
            cursor.execute(TERMS_SQL.format(where="TRUE"))
        elif course_ids:
            cursor.execute(REFRESH_SQL.format(where="c2.id = ANY(%s)"), [list(course_ids)])
            cursor.execute(TERMS_SQL.format(where="c2.id = ANY(%s)"), [list(course_ids)])


def query_words(text: str) -> list[str]:
    """The query's words as the vocabulary stores them: letters only, case- and ё-folded, at most ten."""
    return [w[:60] for w in WORD.findall(fold_text(text) or "")][:MAX_WORDS]


def typo_budget(word: str) -> int:
    """Edits a word may be away from a vocabulary word and still match it: none below four letters,
    one up to six, two beyond."""
    if len(word) < 4:
        return 0
    return 1 if len(word) <= 6 else 2


def nearest_terms(words: list[str]) -> dict[str, list[tuple[str, int]]]:
    """{query word: [(vocabulary word, edit distance), …] nearest first}; empty off PostgreSQL."""
    words = [w for w in dict.fromkeys(words) if len(w) >= 4]
    if not words or not on_postgres():
        return {}
    near: dict[str, list[tuple[str, int]]] = {w: [] for w in words}
    with connection.cursor() as cursor:
        cursor.execute(NEAR_SQL, [words, NEIGHBOURS])
        for word, term, distance in cursor.fetchall():
            near[word].append((term, distance))
    return near


def _word_query(word: str):
    return SearchQuery(word, config="russian", search_type="plain") | SearchQuery(
        word, config="english", search_type="plain"
    )


def forgiving_query(text: str):
    """The websearch query, or'ed with every word widened to its vocabulary neighbours within the typo
    budget (all words still required) when any word has such a neighbour."""
    query = search_query(text)
    words = query_words(text)
    near = nearest_terms(words)
    widened = False
    parts = []
    for word in words:
        variants = [word] + [t for t, d in near.get(word, ()) if 0 < d <= typo_budget(word)]
        widened = widened or len(variants) > 1
        parts.append(reduce(or_, (_word_query(v) for v in variants)))
    if widened:
        query = query | reduce(and_, parts)
    return query


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
        exact, query = search_query(text), forgiving_query(text)
        # Exact words first: their rank counts fully, near words' a tenth.
        rank = SearchRank(F("search_vector"), exact) + SearchRank(F("search_vector"), query) * 0.1
        return qs.filter(search_vector=query).annotate(rank=rank)

    for word in text.split()[:MAX_WORDS]:
        lessons = Lesson.objects.filter(
            Q(title__fold=word) | Q(body__fold=word), module__course=OuterRef("pk")
        )
        qs = qs.filter(
            Q(title__fold=word) | Q(summary__fold=word) | Q(description__fold=word) | Exists(lessons)
        )
    return qs


def did_you_mean(qs: QuerySet, text: str) -> str:
    """For a query that found nothing in `qs`: the query with each word replaced by its nearest vocabulary
    word (any edit distance up to a third of the word, at least two), when that finds something in `qs`;
    else "". Never suggests words only drafts contain: the suggestion must find a course in `qs`."""
    words = query_words(text)
    near = nearest_terms(words)
    suggestion, changed = [], False
    for word in words:
        budget = max(2, len(word) // 3)
        candidates = [(d, i, t) for i, (t, d) in enumerate(near.get(word, ())) if d <= budget]
        best = min(candidates)[2] if candidates else word
        changed = changed or best != word
        suggestion.append(best)
    if not changed:
        return ""
    text = " ".join(suggestion)
    return text if apply_search(qs, text).exists() else ""
