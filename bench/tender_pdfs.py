"""Time a tender's evaluation report PDF and one bid's assessment summary PDF at 200 bids ×
20 questions × 5 evaluators (issue 21).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/tender_pdfs.py [--bids 200] [--questions 20] [--evaluators 5] \\
        [--runs 5] [--keep-pdfs FOLDER]

Works in a database of its own (``test_`` plus the name in DATABASE_URL plus
``_pdfs_bench``, migrated from scratch, dropped at the end), filled by
``bench/tender_results.py``'s builders: a tender with two lots, the submitted
bids, a panel that has scored them all and the consensus scores. Then a
commissioner sends the notice of intention for each lot with
``tenders.actions.send_intention`` (the proposed winners; no email), which
writes every bid's assessment summary, and a member of a mid-ranked bidder
signs in to read its own (two sections, one a lot).

Each PDF is timed through Django's test client (``--runs`` after a warm-up), and
beside it its floor: the same report as HTML without the web layer or the PDF
(the view's context and template), then WeasyPrint's layout and its writing of
the PDF, timed apart. See ``bench/pdf_timing.py`` for the columns.
"""

import argparse
import logging
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

# The stored evaluation report goes to a folder of its own, removed at the end.
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="tender-bench-media-"))

import tender_results  # noqa: E402, F401  (sets Django up)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from pdf_timing import HEADER, measure, measure_weasyprint  # noqa: E402

from accounts.models import User  # noqa: E402
from organisations.models import Membership, MembershipRole  # noqa: E402
from tenders.actions.award import send_intention  # noqa: E402
from tenders.assessment import assessment_of  # noqa: E402
from tenders.evaluation import evaluation_of  # noqa: E402
from tenders.models import AssessmentSummary, Consensus, Score, Tender  # noqa: E402
from tenders.pdf import render_pdf, report_context  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
# WeasyPrint warns, once a render, of a GOV.UK rule it ignores; it says nothing here.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def send_intentions(tender, commissioner):
    """Send the notice of intention for every lot to its proposed winners, as a
    commissioner does from the award page; returns the decisions."""
    evaluation = evaluation_of(tender, commissioner)
    results = evaluation.results()
    decisions = []
    for lot in evaluation.lots:
        rows = results[lot.pk if lot else None]
        winners = [row.bid for row in rows if row.proposed] or [
            next(row.bid for row in rows if not row.has_failed)
        ]
        decisions.append(
            send_intention(
                tender=tender,
                lot=lot,
                winners=winners,
                reason="The highest scoring bids on quality, social value and price.",
                by=commissioner,
                notify=False,
            )
        )
    return decisions


