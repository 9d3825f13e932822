"""Time the tender, scrutiny and registry pages, and the registers, in ``bench/whole.py``'s
one database (issue 21), beside their SQL alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/whole_pages.py --reuse [--scale 1] [--runs 20] [--explain]

With ``--reuse`` it connects to the database ``bench/whole.py`` kept for ``--scale``
(or ``--opportunities``); without, it builds one (``whole.build``) and drops it at
the end unless ``--keep``. Pages are timed as ``bench/commissioning_pages.py`` times
them (its ``time_page``, ``sql_of`` and ``peak_memory``): in this process with
Django's test client, DEBUG off, median and p95 of ``--runs`` requests after
``--warmups``, the queries of one more request, the time of those statements
alone (each re-run on a fresh cursor, median of 3) and the median divided by it,
and the peak Python memory of one request.

Who asks: the commissioner of the publisher with the most opportunities for
``/opportunities/manage/``; for the tender pages, a commissioner of its publisher.
The tender page is timed for the tender with the most bids in each state (taking
bids; deadline passed, box sealed; box opened and evaluated, not awarded;
awarded), as each state runs different queries; the other tender pages (a
submitted bid, the results, the CSV, the log) for the opened, evaluated one; its panel's chair (the
moderation grid); the evaluator with the most seats (``/evaluation/``); a scrutiny
officer (``/tracking/manage/`` and a round's page); the person answering for the
most recommendations (``/tracking/assessments/``); visitors for the rest. The
inquiry is the one with the most recommendations, the round its latest.
``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of each page's slowest
statement. ``--only`` times the pages whose label contains it; ``--gc freeze`` (or ``off``) times
them with Python's garbage collector as gunicorn's workers run it (or without it).

It prints; it asserts no time.
"""

import argparse
import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import whole  # noqa: E402, I001  (sets Django up; first)
import commissioning_pages as timing  # noqa: E402
import dataset  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from opportunities.models import Opportunity  # noqa: E402
from organisations.models import Organisation  # noqa: E402
from tenders.models import Bid, PanelMember, Tender  # noqa: E402
from tracking.models import Inquiry, Recommendation  # noqa: E402

HEADER = "| page | median | p95 | SQL queries | SQL alone | median ÷ SQL | peak memory |"
WARD = "ladywood"


def commissioner_of(publisher_id):
    return (
        User.objects.filter(memberships__organisation=publisher_id, is_active=True)
        .order_by("pk")
        .first()
    )


def _biggest_tender(**stage):
    """The tender in ``stage`` (filters) with the most bids in, or None."""
    return (
        Tender.objects.filter(**stage)
        .annotate(
            n=Count("bids", filter=Q(bids__current_version__isnull=False, bids__withdrawn_at=None))
        )
        .select_related("opportunity")
        .order_by("-n", "pk")
        .first()
    )


