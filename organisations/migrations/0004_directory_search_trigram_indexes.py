"""Trigram indexes for the directory's search by name or description (PostgreSQL only).

The directory matches ``q`` anywhere in the name or description (``icontains``),
which Django writes on PostgreSQL as ``UPPER("column"::text) LIKE UPPER(%s)``. A
B-tree cannot find a pattern that starts with ``%``, so at 10,000 organisations
every search read every description, twice a page (the count and the page):
``?q=young+people&ward=ladywood`` spent about 70 ms in SQL. GIN indexes of
``pg_trgm`` trigrams on exactly those expressions find the rows that hold every
trigram of the pattern, and PostgreSQL rechecks only those, so results do not
change: that page (a phrase in one description in seven) takes about 14 ms, a
rarer word 2 ms. One or two characters have no trigram and are read from the
table as before (under 10 ms). ``pg_trgm`` ships with PostgreSQL's contrib and
is a trusted extension: the database's owner may create it.

``fastupdate = off`` as for the opportunities' search document: profiles are
written rarely and searched often, so a search never reads a pending list.
``ANALYZE`` gathers the statistics of the two expressions, which only it
collects: without them the planner guesses that any pattern matches one row,
and for a common word sorts thousands of matches instead of walking the names
in order until it has a page.
"""

from django.db import migrations

from portal.migration_operations import on_postgresql_only

TRIGRAM_INDEXES = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX organisation_name_trgm ON organisations_organisation
    USING gin (UPPER(name::text) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX organisation_description_trgm ON organisations_organisation
    USING gin (UPPER(description::text) gin_trgm_ops) WITH (fastupdate = off);
ANALYZE organisations_organisation;
"""

# The extension stays: it may have been there before, and dropping it is the
# database administrator's call, not a migration's.
DROP_TRIGRAM_INDEXES = """
DROP INDEX IF EXISTS organisation_name_trgm;
DROP INDEX IF EXISTS organisation_description_trgm;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_batch_failures"),
    ]

    operations = [on_postgresql_only(TRIGRAM_INDEXES, DROP_TRIGRAM_INDEXES)]
