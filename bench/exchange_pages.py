"""Time the exchange's public pages, suggestions and an organisation's own page (issue 19)
through the test client, beside their SQL alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_exchange \\
        .venv/bin/python bench/exchange_pages.py --size 100000 --reuse [--runs 20] [--explain]

With ``--reuse`` it connects to the database ``bench/exchange_data.py`` kept for
``--size``; without, it makes one (``exchange_data.make_exchange``) and drops it at
the end unless ``--keep``. Pages are timed as ``bench/commissioning_pages.py``
times them (its ``time_page``, ``sql_of`` and ``peak_memory``): median and p95 of
``--runs`` requests after ``--warmups``, the queries of one more request, the time
of those statements alone, and the median divided by that. The suggestions
(``exchange.queries.first_suggested_needs`` and ``first_suggested_offers`` for
the busy organisation, the first ten, as ``/exchange/yours/`` lists them) are
timed as calls. ``/exchange/yours/`` is requested as the busy organisation's member.
``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of each slowest statement.

It prints; it asserts no time.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import commissioning_pages as timing  # noqa: E402  (sets Django up)
import exchange_data  # noqa: E402
import pages  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from exchange import queries, totals  # noqa: E402
from exchange.models import Need, Offer  # noqa: E402

WARD = "ladywood"
KIND = "mentoring"
DEEP = 50  # the last page a bounded list offers
LISTED = 10
HEADER = "| page or query | median | p95 | SQL queries | SQL alone | median ÷ SQL | peak memory |"


def pages_to_time(busy):
    return [
        ("`/exchange/`", "/exchange/", None),
        ("`/exchange/` (value)", "/exchange/?measure=value", None),
        ("`/exchange/needs/`", "/exchange/needs/", None),
        ("needs: ward + kind", f"/exchange/needs/?ward={WARD}&kind={KIND}", None),
        ("needs: size micro", "/exchange/needs/?size=micro", None),
        (f"needs: page {DEEP}", f"/exchange/needs/?page={DEEP}", None),
        ("`/exchange/offers/`", "/exchange/offers/", None),
        ("offers: ward + kind", f"/exchange/offers/?ward={WARD}&kind={KIND}", None),
        ("offers: Charter + size", "/exchange/offers/?charter=on&size=major", None),
        (f"offers: page {DEEP}", f"/exchange/offers/?page={DEEP}", None),
        ("`/exchange/yours/` (busy organisation)", "/exchange/yours/", busy),
    ]


def time_call(call, *, runs, warmups):
    """Times of ``runs`` calls after ``warmups``; a slow call is timed only
    ``pages.SLOW_PAGE_RUNS`` times, as a slow page is."""
    times, slowest = [], 0.0
    for n in range(warmups + runs):
        if slowest > pages.SLOW_PAGE_SECONDS and n >= warmups + pages.SLOW_PAGE_RUNS:
            break
        started = time.perf_counter()
        call()
        took = time.perf_counter() - started
        slowest = max(slowest, took)
        if n >= warmups:
            times.append(took)
    return times


def sql_of_call(call):
    """``(queries, seconds of SQL alone, slowest statement, its seconds)`` of one call."""
    with CaptureQueriesContext(connection) as captured:
        call()
    alone, slowest, slowest_s = 0.0, None, -1.0
    for sql in timing._statements(captured):
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
        if seconds > slowest_s:
            slowest, slowest_s = sql, seconds
    return len(captured.captured_queries), alone, slowest, slowest_s


def _left_out(args, label):
    return (args.only and args.only not in label) or (args.skip and args.skip in label)


def _row(label, times, queries_made, alone, peak=None):
    median = statistics.median(times)
    cells = [
        label,
        pages.ms(median),
        pages.ms(pages.percentile(times, 0.95)),
        str(queries_made),
        pages.ms(alone),
        f"{median / alone:.1f}" if alone else "–",
        f"{peak / 2**20:.1f} MiB" if peak is not None else "–",
    ]
    print("| " + " | ".join(cells) + " |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="needs, and as many offers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    parser.add_argument("--only", help="time only rows whose label contains this")
    parser.add_argument("--skip", help="leave out rows whose label contains this")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN each slowest SQL")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    original = connection.settings_dict["NAME"]
    exchange_data.open_database(args.size, reuse=args.reuse)
    if not args.reuse:
        exchange_data.make_exchange(size=args.size, seed=args.seed)
    print(exchange_data.summary(), flush=True)
    busy = User.objects.get(email="busy@bench.example")
    organisation = busy.memberships.get().organisation
    explained = []
    try:
        print()
        print(HEADER)
        print("|---|---|---|---|---|---|---|")
        for label, path, user in pages_to_time(busy):
            if _left_out(args, label):
                continue
            client = timing._client(user)
            times, statuses = timing.time_page(client, path, runs=args.runs, warmups=args.warmups)
            made, alone, slowest, slowest_s = timing.sql_of(client, path)
            odd = statuses - {200}
            label += f" (status {', '.join(map(str, sorted(odd)))})" if odd else ""
            _row(label, times, made, alone, timing.peak_memory(client, path))
            if args.explain and slowest:
                explained.append((label, slowest, slowest_s))
        calls = [
            ("totals made afresh (after a confirmation)", totals._made),
            ("`first_suggested_needs` (busy, 10)", queries.first_suggested_needs),
            ("`first_suggested_offers` (busy, 10)", queries.first_suggested_offers),
        ]
        for label, suggest in calls:
            if _left_out(args, label):
                continue

            def call(suggest=suggest):
                if suggest is totals._made:
                    return suggest()
                return suggest(organisation, limit=LISTED)

            times = time_call(call, runs=args.runs, warmups=args.warmups)
            made, alone, slowest, slowest_s = sql_of_call(call)
            _row(label, times, made, alone)
            if args.explain and slowest:
                explained.append((label, slowest, slowest_s))
        own = (Need.objects.filter(organisation=organisation).count(),)
        own += (Offer.objects.filter(organisation=organisation).count(),)
        print(f"\nThe busy organisation has {own[0]} needs and {own[1]} offers.")
        timing.print_explained(explained)
    finally:
        if not args.keep and not args.reuse:
            connection.close()
            connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
