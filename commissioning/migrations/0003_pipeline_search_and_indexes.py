"""The pipeline's published date and search document, and the lists' partial indexes.

``PipelineItem.published_at`` copies when the linked opportunity was published;
existing items linked to a published opportunity get its date here. With it,
the default list (still to come, soonest expected first) reads the partial
index ``pipeline_coming`` instead of joining every item to its opportunity,
and ``pipeline_linked_unpublished`` holds the few linked drafts the 15-minute
job checks.

On PostgreSQL, as opportunities have (ADR 3), a stored generated column
``search_document`` (title A, summary B, English) that the database keeps
current on every write, GIN-indexed with ``fastupdate = off``. The pipeline
search matches on it instead of ``LIKE '%word%'`` over the text, which the
planner could not estimate (9 rows guessed where 8,000 matched). SQLite has
neither: its search keeps ``icontains`` (ADR 3).

``decommissioning_notices_newest`` is the public list of notices given, newest
first.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from portal.migration_operations import on_postgresql_only

ADD_SEARCH_DOCUMENT = """
ALTER TABLE commissioning_pipelineitem
    ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')
    ) STORED,
    ALTER COLUMN search_document SET STORAGE MAIN;
CREATE INDEX pipeline_search_document ON commissioning_pipelineitem
    USING gin (search_document) WITH (fastupdate = off);
"""

DROP_SEARCH_DOCUMENT = """
DROP INDEX IF EXISTS pipeline_search_document;
ALTER TABLE commissioning_pipelineitem DROP COLUMN IF EXISTS search_document;
"""


def copy_published_dates(apps, schema_editor):
    PipelineItem = apps.get_model("commissioning", "PipelineItem")
    Opportunity = apps.get_model("opportunities", "Opportunity")
    published = Opportunity.objects.filter(pk=OuterRef("opportunity_id")).values("published_at")
    PipelineItem.objects.filter(
        opportunity__published_at__isnull=False, published_at__isnull=True
    ).update(published_at=Subquery(published[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0002_contracts_return_corrections"),
        ("opportunities", "0010_opportunity_subcontracting"),
    ]

    operations = [
        migrations.AddField(
            model_name="pipelineitem",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(copy_published_dates, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="decommissioning",
            index=models.Index(
                models.OrderBy(models.F("notice_given_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("notice_given_at__isnull", False)),
                name="decommissioning_notices_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="pipelineitem",
            index=models.Index(
                condition=models.Q(("published_at__isnull", True), ("withdrawn_at__isnull", True)),
                fields=["expected_year", "expected_quarter", "reference"],
                name="pipeline_coming",
            ),
        ),
        migrations.AddIndex(
            model_name="pipelineitem",
            index=models.Index(
                condition=models.Q(("opportunity__isnull", False), ("published_at__isnull", True)),
                fields=["opportunity"],
                name="pipeline_linked_unpublished",
            ),
        ),
        on_postgresql_only(ADD_SEARCH_DOCUMENT, DROP_SEARCH_DOCUMENT),
    ]
