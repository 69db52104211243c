"""Forum search: a stored tsvector on every post (its topic's title, weight A, and its text, weight B),
built with the 'russian' config (stems Russian and, imperfectly, Ukrainian) and 'simple' (exact words,
names, Ukrainian forms the Russian stemmer leaves alone), ё read as е; a GIN index answers the query
(migration 0005). The services write the vector in the same transaction as the post or title (never a
sweep); on SQLite the column stays NULL and selectors fall back to the folded substring match
(core/search.py). Decision record 0371.
"""

from django.contrib.postgres.search import SearchQuery
from django.db import connection

from core.search import fold_text

CONFIGS = ("russian", "simple")

# One statement for any set of posts: the title comes from the post's topic, so renaming a topic
# rewrites its posts' vectors (rare) and a query never joins topics to match (every search).
REFRESH_SQL = """
UPDATE communities_post AS p SET search_vector =
    setweight(to_tsvector('russian', translate(coalesce(t.title, ''), 'Ёё', 'Ее')), 'A')
 || setweight(to_tsvector('simple', translate(coalesce(t.title, ''), 'Ёё', 'Ее')), 'A')
 || setweight(to_tsvector('russian', translate(coalesce(p.body, ''), 'Ёё', 'Ее')), 'B')
 || setweight(to_tsvector('simple', translate(coalesce(p.body, ''), 'Ёё', 'Ее')), 'B')
FROM communities_topic AS t
WHERE t.id = p.topic_id AND {where}
"""


# The library's vector: a material's title (A), its tags (B) and its description (C), the same configs.
MATERIAL_REFRESH_SQL = """
UPDATE communities_material AS m SET search_vector =
    setweight(to_tsvector('russian', translate(coalesce(m.title, ''), 'Ёё', 'Ее')), 'A')
 || setweight(to_tsvector('simple', translate(coalesce(m.title, ''), 'Ёё', 'Ее')), 'A')
 || setweight(to_tsvector('russian', translate(coalesce(tags.names, ''), 'Ёё', 'Ее')), 'B')
 || setweight(to_tsvector('simple', translate(coalesce(tags.names, ''), 'Ёё', 'Ее')), 'B')
 || setweight(to_tsvector('russian', translate(coalesce(m.description, ''), 'Ёё', 'Ее')), 'C')
 || setweight(to_tsvector('simple', translate(coalesce(m.description, ''), 'Ёё', 'Ее')), 'C')
FROM communities_material AS mm
LEFT JOIN LATERAL (
    SELECT string_agg(t.name, ' ') AS names FROM communities_material_tags AS mt
    JOIN communities_tag AS t ON t.id = mt.tag_id WHERE mt.material_id = mm.id
) AS tags ON TRUE
WHERE mm.id = m.id AND {where}
"""


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def refresh_search_vectors(*, post_ids: list[int] | None = None, topic_ids: list[int] | None = None) -> None:
    """Recompute the vectors of these posts, or of every post of these topics; nothing on SQLite.
    Call it inside the transaction that wrote the text."""
    if not on_postgres():
        return
    with connection.cursor() as cursor:
        if post_ids:
            cursor.execute(REFRESH_SQL.format(where="p.id = ANY(%s)"), [list(post_ids)])
        if topic_ids:
            cursor.execute(REFRESH_SQL.format(where="p.topic_id = ANY(%s)"), [list(topic_ids)])


def refresh_material_vectors(*, material_ids: list[int]) -> None:
    """Recompute the library vectors of these materials (title, tags, description); nothing on SQLite.
    Call it inside the transaction that wrote the text or the tags."""
    if not on_postgres() or not material_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(MATERIAL_REFRESH_SQL.format(where="m.id = ANY(%s)"), [list(material_ids)])


def search_query(text: str, *, search_type: str = "websearch") -> SearchQuery:
    """The query over the same configs as the vectors, ё-folded and lower-cased like them."""
    text = fold_text(text)
    query = SearchQuery(text, config=CONFIGS[0], search_type=search_type)
    for config in CONFIGS[1:]:
        query = query | SearchQuery(text, config=config, search_type=search_type)
    return query
