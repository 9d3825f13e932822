"""What the PDF benchmarks (``tender_pdfs.py``, ``tracking_pdf.py``) share: timing a piece
of work, its SQL, its peak Python memory, and WeasyPrint's two steps timed apart.

A row of their table: the median and p95 of ``runs`` runs after a warm-up, the SQL
queries of one more run and those statements' time run alone (each re-executed on
a fresh cursor, median of 3, as ``bench/tender_results.py`` does), the PDF's pages
(counted by poppler's ``pdfinfo``) and the peak Python memory of one run
(tracemalloc, in a pass of its own because it slows Python down; memory that
WeasyPrint's C libraries allocate is not in it).
"""

import re
import statistics
import subprocess
import time
import tracemalloc

from django.db import connection
from django.test.utils import CaptureQueriesContext
from pages import ms, percentile
from tender_results import sql_alone
from weasyprint import DEFAULT_OPTIONS, HTML

from portal.pdf import refuse_remote

HEADER = (
    "| what | median | p95 | SQL queries | SQL alone | pages | peak memory |\n"
    "|---|---|---|---|---|---|---|"
)


def pdf_pages(data):
    """The number of pages of the PDF ``data`` (bytes), as ``pdfinfo`` reads it."""
    info = subprocess.run(  # noqa: S603  (poppler's pdfinfo from PATH, fixed arguments)
        ["pdfinfo", "-"],  # noqa: S607
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def times_of(work, *, runs, warmups=1):
    """Seconds each of ``runs`` calls of ``work`` took, after ``warmups`` untimed calls."""
    for _ in range(warmups):
        work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def peak_memory(work):
    """Peak Python memory (bytes) allocated during one call of ``work``."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(label, work, *, runs, warmups=1, sql=True, memory=True):
    """Time ``work`` and print its row; returns what one more call of it returned.

    ``work`` returns the PDF's bytes when it makes one, so the row shows its pages.
    With one run and no warm-up (work that takes minutes), the SQL is captured in
    that run rather than in one more.
    """
    if runs == 1 and not warmups:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            made = work()
            times = [time.perf_counter() - started]
    else:
        times = times_of(work, runs=runs, warmups=warmups)
        with CaptureQueriesContext(connection) as captured:
            made = work()
    statements = [query["sql"] for query in captured.captured_queries]
    cells = [
        label,
        ms(statistics.median(times)),
        ms(percentile(times, 0.95)),
        str(len(statements)) if sql else "–",
        ms(sql_alone(statements)) if sql else "–",
        f"{pdf_pages(made)}" if isinstance(made, bytes) and made.startswith(b"%PDF") else "–",
        f"{peak_memory(work) / 2**20:.1f} MiB" if memory else "–",
    ]
    print("| " + " | ".join(cells) + " |", flush=True)
    return made


def measure_weasyprint(label, html, *, runs, warmups=1, memory=True):
    """Print two rows for ``html`` made into a PDF as ``portal.pdf.write_pdf`` makes it:
    WeasyPrint's layout (``HTML.render``) and its writing of the laid-out pages."""
    options = DEFAULT_OPTIONS | {"pdf_tags": True}

    def layout():
        return HTML(string=html, base_url=None, url_fetcher=refuse_remote).render(**options)

    document = measure(
        f"{label}: WeasyPrint layout", layout, runs=runs, warmups=warmups, sql=False, memory=memory
    )
    measure(
        f"{label}: WeasyPrint writing the PDF",
        lambda: document.write_pdf(None, 1, None, **options),
        runs=runs,
        warmups=warmups,
        sql=False,
        memory=memory,
    )
    return len(document.pages)
