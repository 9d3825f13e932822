"""Time a tender's results for 200 bids × 20 questions × 5 evaluators, fully moderated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/tender_results.py [--bids 200] [--questions 20] [--evaluators 5]

Works in a database of its own, made the way the tests make theirs (``test_`` plus
the name in DATABASE_URL, migrated from scratch) and dropped at the end. Fills it
with ``bulk_create``: a tender with two lots, the submitted bids (each for both
lots, with its frozen version), a declared panel whose every member has submitted
a score sheet for every bid, and a consensus score for every bid and question.

Then, ``--runs`` times each after one warm-up: ``evaluation_of(tender, user)
.results()`` for a commissioner, and the results page, its CSV and the chair's
moderation grid through Django's test client. Prints the median and slowest wall
time, the SQL queries each ran, and the time of those statements run alone (each
re-executed on a fresh cursor, median of 3), as ``bench/pages.py`` does.
"""

import argparse
import random
import statistics
import sys
import time
import warnings
from datetime import timedelta
from decimal import Decimal

import setup_django  # noqa: F401  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from opportunities.models import Lot, Opportunity, Procedure  # noqa: E402
from organisations.models import (  # noqa: E402
    LegalForm,
    Membership,
    MembershipRole,
    Organisation,
    ServiceCategory,
)
from tenders.evaluation import evaluation_of  # noqa: E402
from tenders.models import (  # noqa: E402
    DEFAULT_DESCRIPTORS,
    Bid,
    BidVersion,
    Consensus,
    Criterion,
    CriterionGroup,
    PanelMember,
    Score,
    ScoreSheet,
    Tender,
)

# Static files are not collected for the benchmark; the pages do not need them.
warnings.filterwarnings("ignore", message="No directory at")
BATCH = 5000
REASON = (
    "The answer sets out a clear delivery plan with named staff, times and places, and "
    "gives two examples of outcomes achieved in similar services; the evidence on "
    "involving the people who use the service is thinner."
)


