"""Time search and the opportunity lists through gunicorn, beside the time of their SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/pages.py --size 100000 [--keep | --reuse] [--runs 20]

Makes its own database with ``bench/dataset.py`` (``--size`` opportunities and a
tenth as many organisations, seed 1), or with ``--reuse`` connects to the one an
earlier ``--keep`` (or ``bench/dataset.py``) left. Starts gunicorn as production
does (``gunicorn portal.wsgi:application`` with gunicorn.conf.py, 2 workers,
DEBUG off) on a free port of 127.0.0.1, and for each page requests it
``--warmups`` times, then ``--runs`` times, and prints p50 and p95. Each request
may take at most ``--timeout`` seconds; one that takes longer is counted as a
timeout. Beside each page: the SQL queries it runs (in brackets, when the lists
kept for a minute must be made afresh) and the time of those same statements
run alone (each re-executed on a fresh cursor, median of 3), captured by making
the same request in this process with Django's test client, and the page's p50
divided by that time.

Then ``--clients`` threads search two words for ``--seconds`` seconds and it
prints requests a second, p95 and errors. Every request goes to 127.0.0.1.
"""

import argparse
import http.client
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from opportunities import listings  # noqa: E402
from opportunities.models import Opportunity  # noqa: E402

REPO = dataset.REPO
# Static files are not collected for the benchmark; the pages do not need them.
warnings.filterwarnings("ignore", message="No directory at")
WARD = "ladywood"
TWO_WORDS = "/opportunities/?q=young+people"

PAGES = [
    ("`/` (home)", "/"),
    ("`/opportunities/`", "/opportunities/"),
    ("a common word", "/opportunities/?q=support"),
    ("two words", TWO_WORDS),
    ("two words + ward + value", f"{TWO_WORDS}&ward={WARD}&value=100k-500k"),
    ("two words + status closed", f"{TWO_WORDS}&status=closed"),
    ("a common word + status awarded", "/opportunities/?q=support&status=awarded"),
    ("sort: relevance", "/opportunities/?q=support&sort=relevance"),
    ("sort: closing", "/opportunities/?q=support&sort=closing"),
    ("sort: newest", "/opportunities/?q=support&sort=newest"),
    ("sort: value", "/opportunities/?q=support&sort=value"),
    ("awarded, page 200", "/opportunities/?status=awarded&page=200"),
    ("`/opportunities/feed/`", "/opportunities/feed/"),
    ("`/organisations/` words + ward", f"/organisations/?q=young+people&ward={WARD}"),
]

DECLARE = re.compile(r"^DECLARE \S+ (NO SCROLL )?CURSOR (WITH(OUT)? HOLD )?FOR ", re.I)

# A page this slow is requested SLOW_PAGE_RUNS times after the warm-ups, not --runs,
# to keep the whole run to minutes; its p95 is then its slowest.
SLOW_PAGE_SECONDS = 5
SLOW_PAGE_RUNS = 3

