"""A GIN index for full-text search of opportunities, on PostgreSQL only.

The expression is the one ``opportunities.queries.search_vector`` builds
(title A, summary B, description C, in English), written out so PostgreSQL
matches it to the query and uses the index: change both together. SQLite has
no such index; the search there uses LIKE.
"""

from django.db import migrations

from portal.migration_operations import on_postgresql_only

INDEX_NAME = "opportunity_search_gin"

CREATE_INDEX = f"""
CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON opportunities_opportunity USING gin ((
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'C')
))
"""

DROP_INDEX = f"DROP INDEX IF EXISTS {INDEX_NAME}"


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0002_load_cpv_codes"),
    ]

    operations = [
        on_postgresql_only(CREATE_INDEX, DROP_INDEX),
    ]
