"""Time the commissioning pages (issue 18) through the test client, beside their SQL alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/commissioning_pages.py --size 100000 --reuse [--runs 20] [--explain]

With ``--reuse`` it connects to the database ``bench/commissioning_data.py`` (or an
earlier ``--keep``) left; without, it makes one of ``--size`` opportunities with
``bench/dataset.py`` and adds the commissioning rows in proportion (100,000
pipeline items and contracts at 100,000 opportunities), and drops it at the end
unless ``--keep``.

Each page is requested in this process with Django's test client (DEBUG off, as
``setup_django`` sets it): ``--warmups`` times, then ``--runs`` times, reading the
whole body (a streamed one too); it prints the median and p95, the SQL queries of
one more request and the time of those statements run alone (each re-executed on
a fresh cursor, median of 3), the page's median divided by that, and the peak
Python memory of one request (tracemalloc, in a pass of its own because it slows
Python down). A contract's page and its performance page are requested as a
commissioner of its publisher. A URL that does not resolve, or answers 404, is
printed as "not built": the pages are built on other branches. ``--explain``
prints ``EXPLAIN (ANALYZE, BUFFERS)`` of each page's slowest statement.

It prints; it asserts no time.
"""

import argparse
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import commissioning_data  # noqa: E402  (sets Django up)
import dataset  # noqa: E402
import pages  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

from accounts.models import User  # noqa: E402
from commissioning.models import Contract, PerformanceRating  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
WARD = "ladywood"
DEEP = 500
SKIP = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET", "CLOSE", "FETCH")


def contract_to_show():
    """A contract with a consortium, KPIs, ratings and pledges, and its publisher's
    commissioner; ``(reference, user)`` or ``(None, None)`` without contracts."""
    rated = PerformanceRating.objects.values("contract")
    contract = (
        Contract.objects.filter(pk__in=rated, pledges__isnull=False, suppliers__role="partner")
        .order_by("pk")
        .first()
    ) or Contract.objects.order_by("pk").first()
    if contract is None:
        return None, None
    user = User.objects.filter(
        memberships__organisation=contract.publisher_id, is_active=True
    ).first()
    return contract.reference, user


def pages_to_time():
    """``(label, path, signed in as)`` for each page."""
    reference, commissioner = contract_to_show()
    reference = reference or "CON-0000-000000"
    return [
        ("`/pipeline/`", "/pipeline/", None),
        ("pipeline: a word + ward", f"/pipeline/?q=support&ward={WARD}", None),
        (f"pipeline: page {DEEP}", f"/pipeline/?page={DEEP}", None),
        ("`/contracts/`", "/contracts/", None),
        ("contracts: a word + type + ward", f"/contracts/?q=support&kind=grant&ward={WARD}", None),
        (f"contracts: page {DEEP}", f"/contracts/?page={DEEP}", None),
        ("`/projects/`", "/projects/", None),
        ("projects: phase + ward", f"/projects/?phase=plan&ward={WARD}", None),
        (f"projects: page {DEEP}", f"/projects/?page={DEEP}", None),
        ("`/events/`", "/events/", None),
        ("events: market days", "/events/?kind=market_day", None),
        (f"events: page {DEEP}", f"/events/?page={DEEP}", None),
        ("`/decommissioning/`", "/decommissioning/", None),
        (f"decommissioning: page {DEEP}", f"/decommissioning/?page={DEEP}", None),
        ("`/spend/`", "/spend/", None),
        ("`/spend/spend.csv`", "/spend/spend.csv", None),
        (f"`/wards/{WARD}/`", f"/wards/{WARD}/", None),
        ("a contract (commissioner)", f"/contracts/{reference}/", commissioner),
        ("its performance (commissioner)", f"/contracts/{reference}/performance/", commissioner),
    ]


def _client(user):
    client = Client(HTTP_HOST="localhost")
    if user is not None:
        client.force_login(user)
    return client


def _get(client, path):
    """GET ``path`` and read the whole body; returns (status, bytes read)."""
    response = client.get(path)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return response.status_code, size


def is_built(client, path):
    """False when ``path`` resolves to no view yet, or its view answers 404."""
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return _get(client, path)[0] != 404


