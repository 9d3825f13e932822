"""Indexes that match the status predicates, and a stored search document.

The partial indexes match ``OpportunityQuerySet.with_status`` and the sorts, so
the home page, the feed and each list read only the rows they show.

On PostgreSQL the search vector (title A, summary B, description C, English) is
a stored generated column, ``search_document``, kept current by the database on
every insert and update whatever writes the row (actions, ``bulk_create``, the
admin site), and GIN-indexed. Searching and ranking read it and never the text,
which the expression index of 0003 made them recompute for every matching row.
Opportunities are written rarely and searched often, so the index takes each
write at once (``fastupdate = off``) rather than in a pending list that every
search would then scan.
SQLite has neither: its search uses LIKE (ADR 3).
"""

from django.db import migrations, models

from portal.migration_operations import on_postgresql_only

ADD_SEARCH_DOCUMENT = """
DROP INDEX IF EXISTS opportunity_search_gin;
ALTER TABLE opportunities_opportunity ADD COLUMN search_document tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'C')
    ) STORED;
CREATE INDEX opportunity_search_document ON opportunities_opportunity
    USING gin (search_document) WITH (fastupdate = off);
"""

DROP_SEARCH_DOCUMENT = """
DROP INDEX IF EXISTS opportunity_search_document;
ALTER TABLE opportunities_opportunity DROP COLUMN IF EXISTS search_document;
CREATE INDEX IF NOT EXISTS opportunity_search_gin ON opportunities_opportunity USING gin ((
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'C')
));
"""


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0005_description_html"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                condition=models.Q(
                    ("awarded_at__isnull", True),
                    ("cancelled_at__isnull", True),
                    ("published_at__isnull", False),
                ),
                fields=["submission_deadline", "id"],
                name="opportunity_current_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("published_at__isnull", False)),
                name="opportunity_published_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                models.OrderBy(models.F("awarded_at"), descending=True),
                condition=models.Q(
                    ("awarded_at__isnull", False),
                    ("cancelled_at__isnull", True),
                    ("published_at__isnull", False),
                ),
                name="opportunity_awarded",
            ),
        ),
        on_postgresql_only(ADD_SEARCH_DOCUMENT, DROP_SEARCH_DOCUMENT),
    ]
