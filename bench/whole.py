"""One database holding the whole commissioning cycle at a large portal's scale (issue 21).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/whole.py [--scale 1] [--seed 1] [--reuse] [--drop]

Makes a database of its own, migrated from scratch as the tests make theirs
(``test_`` plus the name in DATABASE_URL plus ``_whole_`` and the number of
opportunities), and fills it, seeded, with the builders the other scripts use,
called as functions, each part timed:

1. ``dataset.make_dataset``: 100,000 opportunities over ten years and 20,000
   organisations (40 of them publishers);
2. ``commissioning_data.make_commissioning``: a commissioner for each publisher and
   a member for every other organisation, 20,000 contracts with suppliers, KPIs,
   returns, ratings, pledges and social value returns, 20,000 pipeline items, 2,000
   projects, 1,000 engagement events, 600 decommissionings;
3. ``tenders_data.make_tenders``: 2,000 tenders on the dataset's opportunities with
   20,000 bids, panels of 3, every score sheet and consensus score, the awards;
4. ``tracking_data.make_inquiries``: 200 inquiries with 2,000 recommendations,
   their tracking rounds, assessments, evidence and decisions;
5. ``exchange_data.make_exchange``: 100,000 needs and as many offers from the
   dataset's organisations, the matches and deliveries;
6. ``opendata_data.make_releases``: 100,000 OCDS releases;

then ``VACUUM ANALYZE``. Every size is an option (``--bids 5000``); ``--scale``
multiplies the defaults (``--scale 0.05`` for a small database to compare query
counts with). Dates are counted from the moment it runs, as the parts' own
scripts count them. The database is kept for ``bench/whole_pages.py --reuse``;
``--reuse`` here only prints what a kept one holds, ``--drop`` drops it at the end.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402, I001  (sets Django up; first)
import commissioning_data  # noqa: E402
import exchange_data  # noqa: E402
import opendata_data  # noqa: E402
import tenders_data  # noqa: E402
import tracking_data  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from opportunities.models import Opportunity  # noqa: E402
from organisations.models import Organisation  # noqa: E402

SIZES = {
    "opportunities": 100_000,
    "organisations": 20_000,
    "projects": 2_000,
    "pipeline": 20_000,
    "contracts": 20_000,
    "events": 1_000,
    "decommissionings": 600,
    "tenders": 2_000,
    "bids": 20_000,
    "inquiries": 200,
    "recommendations": 2_000,
    "needs": 100_000,
    "releases": 100_000,
}
EVALUATORS = 3


def sizes_of(args):
    """The sizes asked for: each option given, else its default times ``--scale``."""
    return {
        name: getattr(args, name)
        if getattr(args, name) is not None
        else max(int(default * args.scale), 10)
        for name, default in SIZES.items()
    }


def database_name(opportunities):
    return f"test_{connection.settings_dict['NAME']}_whole_{opportunities}"


def open_database(opportunities, *, reuse):
    """Connect to this size's database: the one a run kept, or a new, migrated one."""
    return dataset.connect_to(database_name(opportunities), reuse=reuse)


def build(sizes, *, seed=1, now=None):
    """Fill the connected, migrated database; prints and returns each part's seconds."""
    now = now or timezone.now()
    took = {}

    def part(name, make):
        started = time.perf_counter()
        detail = make()
        took[name] = time.perf_counter() - started
        print(f"{name:<18}{took[name]:7.1f} s  {detail or ''}", flush=True)

    def opportunities():
        made = dataset.make_dataset(
            opportunities=sizes["opportunities"],
            organisations=sizes["organisations"],
            seed=seed,
            now=now,
        )
        return (
            f"(organisations {made['organisations_s']:.1f} s, "
            f"opportunities {made['opportunities_s']:.1f} s)"
        )

    def commissioning():
        made = commissioning_data.make_commissioning(
            seed=seed + 1,
            now=now,
            **{name: sizes[name] for name in commissioning_data.SIZES},
        )
        return "(" + ", ".join(f"{k} {v:.1f} s" for k, v in made.items() if k != "total") + ")"

    def tenders():
        made = tenders_data.make_tenders(
            count=sizes["tenders"],
            bids=sizes["bids"],
            evaluators=EVALUATORS,
            seed=seed + 2,
            now=now,
            sentences=dataset._sentences(),
        )
        decisions = made.pop("decisions")
        return (
            "("
            + ", ".join(f"{k} {v:.1f} s" for k, v in made.items() if k != "total")
            + f"; {decisions:,} award decisions)"
        )

    def inquiries():
        made = tracking_data.make_inquiries(
            count=sizes["inquiries"],
            recommendations=sizes["recommendations"],
            seed=seed + 3,
            now=now,
        )
        return "(" + ", ".join(f"{k} {v:.1f} s" for k, v in made.items() if k != "total") + ")"

    def exchange():
        made = exchange_data.make_exchange(
            size=sizes["needs"], seed=seed + 4, now=now, organisations=False
        )
        return "(" + ", ".join(f"{k} {v:.1f} s" for k, v in made.items() if k != "total") + ")"

    def releases():
        opendata_data.make_releases(size=sizes["releases"], seed=seed + 5, now=now)

    def vacuum():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    started = time.perf_counter()
    part("opportunities", opportunities)
    part("commissioning", commissioning)
    part("tenders", tenders)
    part("inquiries", inquiries)
    part("exchange", exchange)
    part("releases", releases)
    part("vacuum analyze", vacuum)
    took["total"] = time.perf_counter() - started
    return took


def counted():
    """Every model the parts count, and a few of the dataset's own."""
    models = [Organisation, Opportunity]
    models += commissioning_data.COUNTED + tenders_data.COUNTED + tracking_data.COUNTED
    models += exchange_data.COUNTED[1:] + [opendata_data.Release]
    return [(model.__name__, model.objects.count()) for model in models]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every default")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    for name in SIZES:
        parser.add_argument(f"--{name}", type=int, help=f"default {SIZES[name]:,} × scale")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")
    sizes = sizes_of(args)
    original = connection.settings_dict["NAME"]
    started = time.perf_counter()
    name = open_database(sizes["opportunities"], reuse=args.reuse)
    print(f"database          {name}" + (" (reused)" if args.reuse else ""), flush=True)
    try:
        if args.reuse:
            print("reused            nothing built")
        else:
            print(f"migrated          {time.perf_counter() - started:7.1f} s", flush=True)
            took = build(sizes, seed=args.seed)
            print(f"{'built in':<18}{took['total']:7.1f} s")
        for label, count in counted():
            print(f"{label:<24}{count:>10,}")
        print(f"whole run         {time.perf_counter() - started:.1f} s")
    finally:
        if args.drop:
            connection.close()
            dataset.drop_database(original)


if __name__ == "__main__":
    main()
