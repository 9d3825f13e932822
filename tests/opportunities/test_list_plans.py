"""Every list of opportunities reads through an index at 100,000 rows (issue 14).

PostgreSQL only: 100,000 opportunities over ten years are written in one
statement (about 2% open, a third closed, most awarded, some cancelled and
drafts; common and rare words), the planner is given fresh statistics, and
each list's SQL, as the pages run it, is explained and run. No planner setting
is forced. A list may stop a sequential read early (a capped count finds its
first 1,001 rows) but none may read the table through.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opportunities import listings
from opportunities.models import Opportunity, Status
from tests.factories import OpportunityFactory, OrganisationFactory, PublisherFactory
from tests.plans import explained

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROWS = 100_000
TABLE = "opportunities_opportunity"

# Per thousand rows: drafts, open, cancelled, closed; the rest are awarded.
MANY = f"""
INSERT INTO {TABLE} (
    reference, title, summary, description, description_html, value_low, value_high,
    value_includes_vat, extension_options, procedure, citywide, suitable_for_small,
    clarification_deadline, submission_deadline, short_window_reason, contact_name,
    contact_email, created_at, updated_at, cancellation_reason, category_id, publisher_id,
    published_at, cancelled_at, awarded_at
)
SELECT
    'PLAN-' || g,
    (ARRAY['Support', 'Housing', 'Advice', 'Carers', 'Meals', 'Transport'])[1 + g %% 6]
        || ' service ' || g || CASE WHEN g %% 5000 = 0 THEN ' in the orchard' ELSE '' END,
    'Help for ' || (ARRAY['young people', 'older people', 'families', 'carers'])[1 + g %% 4],
    repeat('The provider will support people to live well at home. ', 1 + g %% 4)
        || (ARRAY['Young people lead the design.', 'Meals are cooked on site.',
                  'Advice sessions run weekly.'])[1 + g %% 3],
    '', 5000 + g %% 500 * 1000, 5000 + g %% 500 * 2000,
    template.value_includes_vat, '', template.procedure, g %% 5 = 0, g %% 2 = 0,
    deadline - interval '14 days', deadline, '', template.contact_name,
    template.contact_email, published, published, '', template.category_id,
    (%(publishers)s::bigint[])[1 + g %% 40],
    CASE WHEN g %% 1000 >= 5 THEN published END,
    CASE WHEN g %% 1000 BETWEEN 25 AND 74 THEN deadline - interval '7 days' END,
    CASE WHEN g %% 1000 >= 425 THEN deadline + interval '30 days' END
FROM {TABLE} AS template,
    generate_series(1, %(rows)s) AS g,
    LATERAL (
        SELECT CASE
            WHEN g %% 1000 < 25 THEN now() - (g %% 60) * interval '1 day'
            ELSE now() - interval '100 days' - (g %% 3550) * interval '1 day'
        END AS published
    ) AS p,
    LATERAL (SELECT published + interval '90 days' AS deadline) AS d
WHERE template.id = %(template)s
"""

# What the pages ask for: every status, sort, common and rare words, deep pages.
LISTS = [
    "/",
    "/opportunities/feed/",
    "/opportunities/",
    "/opportunities/?q=support",
    "/opportunities/?q=young+people",
    "/opportunities/?q=young+people&value=100k-500k",
    "/opportunities/?q=young+people&status=closed",
    "/opportunities/?q=support&status=awarded",
    "/opportunities/?q=orchard&status=awarded",
    "/opportunities/?q=support&sort=newest",
    "/opportunities/?q=support&status=awarded&sort=value",
    "/opportunities/?q=support&status=closed&sort=closing&page=50",
    "/opportunities/?status=awarded&page=50",
    "/opportunities/?status=cancelled&page=50",
    "/opportunities/?status=closed&sort=value",
    "/opportunities/?status=awarded&sort=newest",
]


def _write_hundred_thousand():
    """The rows, from 40 publishers among 1,000 organisations."""
    publishers = PublisherFactory.create_batch(40)
    OrganisationFactory.create_batch(960)
    template = OpportunityFactory(publisher=publishers[0])
    with connection.cursor() as cursor:
        cursor.execute(
            MANY,
            {"rows": ROWS, "template": template.pk, "publishers": [p.pk for p in publishers]},
        )
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [template.pk])
        cursor.execute(f"ANALYZE {TABLE}")
    listings.drop_all()


def _written_as_described():
    now = timezone.now()
    opportunities = Opportunity.objects.all()
    assert opportunities.count() == ROWS
    counts = {status: opportunities.with_status(status, now).count() for status in Status}
    assert counts == {
        Status.DRAFT: 500,
        Status.OPEN: 2000,
        Status.CANCELLED: 5000,
        Status.CLOSED: 35000,
        Status.AWARDED: 57500,
    }
    assert opportunities.filter(published_at__lt=now - timedelta(days=3000)).exists()
    assert opportunities.filter(title__contains="orchard").count() == ROWS // 5000


def test_every_list_reads_through_an_index_at_100000_rows(client):
    _write_hundred_thousand()
    _written_as_described()
    problems = []
    for path in LISTS:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, path
        statements = [q["sql"] for q in captured if TABLE in q["sql"]]
        assert statements, path
        for sql in statements:
            nodes = [n for n in explained(sql) if n.get("Relation Name") == TABLE]
            read_through = sum(
                n["Actual Rows"] + n.get("Rows Removed by Filter", 0)
                for n in nodes
                if n["Node Type"] == "Seq Scan"
            )
            if read_through > ROWS // 10:
                problems.append(f"{path}: read {read_through} rows in order: {sql[:200]}")
            if "LIMIT 21" in sql and not any("Index" in n["Node Type"] for n in nodes):
                problems.append(f"{path}: its page uses no index: {sql[:200]}")
    assert not problems, "\n".join(problems)
