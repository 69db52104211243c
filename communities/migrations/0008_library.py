import django.contrib.postgres.search
from django.db import migrations, models

# Frozen copy of communities.search.MATERIAL_REFRESH_SQL as of this migration.
REFRESH_SQL = """
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
WHERE mm.id = m.id
"""

GIN_SQL = (
    "CREATE INDEX IF NOT EXISTS community_material_search_vector_gin "
    "ON communities_material USING gin (search_vector)"
)
GIN_DROP = "DROP INDEX IF EXISTS community_material_search_vector_gin"


def create_gin_index(apps, schema_editor):
    """The library's full-text index and vectors exist on PostgreSQL only; SQLite uses the folded fallback."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFRESH_SQL)
        schema_editor.execute(GIN_SQL)


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0007_moderation_reactions"),
    ]

    operations = [
        migrations.AddField(
            model_name="material",
            name="edited_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="material",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
