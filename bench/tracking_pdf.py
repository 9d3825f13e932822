"""Time the progress report PDF of an inquiry with 50 recommendations tracked over 6 rounds
(issue 21).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/tracking_pdf.py [--recommendations 50] [--rounds 6] [--runs 5]

Works in a database of its own (``test_`` plus the name in DATABASE_URL plus
``_tracking_bench``, migrated from scratch, dropped at the end) and a temporary
media folder, with Celery eager (leave REDIS_URL unset), as the tests run.
Everything is written through ``tracking.actions`` (seeded, so the same seed
gives the same inquiry): a scrutiny officer records the inquiry and its
recommendations (a third with Markdown sub-parts, 1–3 target dates each), opens
each round six months after the last, the responsible person submits an
assessment with 200–450 words of evidence (Markdown paragraphs, some with a
list; one in seven resubmitted with a second piece), and the committee decides
every assessment; about one in ten a round is concluded (1, 2 or 4) and leaves
tracking. Every meeting is in the past, so opening a round emails nobody; the
moments the actions stamp are then moved back to the round's dates, as
``tracking.demo`` does.

Then, for the last round, ``--runs`` times each after a warm-up: ``tracking.pdf
.render_pdf`` (what the Celery task renders), its floors (the report's HTML
without the PDF, WeasyPrint's layout and writing timed apart, and the web page
``/tracking/<slug>/rounds/<n>/report/`` through the test client), and
``/tracking/<slug>/report.pdf`` twice: with the round's version bumped before
each request, so it renders and stores the PDF in the request as the embedded
default does (the Celery task run eagerly), and with the stored PDF current, when
it is a file read. See ``bench/pdf_timing.py`` for the columns.
"""

import argparse
import datetime
import logging
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="tracking-bench-media-"))

import setup_django  # noqa: E402, F401  (sets Django up)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from pdf_timing import HEADER, measure, measure_weasyprint  # noqa: E402
from tracking_data import (  # noqa: E402
    CABINET_MEMBERS,
    COMMITTEE,
    RESUBMIT_SHARE,
    Words,
    outcome,
)

from accounts.models import User  # noqa: E402
from portal.formats import LONDON  # noqa: E402
from tracking import actions, pdf  # noqa: E402
from tracking.actions.rounds import add_months, default_deadline  # noqa: E402
from tracking.models import (  # noqa: E402
    Assessment,
    EvidenceUpdate,
    Recommendation,
    TargetDate,
    TrackingRound,
)
from tracking.report import concluded_recommendations, progress_report  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
# WeasyPrint warns, once a render, of a GOV.UK rule it ignores; it says nothing here.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
# Each render in the request logs that it stored the PDF, and Celery that its task ran.
logging.getLogger("tracking.pdf").setLevel(logging.WARNING)
logging.getLogger("celery").setLevel(logging.WARNING)

APPROVED_ON = datetime.date(2020, 9, 8)
FIRST_MEETING = datetime.date(2021, 3, 16)


def make_people():
    officer = User.objects.create(
        email="scrutiny@example.org", full_name="Scrutiny Officer", is_scrutiny_officer=True
    )
    responsible = User.objects.create(email="cabinet@example.org", full_name="Cabinet Support")
    return officer, responsible


def make_inquiry(*, officer, responsible, count, rounds, words):
    """The inquiry and its recommendations, targets spread over the rounds' years."""
    inquiry = actions.create_inquiry(
        by=officer,
        title="Council Commissioning and Third Sector Organisations",
        slug="bench-inquiry",
        committee_name=COMMITTEE,
        lead_member="The committee's chair",
        lead_officer="The scrutiny office",
        approved_on=APPROVED_ON,
        officer=officer,
        summary=words.sentences_of(3, 5),
    )
    rng = words.rng
    last_meeting = add_months(FIRST_MEETING, 6 * (rounds - 1))
    span = (last_meeting - APPROVED_ON).days
    for n in range(1, count + 1):
        targets = sorted(
            APPROVED_ON + datetime.timedelta(days=rng.randint(90, span))
            for _ in range(rng.randint(1, 3))
        )
        actions.save_recommendation(
            inquiry=inquiry,
            by=officer,
            reference=f"R{n:02d}",
            text=words.recommendation(with_parts=rng.random() < 1 / 3),
            responsibility=rng.choice(CABINET_MEMBERS),
            responsible_people=[responsible],
            target_dates=[
                {
                    "label": rng.choice(["", "Interim report", "Full implementation"]),
                    "due_on": TargetDate.end_of_month(day.year, day.month),
                    "month_only": True,
                }
                for day in targets
            ],
        )
    return inquiry


