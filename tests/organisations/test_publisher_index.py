"""The filter forms' list of publishers reads a partial index, not every organisation."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from commissioning.queries.contracts import ContractFilter
from commissioning.spend import SpendFilter
from organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

INDEX = "organisation_publishers"
BEFORE = ("organisations", "0006_charter_principles")
WITH_INDEX = ("organisations", "0007_publishers_by_name_index")
ORGANISATIONS = 5000
PUBLISHERS = 40


def _explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _many_organisations():
    # 40 publishers among 5,000, as among the portal's tens of thousands.
    now = timezone.now()
    every = ORGANISATIONS // PUBLISHERS
    Organisation.objects.bulk_create(
        (
            OrganisationFactory.build(
                name=f"Organisation {n}",
                slug=f"organisation-{n}",
                publishing_allowed_at=now if n % every == 0 else None,
            )
            for n in range(ORGANISATIONS)
        ),
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE organisations_organisation")


def _indexes():
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, Organisation._meta.db_table))


@pytest.mark.parametrize("filterset", [SpendFilter, ContractFilter])
def test_postgres_the_publisher_list_reads_the_partial_index(filterset):
    _many_organisations()
    publishers = filterset().filters["publisher"].queryset
    assert publishers.count() == PUBLISHERS
    plan = _explain(publishers)
    assert INDEX in plan, plan
    assert "Seq Scan on organisations_organisation" not in plan, plan


def test_postgres_the_migration_adds_the_index_and_undoing_it_drops_it():
    # PostgreSQL's DDL is transactional: the test's rollback undoes all of this.
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    assert INDEX not in _indexes()
    executor = MigrationExecutor(connection)
    executor.migrate([WITH_INDEX])
    assert INDEX in _indexes()
