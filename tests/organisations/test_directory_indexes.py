"""The directory's substring search: trigram indexes on PostgreSQL, the same matches everywhere."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from organisations.models import LegalForm, Organisation
from organisations.queries import search_directory
from portal.pagination import BoundedPaginator
from tests.factories import OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {"organisation_name_trgm", "organisation_description_trgm"}
BEFORE, WITH_INDEXES = (
    ("organisations", "0003_batch_failures"),
    (
        "organisations",
        "0004_directory_search_trigram_indexes",
    ),
)


def trigram_indexes():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Organisation._meta.db_table)
    return TRIGRAM_INDEXES & set(constraints)


def migrate_organisations_to(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def test_the_trigram_indexes_are_on_postgresql_only():
    # SQLite migrates the same tree and has no such indexes.
    expected = TRIGRAM_INDEXES if connection.vendor == "postgresql" else set()
    assert trigram_indexes() == expected


@pytest.mark.postgres
def test_postgres_the_migration_creates_the_trigram_indexes_and_undoing_it_drops_them():
    # PostgreSQL's DDL is transactional: the test's rollback undoes all of this.
    migrate_organisations_to(BEFORE)
    assert trigram_indexes() == set()
    migrate_organisations_to(WITH_INDEXES)
    assert trigram_indexes() == TRIGRAM_INDEXES


@pytest.mark.postgres
def test_postgres_trigram_indexes_are_on_the_expressions_icontains_emits():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [sorted(TRIGRAM_INDEXES)],
        )
        definitions = dict(cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
    # Django writes `name__icontains` as UPPER("…"."name"::text) LIKE UPPER(%s):
    # an index on any other expression (lower(), a concatenation) is never used.
    assert "USING gin (upper((name)::text) gin_trgm_ops)" in definitions["organisation_name_trgm"]
    assert (
        "USING gin (upper(description) gin_trgm_ops)"
        in definitions["organisation_description_trgm"]
    )


# --- The same matches, with or without the indexes ------------------------------

ORGANISATIONS = {
    "Youth Club Aston": "Football for YOUNG people on Tuesdays.",
    "Young Carers": "Support for carers under 18.",
    "100% Volunteers": "Everything is done by volunteers.",
    "1000 Voices": "A community choir.",
    "Half_Way House": "Supported housing at 50% of market rent.",
    "Half-way Hostel": "Move-on housing.",
    "Path\\Finders": "Walking groups.",
}

SEARCHES = [
    ("young", ["Young Carers", "Youth Club Aston"]),  # name, and description in capitals
    ("YOUNG PEOPLE", ["Youth Club Aston"]),
    ("oun", ["Young Carers", "Youth Club Aston"]),  # part of a word
    ("g p", ["Youth Club Aston"]),  # across two words
    ("ousing", ["Half-way Hostel", "Half_Way House"]),
    ("100%", ["100% Volunteers"]),  # % is a percent sign, not "anything"
    ("%", ["100% Volunteers", "Half_Way House"]),
    ("half_way", ["Half_Way House"]),  # _ is an underscore, not "any character"
    ("_", ["Half_Way House"]),
    ("h\\f", ["Path\\Finders"]),
    ("choir", ["1000 Voices"]),
    ("rowing", []),
]


@pytest.fixture
def directory():
    for name, description in ORGANISATIONS.items():
        OrganisationFactory(name=name, description=description)


def search_for(q):
    params = QueryDict(mutable=True)
    params["q"] = q
    return search_directory(params)[1]


def names_found(q):
    organisations = search_for(q)
    return [organisation.name for organisation in organisations]


@pytest.mark.parametrize(("q", "names"), SEARCHES)
def test_search_matches_a_substring_of_name_or_description_literally(directory, q, names):
    assert names_found(q) == names


def plan_of(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def only(scans):
    """Leave the planner no way but ``scans`` (for this test's transaction)."""
    with connection.cursor() as cursor:
        for scan in ("seqscan", "indexscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = {'on' if scan in scans else 'off'}")


@pytest.mark.postgres
@pytest.mark.parametrize(("q", "names"), SEARCHES)
def test_postgres_search_through_the_trigram_indexes_finds_what_a_scan_finds(directory, q, names):
    only({"seqscan"})
    assert names_found(q) == names
    only({"bitmapscan"})
    organisations = search_for(q)
    # Before the indexes every search read the whole table; check this one did not.
    assert "Bitmap Index Scan on organisation_description_trgm" in plan_of(
        *organisations.query.sql_with_params()
    )
    assert [organisation.name for organisation in organisations] == names


# --- The planner's own choice at a few thousand organisations -------------------

WORDS = ["advice", "carers", "youth", "food", "housing", "sport", "transport", "garden"]


def bulk_organisations(count):
    """``count`` organisations with everyday descriptions; every 1,000th runs an orchard."""
    Organisation.objects.bulk_create(
        Organisation(
            name=f"{WORDS[n % 8].title()} Group {n}",
            slug=f"bulk-{n:05d}",
            legal_form=LegalForm.REGISTERED_CHARITY,
            description=f"Local {WORDS[(n + 3) % 8]} and {WORDS[(n + 5) % 8]} support "
            "for people across the city, run by volunteers. "
            * 3
            + ("Members tend a community orchard." if n % 1000 == 0 else ""),
            citywide=n % 7 == 0,
        )
        for n in range(count)
    )


@pytest.mark.postgres
def test_postgres_directory_search_for_a_rare_word_reads_the_trigram_indexes():
    bulk_organisations(3000)
    WardFactory(slug="ladywood")
    _filterset, organisations = search_directory(QueryDict("q=Orchard&ward=ladywood"))
    paginator = BoundedPaginator(organisations, 20)
    with connection.cursor() as cursor:
        # Fresh statistics, as the migration's ANALYZE gives a real table: with
        # them the planner picks the indexes for a word in 3 rows of 3,000 by
        # itself, without planner settings.
        cursor.execute("ANALYZE organisations_organisation")
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(1)
        found = [organisation.slug for organisation in page]
    assert (paginator.count, found) == (1, ["bulk-00000"])  # the citywide one of three
    count_sql, page_sql = queries[0]["sql"], queries[1]["sql"]
    assert count_sql.startswith("SELECT COUNT(*)"), count_sql
    for sql in (count_sql, page_sql):
        plan = plan_of(sql)
        for index in sorted(TRIGRAM_INDEXES):
            assert f"Bitmap Index Scan on {index}" in plan, plan
        assert "Seq Scan on organisations_organisation " not in plan, plan