def bidder_reading(tender, decision):
    """A member of the bidder ranked in the middle of ``decision``'s lot, and its bid."""
    ranked = sorted(
        (row for row in decision.results["bids"] if row["rank"] is not None),
        key=lambda row: row["rank"],
    )
    bid = tender.bids.select_related("organisation").get(pk=ranked[len(ranked) // 2]["bid"])
    user = User.objects.create(email="bidder@example.org", full_name="Bidder")
    Membership.objects.create(organisation=bid.organisation, user=user, role=MembershipRole.MEMBER)
    return user, bid


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _pdf(client, url):
    """GET ``url``, read the whole body (a stored file is streamed) and return it."""
    response = client.get(url)
    if response.status_code != 200 or response["Content-Type"] != "application/pdf":
        sys.exit(f"{url} answered {response.status_code} {response['Content-Type']}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return body


def _branding():
    return {"council_name": settings.COUNCIL_NAME, "brand_colour": settings.COUNCIL_BRAND_COLOUR}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--evaluators", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--report-runs",
        type=int,
        help="runs of the evaluation report alone, with no warm-up when 1 (it can take minutes); "
        "0 leaves the report out",
    )
    parser.add_argument(
        "--memory", action=argparse.BooleanOptionalAction, default=True, help="tracemalloc passes"
    )
    parser.add_argument("--keep-pdfs", help="write the two PDFs and their HTML into this folder")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"test_{name}_pdfs_bench"
    started = time.perf_counter()
    bench_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        now, rng = timezone.now(), random.Random(2026)
        tender, commissioner = tender_results.make_tender(now=now, questions=args.questions)
        bids = tender_results.make_bids(tender, count=args.bids, now=now, rng=rng)
        tender_results.make_panel(tender, bids, evaluators=args.evaluators, now=now, rng=rng)
        decisions = send_intentions(tender, commissioner)
        bidder, bid = bidder_reading(tender, decisions[0])
        print(f"database          {bench_db} (made in {time.perf_counter() - started:.1f} s)")
        print(
            f"evaluation        {args.bids} bids × {args.questions} questions × "
            f"{args.evaluators} evaluators, 2 lots: {Score.objects.count():,} scores, "
            f"{Consensus.objects.count():,} consensus scores; {len(decisions)} decisions, "
            f"{AssessmentSummary.objects.count():,} assessment summaries"
        )
        print()
        print(HEADER)
        reference = tender.opportunity.reference
        runs = args.runs

        as_commissioner, as_bidder = _client(commissioner), _client(bidder)
        report_url = reverse("tenders:evaluation_report", args=[reference])
        summary_url = reverse("tenders:bid_summary_pdf", args=[bid.reference])
        report_runs = runs if args.report_runs is None else args.report_runs
        report = b""

        def report_html():
            fresh = Tender.objects.select_related("opportunity__publisher").get(pk=tender.pk)
            evaluation = evaluation_of(fresh, commissioner)
            return render_to_string(
                "tenders/results/report_pdf.html", report_context(fresh, evaluation)
            )

        html = measure("its HTML: context and template, no PDF", report_html, runs=runs)
        if report_runs:
            once = {"runs": report_runs, "warmups": 0 if report_runs == 1 else 1}
            report = measure(
                "`tenders.pdf.render_pdf` (what the Celery task renders)",
                lambda: render_pdf(
                    Tender.objects.select_related("opportunity__publisher").get(pk=tender.pk)
                ),
                memory=args.memory,
                **once,
            )
            measure_weasyprint("its HTML", html, memory=args.memory, **once)
            # The first reader after a change, with Celery eager (the embedded default),
            # waits for the render in the request; with a worker they get "being made".
            Tender.objects.filter(pk=tender.pk).update(
                evaluation_version=F("evaluation_version") + 1
            )
            measure(
                "`…/evaluation-report.pdf`, made in the request (Celery eager)",
                lambda: _pdf(as_commissioner, report_url),
                runs=1,
                warmups=0,
                sql=False,  # it writes (the request, the stored report): not replayed alone
                memory=False,
            )
            measure(
                "`…/evaluation-report.pdf`, stored PDF current (a file read)",
                lambda: _pdf(as_commissioner, report_url),
                runs=max(runs, 20),
            )
        report_source = html

        summary = measure(
            "assessment summary PDF (bidder, test client)",
            lambda: _pdf(as_bidder, summary_url),
            runs=runs,
        )

        def summary_html():
            sections = assessment_of(bid)
            context = {"bid": bid, "opportunity": tender.opportunity, "sections": sections}
            return render_to_string("tenders/summary/pdf.html", context | _branding())

        html = summary_source = measure(
            "its HTML: sections and template, no PDF", summary_html, runs=runs
        )
        measure_weasyprint("its HTML", html, runs=runs)
        print()
        print(
            f"evaluation report {len(report) / 2**10:,.0f} KiB; "
            f"assessment summary {len(summary) / 2**10:,.0f} KiB"
        )
        if args.keep_pdfs:
            folder = Path(args.keep_pdfs)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "evaluation-report.html").write_text(report_source)
            if report:
                (folder / "evaluation-report.pdf").write_bytes(report)
            (folder / "assessment-summary.pdf").write_bytes(summary)
            (folder / "assessment-summary.html").write_text(summary_source)
            print(f"PDFs written to {folder}")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        if settings.MEDIA_ROOT.name.startswith("tender-bench-media-"):
            shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