def time_page(client, path, *, runs, warmups):
    """Times of ``runs`` requests after ``warmups`` and the statuses seen; a page slower
    than ``pages.SLOW_PAGE_SECONDS`` is timed only ``pages.SLOW_PAGE_RUNS`` times."""
    times, statuses, slowest = [], set(), 0.0
    for n in range(warmups + runs):
        if slowest > pages.SLOW_PAGE_SECONDS and n >= warmups + pages.SLOW_PAGE_RUNS:
            break
        started = time.perf_counter()
        status, _size = _get(client, path)
        took = time.perf_counter() - started
        slowest = max(slowest, took)
        if n >= warmups:
            times.append(took)
            statuses.add(status)
    return times, statuses


def _statements(captured):
    for query in captured.captured_queries:
        sql = pages.DECLARE.sub("", query["sql"], count=1)
        if not sql.upper().startswith(SKIP):
            yield sql


def sql_of(client, path):
    """``(queries, seconds of SQL alone, slowest statement, its seconds)`` of one request."""
    with CaptureQueriesContext(connection) as captured:
        _get(client, path)
    alone, slowest, slowest_s = 0.0, None, -1.0
    statements = list(_statements(captured))
    for sql in statements:
        tries = []
        for _ in range(3):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall() if cursor.description else None
                tries.append(time.perf_counter() - started)
            if tries[-1] > pages.SLOW_SQL_SECONDS:
                break
        seconds = statistics.median(tries)
        alone += seconds
        if seconds > slowest_s and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            slowest, slowest_s = sql, seconds
    return len(captured.captured_queries), alone, slowest, slowest_s


def peak_memory(client, path):
    """Peak Python memory (bytes) allocated while serving and reading ``path`` once."""
    tracemalloc.start()
    try:
        _get(client, path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def timed_row(client, label, path, *, runs, warmups):
    """Time ``path`` and print its row of the table (page, median, p95, SQL queries, SQL
    alone, median ÷ SQL, peak memory); returns its slowest statement and that
    statement's seconds, for ``--explain``."""
    times, statuses = time_page(client, path, runs=runs, warmups=warmups)
    queries, alone, slowest, slowest_s = sql_of(client, path)
    peak = peak_memory(client, path)
    median = statistics.median(times)
    odd = statuses - {200}
    cells = [
        label + (f" (status {', '.join(map(str, sorted(odd)))})" if odd else ""),
        pages.ms(median),
        pages.ms(pages.percentile(times, 0.95)),
        str(queries),
        pages.ms(alone),
        f"{median / alone:.1f}" if alone else "–",
        f"{peak / 2**20:.1f} MiB",
    ]
    print("| " + " | ".join(cells) + " |", flush=True)
    return slowest, slowest_s


def print_explained(explained):
    """Each ``(label, sql, seconds)``: the statement and its plan, run again."""
    for label, sql, seconds in explained:
        print(f"\n### {label}: slowest statement ({pages.ms(seconds)} alone)\n")
        print(sql)
        print()
        print(explain(sql))


def _open(args):
    if args.reuse:
        return dataset.open_database(size=args.size, seed=args.seed, reuse=True)
    name = dataset.open_database(size=args.size, seed=args.seed, reuse=False)
    share = args.size / 100_000
    sizes = {k: max(int(v * share), 20) for k, v in commissioning_data.SIZES.items()}
    took = commissioning_data.make_commissioning(seed=args.seed, **sizes)
    print(f"commissioning     {sizes} in {took['total']:.1f} s")
    return name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="opportunities")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    parser.add_argument("--only", help="time only pages whose label contains this")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN each page's slowest SQL")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    original = connection.settings_dict["NAME"]
    _open(args)
    print(
        f"contracts         {Contract.objects.count():,}; "
        f"pipeline items {commissioning_data.PipelineItem.objects.count():,}"
    )
    explained = []
    try:
        print()
        print("| page | median | p95 | SQL queries | SQL alone | median ÷ SQL | peak memory |")
        print("|---|---|---|---|---|---|---|")
        for label, path, user in pages_to_time():
            if args.only and args.only not in label:
                continue
            client = _client(user)
            if not is_built(client, path):
                print(f"| {label} | not built | | | | | |", flush=True)
                continue
            slowest = timed_row(client, label, path, runs=args.runs, warmups=args.warmups)
            if args.explain and slowest[0]:
                explained.append((label, *slowest))
        print_explained(explained)
    finally:
        if not args.keep and not args.reuse:
            connection.close()
            dataset.drop_database(original)


if __name__ == "__main__":
    main()
