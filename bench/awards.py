"""Time the public list of awards (``/awards/``) through gunicorn, beside the time of its SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/awards.py --size 100000 [--keep | --reuse] [--runs 20]

Makes its own database with ``bench/dataset.py`` (``--size`` opportunities, a
tenth as many organisations, seed 1), or with ``--reuse`` connects to the one an
earlier ``--keep`` (of this script, or of ``bench/pages.py`` / ``bench/dataset.py``)
left. Then gives every awarded opportunity a tender and a confirmed award per
lot (one per opportunity without lots): about 0.96 awards per opportunity, so
96,000 at 100,000. Each award has one winning bid from a registered organisation,
one in five with a named consortium partner, and the winner's price in the
decision's results. Skipped when the database already has awards.

Pages are timed as ``bench/pages.py`` times them (its gunicorn, p50, p95, the SQL
and its time alone).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from random import Random
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402  (sets Django up)
import pages  # noqa: E402
from django.db import connection  # noqa: E402

from opportunities.models import Lot, Opportunity  # noqa: E402
from organisations.models import LegalForm, Organisation, ServiceCategory, Ward  # noqa: E402
from tenders.models import AwardDecision, Bid, BidPartner, Tender  # noqa: E402

BATCH = 2000
PARTNER_SHARE = 0.2


def make_awards(*, seed=1):
    """A confirmed award for each lot of each awarded opportunity; returns how many."""
    rng = Random(seed)
    organisations = list(
        Organisation.objects.filter(publishing_allowed_at__isnull=True).values_list("pk", flat=True)
    )
    awarded = Opportunity.objects.filter(awarded_at__isnull=False).order_by("pk")
    lots = {}
    for lot in Lot.objects.filter(opportunity__awarded_at__isnull=False).values(
        "pk", "opportunity"
    ):
        lots.setdefault(lot["opportunity"], []).append(lot["pk"])
    made = 0
    ids = list(awarded.values_list("pk", "awarded_at"))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        tenders = Tender.objects.bulk_create(Tender(opportunity_id=pk) for pk, _at in batch)
        bids, decisions = [], []
        for tender, (pk, awarded_at) in zip(tenders, batch, strict=True):
            for lot_id, winner in zip(
                lots.get(pk, [None]),
                rng.sample(organisations, len(lots.get(pk, [None]))),
                strict=True,
            ):
                bids.append(
                    Bid(
                        tender=tender,
                        organisation_id=winner,
                        reference=f"B-{len(bids) + start * 4}",
                    )
                )
                decisions.append(
                    AwardDecision(
                        tender=tender,
                        lot_id=lot_id,
                        reason="The highest total score.",
                        intention_sent_at=awarded_at - timedelta(days=12),
                        standstill_ends_at=awarded_at - timedelta(days=1),
                        confirmed_at=awarded_at,
                    )
                )
        Bid.objects.bulk_create(bids)
        for bid, decision in zip(bids, decisions, strict=True):
            price = Decimal(rng.randrange(5_000, 2_000_000)).quantize(Decimal("0.01"))
            decision.results = {"bids": [{"bid": bid.pk, "price": str(price)}]}
        AwardDecision.objects.bulk_create(decisions)
        AwardDecision.winners.through.objects.bulk_create(
            AwardDecision.winners.through(awarddecision_id=decision.pk, bid_id=bid.pk)
            for bid, decision in zip(bids, decisions, strict=True)
        )
        BidPartner.objects.bulk_create(
            BidPartner(bid=bid, name=f"Partner {bid.pk}", share_percent=20)
            for bid in bids
            if rng.random() < PARTNER_SHARE
        )
        made += len(decisions)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made


def pages_to_time():
    ward = Ward.objects.order_by("name").values_list("slug", flat=True).first()
    category = ServiceCategory.objects.order_by("name").values_list("slug", flat=True).first()
    publisher = (
        Organisation.objects.filter(publishing_allowed_at__isnull=False)
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    year = AwardDecision.objects.order_by("-confirmed_at").first().confirmed_at.year - 1
    return [
        ("`/awards/`", "/awards/"),
        ("a word", "/awards/?q=support"),
        ("publisher", f"/awards/?publisher={publisher}"),
        ("category", f"/awards/?category={category}"),
        ("ward", f"/awards/?ward={ward}"),
        ("year", f"/awards/?year={year}"),
        ("winner type", f"/awards/?winner_type={LegalForm.CIC}"),
        ("ward + year + winner type", f"/awards/?ward={ward}&year={year}&winner_type=cic"),
        ("page 50", "/awards/?page=50"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="opportunities")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=35)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    original = connection.settings_dict["NAME"]
    name = dataset.open_database(size=args.size, seed=args.seed, reuse=args.reuse)
    if not AwardDecision.objects.exists():
        started = time.perf_counter()
        made = make_awards(seed=args.seed)
        print(f"awards            {made:,} made in {time.perf_counter() - started:.1f} s")
    print(f"confirmed awards  {AwardDecision.objects.confirmed().count():,}")
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + name).geturl()
    log_path = Path(tempfile.gettempdir()) / f"bench_awards_gunicorn_{os.getpid()}.log"
    process, port = pages.start_gunicorn(url, log_path)
    try:
        print(f"gunicorn          127.0.0.1:{port}, 2 workers (log {log_path})")
        print()
        print("| page | p50 | p95 | SQL queries | SQL alone | p50 ÷ SQL | problems |")
        print("|---|---|---|---|---|---|---|")
        for label, path in pages_to_time():
            times, problems = pages.time_page(
                port, path, runs=args.runs, warmups=args.warmups, timeout=args.timeout
            )
            status, queries, _afresh, alone = pages.sql_of(path)
            p50 = statistics.median(times) if times else None
            cells = [
                label,
                pages.ms(p50) if times else "–",
                pages.ms(pages.percentile(times, 0.95)) if times else "–",
                f"{queries}" + ("" if status == 200 else f" ({status})"),
                pages.ms(alone),
                f"{p50 / alone:.1f}" if times and alone else "–",
                ", ".join(f"{problems.count(p)}× {p}" for p in sorted(set(problems))) or "",
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
