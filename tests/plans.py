"""PostgreSQL's plan of a statement, as a flat list of its nodes, for tests that check
which index a query reads (never its time)."""

from django.db import connection


def nodes(plan):
    """``plan`` and every node below it."""
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def explained(sql):
    """The nodes of ``sql``'s plan, run (``EXPLAIN ANALYZE``) so row counts are real."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        [[result]] = cursor.fetchall()
    return list(nodes(result[0]["Plan"]))
