"""Time the open data API (issue 20) through the test client, beside its SQL alone, and
the nightly bulk file's build.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_opendata \\
        .venv/bin/python bench/opendata_pages.py --size 100000 --reuse [--runs 20] [--explain]

With ``--reuse`` it connects to the database ``bench/opendata_data.py`` kept for
``--size``; without, it makes one (``opendata_data.make_releases``) and drops it at the
end unless ``--keep``. Requests are timed as ``bench/commissioning_pages.py`` times
them (its ``time_page``, ``sql_of`` and ``peak_memory``): median and p95 of ``--runs``
requests after ``--warmups``, the queries of one more request, the time of those
statements alone, and the median divided by that. The pages: the first page of
``/api/ocds/releases/``; a deep page, ``--deep`` pages on (its cursor found by
following ``links.next``, then that one request timed); a page filtered to a
quarter's dates; and the record of an ocid with eight releases. Then the bulk file
is made ``--builds`` times (into a temporary folder): its time, the peak Python memory
of one build, and its size. ``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of each
slowest statement.

It prints; it asserts no time.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import opendata_data  # noqa: E402, I001  (sets Django up)
import commissioning_pages as timing  # noqa: E402
import pages  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

from opendata import bulk  # noqa: E402
from opendata.models import Release  # noqa: E402

HEADER = "| request | median | p95 | SQL queries | SQL alone | median ÷ SQL | peak memory |"
RELEASES = "/api/ocds/releases/"


def deep_path(client, depth):
    """The path of the page ``depth`` pages on from the first, by ``links.next``."""
    path = RELEASES
    for _ in range(depth):
        package = json.loads(client.get(path).content)
        following = package.get("links", {}).get("next")
        if not following:
            break
        parts = urlsplit(following)
        path = f"{parts.path}?{parts.query}"
    return path


def record_ocid():
    """An ocid with eight releases (the longest usual procurement)."""
    return (
        Release.objects.filter(number=8)
        .exclude(ocid__in=Release.objects.filter(number=9).values("ocid"))
        .order_by("ocid")
        .values_list("ocid", flat=True)
        .first()
    ) or Release.objects.values_list("ocid", flat=True).first()


def requests_to_time(client, deep):
    newest = Release.objects.order_by("-date").values_list("date", flat=True).first()
    year = newest.year - 3
    return [
        (f"`{RELEASES}` (first page)", RELEASES),
        (f"releases: page {deep + 1} (by cursor)", deep_path(client, deep)),
        (
            "releases: one quarter (since, until)",
            f"{RELEASES}?since={year}-04-01&until={year}-06-30",
        ),
        ("a record (8 releases)", f"/api/ocds/records/{record_ocid()}/"),
    ]


def _row(label, times, made, alone, peak):
    median = statistics.median(times)
    cells = [
        label,
        pages.ms(median),
        pages.ms(pages.percentile(times, 0.95)),
        str(made),
        pages.ms(alone) if alone is not None else "–",
        f"{median / alone:.1f}" if alone else "–",
        f"{peak / 2**20:.1f} MiB" if peak is not None else "–",
    ]
    print("| " + " | ".join(cells) + " |", flush=True)


def time_builds(builds):
    """``(times, peak bytes of one build, the last BulkFile)`` of making the bulk file."""
    with tempfile.TemporaryDirectory() as folder, override_settings(MEDIA_ROOT=folder):
        times = []
        for _ in range(builds):
            started = time.perf_counter()
            made = bulk.make_bulk_file()
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        try:
            bulk.make_bulk_file()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return times, peak, made


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="releases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--deep", type=int, default=500, help="pages followed by links.next")
    parser.add_argument("--builds", type=int, default=3, help="bulk files made")
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN each slowest SQL")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    original = connection.settings_dict["NAME"]
    opendata_data.open_database(args.size, reuse=args.reuse)
    if not args.reuse:
        opendata_data.make_releases(size=args.size, seed=args.seed)
    print(opendata_data.summary(), flush=True)
    explained = []
    try:
        client = timing._client(None)
        print()
        print(HEADER)
        print("|---|---|---|---|---|---|---|")
        for label, path in requests_to_time(client, args.deep):
            times, statuses = timing.time_page(client, path, runs=args.runs, warmups=args.warmups)
            made, alone, slowest, slowest_s = timing.sql_of(client, path)
            odd = statuses - {200}
            label += f" (status {', '.join(map(str, sorted(odd)))})" if odd else ""
            _row(label, times, made, alone, timing.peak_memory(client, path))
            if args.explain and slowest:
                explained.append((label, slowest, slowest_s))
        times, peak, made = time_builds(args.builds)
        _row(f"bulk file build ({args.builds} builds)", times, "–", None, peak)
        print(
            f"\nThe bulk file holds {made.releases:,} releases in {made.size / 2**20:.1f} MiB"
            f" ({made.size / made.releases:,.0f} bytes a release, gzipped)."
        )
        timing.print_explained(explained)
    finally:
        if not args.keep and not args.reuse:
            connection.close()
            connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