# Re-running a statement this slow once is enough to know how slow it is.
SLOW_SQL_SECONDS = 5


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_environment(database_url, port, **extra):
    """As tests/workers.py's ``portal_environment`` plus the pytest environment; ``extra``
    (names and values) is set last."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_HOST"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        PYTHONPATH=str(REPO),
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="pages-benchmark-only-" + "x" * 50,
        ALLOWED_HOSTS="localhost,127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_MANIFEST="false",
        LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
    )
    env.update(extra)
    return env


def start_gunicorn(database_url, log_path, **environment):
    """gunicorn on a free port of 127.0.0.1, once it answers; ``environment`` is added
    to its environment. Returns ``(process, port)``."""
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = open(log_path, "w")  # noqa: SIM115  (closed when the process is stopped)
    process = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
        [str(gunicorn), "portal.wsgi:application"],
        cwd=REPO,
        env=gunicorn_environment(database_url, port, **environment),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped; see {log_path}")
        try:
            status, _ = get(port, "/opportunities/feed/", timeout=35)
            if status == 200:
                return process, port
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    sys.exit(f"gunicorn did not answer in 30 s; see {log_path}")


def get(port, path, *, timeout, connection_=None):
    """GET ``path`` from 127.0.0.1; returns (status, seconds), reading the whole body."""
    conn = connection_ or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Host": "localhost"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        if connection_ is None:
            conn.close()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_page(port, path, *, runs, warmups, timeout):
    """Times of ``runs`` requests after ``warmups``, and the timeouts and errors seen.

    A page slower than SLOW_PAGE_SECONDS (or failing) is requested only
    SLOW_PAGE_RUNS times after the warm-ups.
    """
    times, problems, slowest = [], [], 0.0
    for n in range(warmups + runs):
        if (problems or slowest > SLOW_PAGE_SECONDS) and n >= warmups + SLOW_PAGE_RUNS:
            break
        try:
            status, seconds = get(port, path, timeout=timeout)
        except TimeoutError:
            problems.append("timeout")
            continue
        except (OSError, http.client.HTTPException) as error:
            problems.append(type(error).__name__)
            continue
        slowest = max(slowest, seconds)
        if status != 200:
            problems.append(str(status))
        if n >= warmups:
            times.append(seconds)
    return times, problems


def sql_of(path):
    """The page's SQL as the timed requests run it, and the time of that SQL run alone.

    Returns ``(status, queries, queries made afresh, seconds)``. The lists kept
    for a minute (``opportunities.listings``) are made afresh once, counting
    the queries that costs, then the page is asked again and finds them kept,
    as nearly every timed request does; that second request's SQL is timed.
    """
    client = Client(HTTP_HOST="localhost")
    listings.drop_all()
    with CaptureQueriesContext(connection) as afresh:
        client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    statements = [q["sql"] for q in captured.captured_queries]
    alone = 0.0
    for sql in statements:
        if sql.upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET")):
            continue
        # A server-side cursor (``.iterator()``): time the query it declares.
        sql = DECLARE.sub("", sql, count=1)
        tries = []
        for _ in range(3):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall() if cursor.description else None
                tries.append(time.perf_counter() - started)
            if tries[-1] > SLOW_SQL_SECONDS:
                break
        alone += statistics.median(tries)
    return response.status_code, len(statements), len(afresh.captured_queries), alone


def concurrency(port, *, clients, seconds, timeout):
    """``clients`` threads searching two words for ``seconds``; returns times and errors."""
    deadline = time.monotonic() + seconds
    times, errors, lock = [], [], threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while time.monotonic() < deadline:
            try:
                status, took = get(port, TWO_WORDS, timeout=timeout, connection_=conn)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(type(error).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                continue
            with lock:
                (times if status == 200 else errors).append(took if status == 200 else status)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors, time.monotonic() - started


def ms(seconds):
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="opportunities")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=35)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    parser.add_argument("--only", help="time only pages whose label contains this")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    original = connection.settings_dict["NAME"]
    name = dataset.open_database(size=args.size, seed=args.seed, reuse=args.reuse)
    print(f"opportunities     {Opportunity.objects.count():,} {dataset.summary()}")
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + name).geturl()
    log_path = Path(tempfile.gettempdir()) / f"bench_pages_gunicorn_{os.getpid()}.log"
    process, port = start_gunicorn(url, log_path)
    try:
        print(f"gunicorn          127.0.0.1:{port}, 2 workers (log {log_path})")
        print()
        print("| page | p50 | p95 | SQL queries (afresh) | SQL alone | p50 ÷ SQL | problems |")
        print("|---|---|---|---|---|---|---|")
        for label, path in PAGES:
            if args.only and args.only not in label:
                continue
            times, problems = time_page(
                port, path, runs=args.runs, warmups=args.warmups, timeout=args.timeout
            )
            status, queries, afresh, alone = sql_of(path)
            p50 = statistics.median(times) if times else None
            p95 = percentile(times, 0.95) if times else None
            cells = [
                label,
                ms(p50) if times else "–",
                ms(p95) if times else "–",
                f"{queries} ({afresh})" + ("" if status == 200 else f" ({status})"),
                ms(alone),
                f"{p50 / alone:.1f}" if times and alone else "–",
                ", ".join(f"{problems.count(p)}× {p}" for p in sorted(set(problems))) or "",
            ]
            print("| " + " | ".join(cells) + " |", flush=True)
        if args.clients and not args.only:
            times, errors, elapsed = concurrency(
                port, clients=args.clients, seconds=args.seconds, timeout=args.timeout
            )
            print()
            print(
                f"{args.clients} clients, two words, {elapsed:.0f} s: "
                f"{len(times) / elapsed:.1f} requests/s, "
                f"p95 {ms(percentile(times, 0.95)) if times else '–'}, "
                f"errors {len(errors)}"
                + (f" ({', '.join(sorted({str(e) for e in errors}))})" if errors else "")
            )
    finally:
        process.terminate()
        process.wait(timeout=60)
        if not args.keep and not args.reuse:
            connection.close()
            dataset.drop_database(original)


if __name__ == "__main__":
    main()
