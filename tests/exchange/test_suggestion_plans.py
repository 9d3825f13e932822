"""The first suggestions read a few rows of each kind through an index at 20,000 needs and
20,000 offers, however many fit (issue 21).

PostgreSQL only: the rows are written in one statement each from a template (nine
kinds, five wards, a fifth of offers city-wide and a fifth online, dates from past to
a year ahead, some closed or taken up), the planner is given fresh statistics, and
the query that unites the first rows of each kind is explained and run as
``first_suggested_needs`` and ``first_suggested_offers`` make it. No planner setting
is forced.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exchange.models import USUAL_UNIT, Kind
from exchange.queries import (
    first_suggested_needs,
    first_suggested_offers,
    suggested_needs,
    suggested_offers,
)
from tests.exchange.factories import NeedFactory, OfferFactory
from tests.factories import OrganisationFactory, WardFactory
from tests.plans import explained

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROWS = 20_000
KINDS = [(kind.value, USUAL_UNIT[kind].value) for kind in Kind]

NEEDS = """
INSERT INTO exchange_need (
    failed_attempts, last_failure, title, description, why, kind, unit, quantity, online,
    needed_by, posted_at, promised, delivered, met_at, closed_at, organisation_id, ward_id
)
SELECT 0, '', template.title || ' ' || g, template.description, template.why,
    (%(kinds)s::text[])[1 + g %% 9], (%(units)s::text[])[1 + g %% 9], 20, g %% 4 = 0,
    CURRENT_DATE - 100 + g %% 465, template.posted_at - g * interval '1 minute',
    CASE WHEN g %% 10 = 0 THEN 20 ELSE 0 END, 0, NULL,
    CASE WHEN g %% 20 = 1 THEN now() END,
    (%(organisations)s::bigint[])[1 + g %% 50], (%(wards)s::bigint[])[1 + g %% 5]
FROM exchange_need AS template, generate_series(1, %(rows)s) AS g
WHERE template.id = %(template)s
"""

OFFERS = """
INSERT INTO exchange_offer (
    title, description, kind, unit, capacity, citywide, online, available_from,
    available_until, posted_at, committed, delivered, closed_at, organisation_id
)
SELECT template.title || ' ' || g, template.description,
    (%(kinds)s::text[])[1 + g %% 9], (%(units)s::text[])[1 + g %% 9], 10 + g %% 50,
    g %% 5 = 0, g %% 5 = 1, CURRENT_DATE - 200 + g %% 300, CURRENT_DATE + g %% 200,
    template.posted_at - g * interval '1 minute', CASE WHEN g %% 10 = 0 THEN 10 ELSE 0 END,
    0, CASE WHEN g %% 20 = 1 THEN now() END, (%(organisations)s::bigint[])[1 + g %% 50]
FROM exchange_offer AS template, generate_series(1, %(rows)s) AS g
WHERE template.id = %(template)s;
INSERT INTO exchange_offer_wards (offer_id, ward_id)
SELECT id, (%(wards)s::bigint[])[1 + id %% 5] FROM exchange_offer
WHERE NOT citywide AND id > %(template)s;
"""


def _write_many(wards):
    others = OrganisationFactory.create_batch(50)
    parameters = {
        "rows": ROWS,
        "kinds": [kind for kind, _ in KINDS],
        "units": [unit for _, unit in KINDS],
        "organisations": [organisation.pk for organisation in others],
        "wards": [ward.pk for ward in wards],
    }
    with connection.cursor() as cursor:
        need, offer = NeedFactory(), OfferFactory()
        cursor.execute(NEEDS, {**parameters, "template": need.pk})
        cursor.execute(OFFERS, {**parameters, "template": offer.pk})
        for table in ("exchange_need", "exchange_offer", "exchange_offer_wards"):
            cursor.execute(f"ANALYZE {table}")


def _first_rows_read(call, table, index, lookups):
    """The statement of ``call`` that unites the first rows of each kind, explained and
    run: how many rows of ``table`` it read, and problems in how it read them (not
    through ``index``, or another table through none of those ``lookups`` names)."""
    with CaptureQueriesContext(connection) as captured:
        found = call()
    [united] = [query["sql"] for query in captured if " UNION ALL " in query["sql"]]
    problems, read = [], 0
    for node in explained(united):
        relation = node.get("Relation Name")
        if relation == table:
            read += node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
        expected = {index} if relation == table else lookups.get(relation)
        if expected and node.get("Index Name") not in expected:
            problems.append(f"{node['Node Type']} on {relation} ({node.get('Index Name')})")
    return found, read, problems


def test_the_first_suggestions_stop_after_a_few_rows_of_each_kind():
    wards = WardFactory.create_batch(5)
    giver = OrganisationFactory(legal_form="private_company")
    group = OrganisationFactory()
    today = timezone.localdate()
    for kind, unit in KINDS[:4]:
        OfferFactory(organisation=giver, kind=kind, unit=unit, citywide=False, wards=wards[:2])
        OfferFactory(organisation=giver, kind=kind, unit=unit, online=True, citywide=False)
        OfferFactory(
            organisation=giver,
            kind=kind,
            unit=unit,
            available_from=today + datetime.timedelta(days=30),
        )
        NeedFactory(organisation=group, kind=kind, unit=unit, ward=wards[0], quantity=Decimal(5))
        NeedFactory(
            organisation=group,
            kind=kind,
            unit=unit,
            ward=wards[3],
            online=True,
            needed_by=today + datetime.timedelta(days=200),
        )
    _write_many(wards)

    for call, full, table, index, lookups in [
        (
            lambda: first_suggested_needs(giver, limit=10),
            suggested_needs(giver),
            "exchange_need",
            "need_open_by_kind_date",
            {},
        ),
        (
            lambda: first_suggested_offers(group, limit=10),
            suggested_offers(group),
            "exchange_offer",
            "offer_open_by_kind_left",
            # Each offer read: its wards, then the group's needs there of its kind.
            {
                "exchange_offer_wards": {
                    "exchange_offer_wards_offer_id_ward_id_27ef464d_uniq",
                    "exchange_offer_wards_offer_id_55de0bee",
                },
                "exchange_need": {"need_open_by_organisation"},
            },
        ),
    ]:
        found, read, problems = _first_rows_read(call, table, index, lookups)
        assert [(row, row.in_ward) for row in found] == [(row, row.in_ward) for row in full[:10]]
        assert full.count() > 2_000
        assert not problems
        # Four kinds, in the ward and elsewhere, ten of each and the rows passed over on
        # the way: a tenth of the table at most, where sorting what fits reads it all.
        assert read < ROWS // 10, read
