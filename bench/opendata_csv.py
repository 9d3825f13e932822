"""Time the CSV downloads and the awards feed through gunicorn, and watch a worker's memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/opendata_csv.py --size 100000 [--keep | --reuse]

Makes its own database with ``bench/dataset.py`` (``--size`` opportunities, a tenth
as many organisations, seed 1), or with ``--reuse`` connects to the one an earlier
``--keep`` (of this script or of the other benches) left. Adds the awards of
``bench/awards.py`` and, from ``bench/commissioning_data.py``, ``--size`` contracts
(with few of the other commissioning records) when the database has none.

Starts gunicorn as production does (``bench/pages.py``, DEBUG off) but with one
worker, downloads each CSV twice to warm it, then ``--runs`` times, reading it in
64 KiB pieces while sampling, every 20 ms, the worker's resident memory (VmRSS).
Prints the rows, the size, the time to the first byte and to the last (medians),
the most the worker's memory rose above what it held before the download and the
most it held, and the SQL statements the download runs (counted in this process
with Django's test client, which reads it all too). A streamed download's memory
should not grow with its rows: compare a filtered download with the whole table.
"""

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import awards as awards_bench  # noqa: E402
import commissioning_data  # noqa: E402
import dataset  # noqa: E402  (sets Django up)
import pages  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import OuterRef, Subquery  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from commissioning.models import Contract  # noqa: E402
from opportunities.models import Opportunity  # noqa: E402
from organisations.models import Organisation  # noqa: E402
from tenders.models import AwardDecision, Tender  # noqa: E402

PIECE = 64 * 1024
SAMPLE_SECONDS = 0.02


def downloads_to_time():
    publisher = (
        Organisation.objects.filter(publishing_allowed_at__isnull=False)
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    year = AwardDecision.objects.order_by("-confirmed_at").first().confirmed_at.year - 1
    return [
        ("opportunities: open (the default)", "/opportunities/opportunities.csv"),
        ("opportunities: one publisher, any status",
         f"/opportunities/opportunities.csv?status=any&publisher={publisher}"),
        ("opportunities: every status", "/opportunities/opportunities.csv?status=any"),
        ("opportunities: a common word, any status",
         "/opportunities/opportunities.csv?q=support&status=any"),
        ("awards: one year", f"/awards/awards.csv?year={year}"),
        ("awards: all", "/awards/awards.csv"),
        ("contracts: grants", "/contracts/contracts.csv?kind=grant"),
        ("contracts: all", "/contracts/contracts.csv"),
        ("awards feed", "/awards/feed/"),
    ]  # fmt: skip


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def workers_of(master):
    """The pids of gunicorn's workers: the master's children."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()]


def download(port, path, workers, *, timeout):
    """(status, bytes, seconds to the first byte, seconds in all, peak rise in KiB, peak
    in KiB)."""
    before = {pid: rss_kib(pid) or 0 for pid in workers}
    peak = dict(before)
    done = threading.Event()

    def watch():
        while not done.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], rss_kib(pid) or 0)
            time.sleep(SAMPLE_SECONDS)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Host": "localhost"})
        response = conn.getresponse()
        first, size = None, 0
        while piece := response.read(PIECE):
            first = first or time.perf_counter() - started
            size += len(piece)
        took = time.perf_counter() - started
    finally:
        conn.close()
        done.set()
        watcher.join()
    rise = max(peak[pid] - before[pid] for pid in workers)
    return response.status, size, first or took, took, rise, max(peak.values())


def rows_and_queries(path):
    """The rows of the download and the SQL statements it ran, in this process."""
    client = Client(HTTP_HOST="localhost")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = body.count(b"\n") - 1 if response.streaming else None
    return rows, len(captured)


def make_data(*, seed, contracts):
    if not AwardDecision.objects.exists():
        started = time.perf_counter()
        made = awards_bench.make_awards(seed=seed)
        print(f"awards            {made:,} made in {time.perf_counter() - started:.1f} s")
    # bench/awards.py leaves the boxes shut; every awarded tender's was opened at its
    # deadline, and the feed shows only those.
    deadline = Opportunity.objects.filter(pk=OuterRef("opportunity_id"))
    Tender.objects.filter(opened_at__isnull=True, decisions__isnull=False).update(
        opened_at=Subquery(deadline.values("submission_deadline")[:1])
    )
    if not Contract.objects.exists():
        took = commissioning_data.make_commissioning(
            seed=seed,
            projects=100,
            pipeline=100,
            contracts=contracts,
            events=10,
            decommissionings=100,
        )
        print(f"contracts         {contracts:,} made in {took['total']:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="opportunities and contracts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    original = connection.settings_dict["NAME"]
    name = dataset.open_database(size=args.size, seed=args.seed, reuse=args.reuse)
    make_data(seed=args.seed, contracts=args.size)
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + name).geturl()
    log_path = Path(tempfile.gettempdir()) / f"bench_opendata_gunicorn_{os.getpid()}.log"
    # One worker, so the memory watched is that of the worker serving the download.
    environment = pages.gunicorn_environment
    pages.gunicorn_environment = lambda *a: environment(*a) | {"WEB_CONCURRENCY": "1"}
    process, port = pages.start_gunicorn(url, log_path)
    try:
        workers = workers_of(process.pid)
        print(f"gunicorn          127.0.0.1:{port}, workers {workers} (log {log_path})")
        print()
        print("| download | rows | size | first byte | all | worker's memory: rise, peak | SQL |")
        print("|---|---|---|---|---|---|---|")
        for label, path in downloads_to_time():
            download(port, path, workers, timeout=args.timeout)  # warm the worker: imports, caches
            download(port, path, workers, timeout=args.timeout)
            results = [
                download(port, path, workers, timeout=args.timeout) for _ in range(args.runs)
            ]
            status = {r[0] for r in results}
            rows, queries = rows_and_queries(path)
            cells = [
                label + ("" if status == {200} else f" ({status})"),
                "–" if rows is None else f"{rows:,}",
                f"{results[0][1] / 1024 / 1024:.1f} MiB",
                pages.ms(statistics.median(r[2] for r in results)),
                pages.ms(statistics.median(r[3] for r in results)),
                f"{max(r[4] for r in results) / 1024:.1f} MiB, "
                f"{max(r[5] for r in results) / 1024:.0f} MiB",
                str(queries),
            ]
            print("| " + " | ".join(cells) + " |", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=60)
        if not args.keep and not args.reuse:
            connection.close()
            dataset.drop_database(original)


if __name__ == "__main__":
    main()