def pages_to_time():
    """``(label, path, signed in as)`` for each page."""
    busiest = (
        Opportunity.objects.values("publisher").annotate(n=Count("pk")).order_by("-n", "publisher")
    )[0]
    publisher = commissioner_of(busiest["publisher"])
    # One tender of each state, the one with the most bids, so that each page's queries
    # can be compared between sizes (they differ between states).
    opened = _biggest_tender(opened_at__isnull=False, opportunity__awarded_at=None)
    awarded = _biggest_tender(opportunity__awarded_at__isnull=False)
    now = timezone.now()
    sealed = _biggest_tender(opened_at=None, opportunity__submission_deadline__lte=now)
    taking = _biggest_tender(opportunity__submission_deadline__gt=now)
    reference = opened.opportunity.reference
    commissioner = commissioner_of(opened.opportunity.publisher_id)
    chair = PanelMember.objects.get(tender=opened, is_chair=True).user
    bid = Bid.objects.filter(tender=opened).submitted().order_by("submitted_at", "pk").first()
    evaluator = (
        User.objects.filter(is_evaluator=True)
        .annotate(n=Count("panel_seats"))
        .order_by("-n", "pk")
        .first()
    )
    inquiry = (
        Inquiry.objects.annotate(n=Count("recommendations", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    last_round = inquiry.rounds.order_by("-number").first()
    officer = User.objects.filter(is_scrutiny_officer=True).order_by("pk").first()
    answering = (
        User.objects.annotate(
            n=Count("scrutiny_recommendations", filter=Q(scrutiny_recommendations__isnull=False))
        )
        .order_by("-n", "pk")
        .first()
    )
    organisation = (
        Organisation.objects.filter(publishing_allowed_at__isnull=True)
        .annotate(n=Count("bids_led"))
        .order_by("-n", "pk")
        .first()
    )
    tender = f"/opportunities/{reference}/tender"

    def tender_page(label, tender):
        return (
            f"tender page, {label} ({tender.n} bids)",
            f"/opportunities/{tender.opportunity.reference}/tender/",
            commissioner_of(tender.opportunity.publisher_id),
        )

    slug = inquiry.slug
    return [
        ("`/opportunities/manage/` (busiest publisher)", "/opportunities/manage/", publisher),
        ("`/` (home, commissioner)", "/", commissioner),
        tender_page("taking bids", taking),
        tender_page("deadline passed, box sealed", sealed),
        tender_page("box opened, evaluated", opened),
        tender_page("awarded", awarded),
        ("a submitted bid", f"{tender}/bids/{bid.reference}/", commissioner),
        ("results page", f"{tender}/results/", commissioner),
        ("results.csv", f"{tender}/results/results.csv", commissioner),
        ("moderation grid (chair)", f"{tender}/moderation/", chair),
        ("tender log", f"{tender}/log/", commissioner),
        ("`/evaluation/` (busiest evaluator)", "/evaluation/", evaluator),
        ("evaluator's tender page", f"{tender}/evaluation/", chair),
        ("`/tracking/`", "/tracking/", None),
        (f"an inquiry ({inquiry.n} recommendations)", f"/tracking/{slug}/", None),
        (
            f"its round {last_round.number} (officer)",
            f"/tracking/{slug}/rounds/{last_round.number}/",
            officer,
        ),
        (
            f"its round {last_round.number} report (web page)",
            f"/tracking/{slug}/rounds/{last_round.number}/report/",
            None,
        ),
        ("`/tracking/manage/` (officer)", "/tracking/manage/", officer),
        ("`/tracking/assessments/` (busiest answerer)", "/tracking/assessments/", answering),
        ("`/organisations/`", "/organisations/", None),
        ("organisations: two words", "/organisations/?q=young+people", None),
        ("organisations: words + ward", f"/organisations/?q=young+people&ward={WARD}", None),
        ("organisations: page 50", "/organisations/?page=50", None),
        ("an organisation (most bids)", f"/organisations/{organisation.slug}/", None),
        ("`/awards/`", "/awards/", None),
        ("`/pipeline/`", "/pipeline/", None),
        ("`/contracts/`", "/contracts/", None),
        ("`/spend/`", "/spend/", None),
        (f"`/wards/{WARD}/` (a busy ward)", f"/wards/{WARD}/", None),
        ("`/exchange/`", "/exchange/", None),
        ("`/exchange/needs/`", "/exchange/needs/", None),
        ("`/exchange/offers/`", "/exchange/offers/", None),
        ("`/api/ocds/releases/`", "/api/ocds/releases/", None),
    ]


def describe():
    """What the database holds, in a line or two."""
    return (
        f"opportunities {Opportunity.objects.count():,}; organisations "
        f"{Organisation.objects.count():,}; tenders {Tender.objects.count():,} "
        f"({Tender.objects.filter(opened_at__isnull=False).count():,} opened); bids "
        f"{Bid.objects.count():,}; inquiries {Inquiry.objects.count():,}; recommendations "
        f"{Recommendation.objects.count():,}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--opportunities", type=int, help="the kept database's size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database whole.py kept")
    parser.add_argument("--only", help="time only pages whose label contains this")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN each page's slowest SQL")
    parser.add_argument(
        "--gc",
        choices=["on", "freeze", "off"],
        default="on",
        help="Python's garbage collector while timing: as is, gc.freeze() once the pages are "
        "chosen (as gunicorn.conf.py's post_worker_init does once the app is loaded), or off",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")
    sizes = {name: max(int(default * args.scale), 10) for name, default in whole.SIZES.items()}
    if args.opportunities:
        sizes["opportunities"] = args.opportunities
    original = connection.settings_dict["NAME"]
    name = whole.open_database(sizes["opportunities"], reuse=args.reuse)
    if not args.reuse:
        whole.build(sizes, seed=args.seed)
    print(f"database          {name}")
    print(describe())
    explained = []
    try:
        print()
        print(HEADER)
        print("|---|---|---|---|---|---|---|")
        chosen = pages_to_time()
        if args.gc == "freeze":
            gc.freeze()
        elif args.gc == "off":
            gc.disable()
        for label, path, user in chosen:
            if args.only and args.only not in label:
                continue
            client = timing._client(user)
            if not timing.is_built(client, path):
                print(f"| {label} | not built | | | | | |", flush=True)
                continue
            slowest = timing.timed_row(client, label, path, runs=args.runs, warmups=args.warmups)
            if args.explain and slowest[0]:
                explained.append((label, *slowest))
        timing.print_explained(explained)
    finally:
        if not args.keep and not args.reuse:
            connection.close()
            dataset.drop_database(original)


if __name__ == "__main__":
    main()