def track_round(inquiry, number, *, officer, responsible, words):
    """Open round ``number``, submit every assessment and record every decision."""
    rng = words.rng
    meeting_on = add_months(FIRST_MEETING, 6 * (number - 1))
    deadline = default_deadline(meeting_on)
    tracking_round = actions.open_round(
        inquiry=inquiry,
        by=officer,
        committee_name=COMMITTEE,
        meeting_on=meeting_on,
        submission_deadline=deadline,
        report_of=CABINET_MEMBERS[0],
    )
    assessments = tracking_round.assessments.select_related("recommendation").prefetch_related(
        "recommendation__target_dates"
    )
    for assessment in assessments:
        target = assessment.recommendation.completion_target
        proposed, achieved, anticipated, decided, decided_anticipated = outcome(
            rng, target, meeting_on
        )
        for _ in range(2 if rng.random() < RESUBMIT_SHARE else 1):
            actions.submit_assessment(
                assessment=assessment,
                by=responsible,
                category=proposed,
                evidence=words.evidence(),
                achieved_on=achieved,
                anticipated_on=anticipated,
            )
        actions.record_decision(
            assessment=assessment,
            by=officer,
            category=decided,
            comment=words.sentences_of(1, 3) if rng.random() < 0.6 else "",
            anticipated_on=decided_anticipated,
        )
    # The moments as they were: opened six weeks before the deadline, submitted by it,
    # decided at the meeting.
    submitted = deadline - datetime.timedelta(days=2)
    decided_at = datetime.datetime.combine(meeting_on, datetime.time(14), tzinfo=LONDON)
    TrackingRound.objects.filter(pk=tracking_round.pk).update(
        opened_at=deadline - datetime.timedelta(weeks=6)
    )
    Assessment.objects.filter(round=tracking_round).update(
        submitted_at=submitted, decided_at=decided_at
    )
    EvidenceUpdate.objects.filter(assessment__round=tracking_round).update(added_at=submitted)
    return tracking_round


def _pdf_response(client, url):
    """GET ``url``, read the whole body (a stored file is streamed) and return it."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    if response.status_code != 200 or not body.startswith(b"%PDF"):
        sys.exit(f"{url} answered {response.status_code} {response['Content-Type']}")
    return body


def _page(client, url):
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recommendations", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument(
        "--keep-pdf", help="write the last round's PDF to this file (and its HTML beside it)"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        sys.exit("Unset REDIS_URL: the PDF is rendered in the request only with Celery eager.")

    name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"test_{name}_tracking_bench"
    started = time.perf_counter()
    bench_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        words = Words(random.Random(args.seed))
        officer, responsible = make_people()
        inquiry = make_inquiry(
            officer=officer,
            responsible=responsible,
            count=args.recommendations,
            rounds=args.rounds,
            words=words,
        )
        for number in range(1, args.rounds + 1):
            last = track_round(
                inquiry, number, officer=officer, responsible=responsible, words=words
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        last = TrackingRound.objects.select_related("inquiry", "committee").get(pk=last.pk)
        evidence = EvidenceUpdate.objects.filter(assessment__round__inquiry=inquiry)
        shown = evidence.filter(assessment__recommendation__assessments__round=last)
        concluded_before = {row.reference for row in concluded_recommendations(last)}
        print(f"database          {bench_db} (made in {time.perf_counter() - started:.1f} s)")
        print(
            f"inquiry           {Recommendation.objects.count()} recommendations "
            f"({Recommendation.objects.filter(text__contains='- a)').count()} with sub-parts), "
            f"{args.rounds} rounds, {Assessment.objects.count()} assessments, "
            f"{evidence.count()} pieces of evidence "
            f"({sum(len(t.split()) for t in evidence.values_list('text', flat=True)):,} words)"
        )
        print(
            f"round {last.number}           {last.assessments.count()} recommendations tracked "
            f"with {shown.count()} pieces of evidence "
            f"({sum(len(t.split()) for t in shown.values_list('text', flat=True)):,} words), "
            f"{len(concluded_before)} concluded before it"
        )
        print()
        print(HEADER)
        runs = args.runs
        made = measure(
            "`tracking.pdf.render_pdf` (last round)", lambda: pdf.render_pdf(last), runs=runs
        )

        def report_html():
            return render_to_string(
                "tracking/report/pdf.html",
                {
                    "report": progress_report(last),
                    "council_name": settings.COUNCIL_NAME,
                    "brand_colour": settings.COUNCIL_BRAND_COLOUR,
                },
            )

        html = measure("its HTML: report and template, no PDF", report_html, runs=runs)
        measure_weasyprint("its HTML", html, runs=runs)
        visitor = Client()
        page_url = reverse("tracking:round_report", args=[inquiry.slug, last.number])
        measure(
            f"the web page `…/rounds/{last.number}/report/` (test client)",
            lambda: _page(visitor, page_url),
            runs=runs,
        )
        latest_url = reverse("tracking:latest_report_pdf", args=[inquiry.slug])

        def rendered_in_request():
            TrackingRound.objects.filter(pk=last.pk).update(version=F("version") + 1)
            return _pdf_response(visitor, latest_url)

        measure(
            "`/tracking/<slug>/report.pdf`, made in the request (Celery eager)",
            rendered_in_request,
            runs=runs,
        )
        measure(
            "`/tracking/<slug>/report.pdf`, stored PDF current (a file read)",
            lambda: _pdf_response(visitor, latest_url),
            runs=max(runs, 20),
        )
        print()
        print(f"PDF of round {last.number}: {len(made) / 2**10:,.0f} KiB")
        if args.keep_pdf:
            Path(args.keep_pdf).write_bytes(made)
            Path(args.keep_pdf).with_suffix(".html").write_text(html)
            print(f"written to {args.keep_pdf}, its HTML beside it")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        if settings.MEDIA_ROOT.name.startswith("tracking-bench-media-"):
            shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