def make_tender(*, now, questions):
    """A publisher, a commissioner, an opportunity with two lots and its opened tender."""
    publisher = Organisation.objects.create(
        name="Bench council",
        slug="bench-council",
        legal_form=LegalForm.PUBLIC_BODY,
        publishing_allowed_at=now,
    )
    commissioner = User.objects.create(email="commissioner@example.org", full_name="Commissioner")
    Membership.objects.create(organisation=publisher, user=commissioner, role=MembershipRole.MEMBER)
    opportunity = Opportunity.objects.create(
        reference="BENCH-RESULTS",
        publisher=publisher,
        title="Community support across the city",
        summary="Support for people in their own homes.",
        category=ServiceCategory.objects.create(name="Adult social care", slug="bench-care"),
        value_low=Decimal(500_000),
        value_high=Decimal(500_000),
        procedure=Procedure.OPEN,
        citywide=True,
        clarification_deadline=now - timedelta(days=14),
        submission_deadline=now - timedelta(days=7),
        contact_name="Commissioning team",
        contact_email="commissioning@example.org",
        published_at=now - timedelta(days=90),
    )
    Lot.objects.bulk_create(
        Lot(opportunity=opportunity, number=n, title=f"Lot {n}", max_awards=2) for n in (1, 2)
    )
    tender = Tender.objects.create(
        opportunity=opportunity,
        created_by=commissioner,
        locked_at=now - timedelta(days=60),
        opened_at=now - timedelta(days=6),
        opened_by=commissioner,
    )
    # 60% quality over most questions, 20% social value over the rest (at least one).
    social = max(1, questions // 5)
    quality = questions - social
    Criterion.objects.bulk_create(
        Criterion(
            tender=tender,
            group=CriterionGroup.QUALITY if n <= quality else CriterionGroup.SOCIAL_VALUE,
            number=n,
            question=f"Question {n}",
            weight=(Decimal(60) / quality if n <= quality else Decimal(20) / social).quantize(
                Decimal("0.01")
            ),
            descriptors=DEFAULT_DESCRIPTORS,
            minimum_score=1 if n == 1 else None,
        )
        for n in range(1, questions + 1)
    )
    return tender, commissioner


def make_bids(tender, *, count, now, rng):
    """``count`` submitted bids, each for both lots, with its frozen version."""
    organisations = Organisation.objects.bulk_create(
        (
            Organisation(name=f"Bench group {n}", slug=f"bench-group-{n}", legal_form=LegalForm.CIO)
            for n in range(count)
        ),
        batch_size=BATCH,
    )
    bids = Bid.objects.bulk_create(
        (
            Bid(tender=tender, organisation=o, reference=f"B-BENCH{n:05d}")
            for n, o in enumerate(organisations)
        ),
        batch_size=BATCH,
    )
    submitted = now - timedelta(days=8)
    versions = BidVersion.objects.bulk_create(
        (
            BidVersion(
                bid=bid,
                number=1,
                submitted_at=submitted,
                content={
                    "bid": bid.reference,
                    "lots": [1, 2],
                    "prices": [
                        {"lot": lot, "line": 1, "total": str(rng.randrange(40_000, 90_000, 50))}
                        for lot in (1, 2)
                    ],
                    "funding": [],
                },
                sha256="0" * 64,
            )
            for bid in bids
        ),
        batch_size=BATCH,
    )
    for bid, version in zip(bids, versions, strict=True):
        bid.current_version, bid.submitted_at = version, submitted
    Bid.objects.bulk_update(bids, ["current_version", "submitted_at"], batch_size=BATCH)
    return bids


def make_panel(tender, bids, *, evaluators, now, rng):
    """A declared panel (the first chairs) that has scored every bid, and the consensus."""
    users = User.objects.bulk_create(
        User(email=f"evaluator{n}@example.org", full_name=f"Evaluator {n}", is_evaluator=True)
        for n in range(evaluators)
    )
    members = PanelMember.objects.bulk_create(
        PanelMember(tender=tender, user=user, is_chair=n == 0, declared_at=now - timedelta(days=5))
        for n, user in enumerate(users)
    )
    criteria = list(tender.criteria.all())
    sheets = ScoreSheet.objects.bulk_create(
        (ScoreSheet(member=m, bid=b, submitted_at=now) for m in members for b in bids),
        batch_size=BATCH,
    )
    Score.objects.bulk_create(
        (
            Score(sheet=sheet, criterion=c, score=rng.randint(1, 5), reason=REASON)
            for sheet in sheets
            for c in criteria
        ),
        batch_size=BATCH,
    )
    Consensus.objects.bulk_create(
        (
            Consensus(
                bid=bid, criterion=c, score=rng.randint(1, 5), reason=REASON, recorded_by=users[0]
            )
            for bid in bids
            for c in criteria
        ),
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return users[0]


def sql_alone(statements):
    """The time of ``statements`` run again one by one, median of 3 each."""
    total = 0.0
    for sql in statements:
        if sql.upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET")):
            continue
        tries = []
        for _ in range(3):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall() if cursor.description else None
                tries.append(time.perf_counter() - started)
        total += statistics.median(tries)
    return total


def measure(label, work, runs):
    """Run ``work`` once to warm up, then ``runs`` times; print one row of the table."""
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        work()
    statements = [q["sql"] for q in captured.captured_queries]
    print(
        f"| {label} | {statistics.median(times) * 1000:,.0f} ms | {max(times) * 1000:,.0f} ms "
        f"| {len(statements)} | {sql_alone(statements) * 1000:,.0f} ms |",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--evaluators", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"test_{name}_results_bench"
    started = time.perf_counter()
    bench_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        now, rng = timezone.now(), random.Random(2026)
        tender, commissioner = make_tender(now=now, questions=args.questions)
        bids = make_bids(tender, count=args.bids, now=now, rng=rng)
        chair = make_panel(tender, bids, evaluators=args.evaluators, now=now, rng=rng)
        print(f"database          {bench_db} (made in {time.perf_counter() - started:.1f} s)")
        print(
            f"evaluation        {args.bids} bids × {args.questions} questions × "
            f"{args.evaluators} evaluators, 2 lots: {Score.objects.count():,} scores, "
            f"{Consensus.objects.count():,} consensus scores"
        )
        print()
        print("| what | median | slowest | SQL queries | SQL alone |")
        print("|---|---|---|---|---|")
        reference = tender.opportunity.reference
        measure(
            "`evaluation_of(tender, user).results()`",
            lambda: evaluation_of(tender, commissioner).results(),
            args.runs,
        )
        as_commissioner = Client()
        as_commissioner.force_login(commissioner)
        as_chair = Client()
        as_chair.force_login(chair)

        def get(client, url):
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")

        pages = [
            ("results page", as_commissioner, reverse("tenders:results", args=[reference])),
            ("results.csv", as_commissioner, reverse("tenders:results_csv", args=[reference])),
            ("moderation grid (chair)", as_chair, reverse("tenders:moderation", args=[reference])),
        ]
        for label, client, url in pages:
            measure(label, lambda client=client, url=url: get(client, url), args.runs)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
