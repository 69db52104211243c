"""Search vectors are rebuilt from ё-folded text, so «елка» finds «Ёлка» on PostgreSQL too."""

from django.db import migrations

# Frozen copy of courses.search.REFRESH_SQL as of this migration.
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


def rebuild_vectors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFRESH_SQL.format(where="TRUE"))


class Migration(migrations.Migration):
    dependencies = [("courses", "0003_history_of_competencies_and_authors")]

    operations = [migrations.RunPython(rebuild_vectors, migrations.RunPython.noop)]
