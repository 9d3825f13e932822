"""Indexes for every sort of every status, and the search document kept in the row.

``opportunity_published_deadline``, ``opportunity_cancelled_deadline`` and
``opportunity_published_value`` let the "closing" and "value" sorts (and their
deeper pages) of awarded and cancelled opportunities read only the rows they
show; ``opportunity_awarded`` (by award date) matched no list and goes.

The search document is about 2 KB. PostgreSQL's default for a column that size
is to compress it into the TOAST table, so every row a search checks or ranks
without the GIN index (a common word among 60,000 awarded notices) cost a TOAST
lookup: 46,117 of them took 0.5 s. ``STORAGE MAIN`` keeps it compressed in the
row itself (the table grows from 125 MB to 261 MB at 100,000 opportunities, its
TOAST table shrinks by as much), and the same search ranks in 80 ms. Changing a
column's storage only applies to values written afterwards, so the column is
made again with it (one rewrite of the table; about a minute at 100,000 rows).
"""

from django.db import migrations, models

from portal.migration_operations import on_postgresql_only

SEARCH_DOCUMENT = """
DROP INDEX IF EXISTS opportunity_search_document;
ALTER TABLE opportunities_opportunity DROP COLUMN IF EXISTS search_document;
ALTER TABLE opportunities_opportunity
    ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'C')
    ) STORED,
    ALTER COLUMN search_document SET STORAGE {storage};
CREATE INDEX opportunity_search_document ON opportunities_opportunity
    USING gin (search_document) WITH (fastupdate = off);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0006_status_indexes_and_stored_search"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="opportunity",
            name="opportunity_awarded",
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                condition=models.Q(("published_at__isnull", False)),
                fields=["submission_deadline", "id"],
                name="opportunity_published_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                condition=models.Q(
                    ("cancelled_at__isnull", False), ("published_at__isnull", False)
                ),
                fields=["submission_deadline", "id"],
                name="opportunity_cancelled_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                models.OrderBy(models.F("value_high"), descending=True),
                models.F("submission_deadline"),
                models.F("id"),
                condition=models.Q(("published_at__isnull", False)),
                name="opportunity_published_value",
            ),
        ),
        on_postgresql_only(
            SEARCH_DOCUMENT.format(storage="MAIN"), SEARCH_DOCUMENT.format(storage="EXTENDED")
        ),
    ]
