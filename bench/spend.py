"""Time the spend page (``/spend/``) and a ward page through gunicorn, beside the time of their SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/spend.py --contracts 10000 [--keep | --reuse] [--runs 20]

Makes its own database with ``bench/dataset.py`` (``--size`` opportunities, a
tenth as many organisations, at least 100, seed 1), or with ``--reuse`` connects
to the one an earlier ``--keep`` left. Then, seeded, adds ``--contracts``
contracts over ten years from the dataset's 40 publishers, each led by a
registered organisation (one in five with a consortium member too), a fifth of
them citywide and the rest in one to three wards; a third of them have a social
value pledge with one return of four lines in different wards. Skipped when the
database already has contracts.

Pages are timed as ``bench/pages.py`` times them (its gunicorn, p50, p95, the SQL
and its time alone).

``--after-change N`` then times, in this process with Django's test client and the
cache ``REDIS_URL`` gives (gunicorn's workers each keep their own), what a change
costs the unfiltered page, N times: the generation is moved on
(``spend.drop_figures``, as ``spend.forget_figures`` does), and this script plays
the Celery worker itself (``spend.keep_figures``, the task's body, timed); it
prints the reader who comes before the worker is done (who makes the figures, as
every first reader did before the task), the worker, and the first reader after it.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from random import Random
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402  (sets Django up)
import pages  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from commissioning import spend  # noqa: E402
from commissioning.models import (  # noqa: E402
    Contract,
    ContractKind,
    ContractSupplier,
    Pledge,
    SocialValueLine,
    SocialValueReturn,
    SupplierRole,
)
from organisations.models import Organisation, ServiceCategory, Ward  # noqa: E402

BATCH = 2000
CITYWIDE_SHARE = 0.2
PARTNER_SHARE = 0.2
PLEDGE_SHARE = 1 / 3
UNITS = ["hours", "jobs", "apprenticeships", "volunteering hours"]


def _contract(rng, n, *, publishers, categories, today):
    starts_on = today - timedelta(days=rng.randrange(0, 3650))
    return Contract(
        reference=f"CON-B-{n:06d}",
        kind=rng.choice(ContractKind.values),
        publisher_id=rng.choice(publishers),
        title=f"Contract {n}",
        category_id=rng.choice(categories),
        citywide=rng.random() < CITYWIDE_SHARE,
        value=Decimal(rng.randrange(5_000, 2_000_000)),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=rng.choice([365, 730, 1095])),
    )


def make_contracts(*, count, seed=1):
    """``count`` contracts with suppliers, wards, pledges and returns; returns ``count``."""
    rng = Random(seed)
    today = timezone.localdate()
    publishing = Organisation.objects.filter(publishing_allowed_at__isnull=False)
    publishers = list(publishing.values_list("pk", flat=True))
    suppliers = list(
        Organisation.objects.filter(publishing_allowed_at__isnull=True).values_list("pk", flat=True)
    )
    categories = list(ServiceCategory.objects.values_list("pk", flat=True))
    wards = list(Ward.objects.values_list("pk", flat=True))
    for start in range(0, count, BATCH):
        contracts = Contract.objects.bulk_create(
            _contract(rng, n, publishers=publishers, categories=categories, today=today)
            for n in range(start, min(start + BATCH, count))
        )
        roles, contract_wards, pledges = [], [], []
        for contract in contracts:
            lead, partner = rng.sample(suppliers, 2)
            roles.append(
                ContractSupplier(
                    contract=contract,
                    organisation_id=lead,
                    role=SupplierRole.LEAD,
                    joined_on=contract.starts_on,
                )
            )
            if rng.random() < PARTNER_SHARE:
                roles.append(
                    ContractSupplier(
                        contract=contract,
                        organisation_id=partner,
                        role=SupplierRole.PARTNER,
                        joined_on=contract.starts_on,
                    )
                )
            if not contract.citywide:
                contract_wards += [
                    Contract.wards.through(contract_id=contract.pk, ward_id=ward)
                    for ward in rng.sample(wards, rng.randint(1, 3))
                ]
            if rng.random() < PLEDGE_SHARE:
                pledges.append(
                    Pledge(
                        contract=contract,
                        measure="Local people into work",
                        quantity=Decimal(rng.randrange(5, 500)),
                        unit=rng.choice(UNITS),
                        citywide=True,
                    )
                )
        ContractSupplier.objects.bulk_create(roles)
        Contract.wards.through.objects.bulk_create(contract_wards)
        Pledge.objects.bulk_create(pledges)
        returns = SocialValueReturn.objects.bulk_create(
            SocialValueReturn(
                pledge=pledge,
                period_start=pledge.contract.starts_on,
                period_end=pledge.contract.starts_on + timedelta(days=90),
                submitted_at=timezone.now(),
            )
            for pledge in pledges
        )
        SocialValueLine.objects.bulk_create(
            SocialValueLine(
                social_value_return=social_value_return,
                ward_id=ward,
                postcode_district=f"B{rng.randrange(1, 99)}",
                quantity=Decimal(rng.randrange(1, 20)),
            )
            for social_value_return in returns
            for ward in rng.sample(wards, 4)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return count


def pages_to_time():
    ward = Ward.objects.order_by("name").values_list("slug", flat=True).first()
    category = ServiceCategory.objects.order_by("name").values_list("slug", flat=True).first()
    publisher = (
        Organisation.objects.filter(publishing_allowed_at__isnull=False)
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    year = date.today().year - 3
    return [
        ("`/spend/`", "/spend/"),
        ("years", f"/spend/?year_from={year}&year_to={year + 1}"),
        ("publisher", f"/spend/?publisher={publisher}"),
        ("category", f"/spend/?category={category}"),
        ("`/wards/<slug>/`", f"/wards/{ward}/"),
    ]


def _timed(call):
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def after_a_change(path, *, runs):
    """``(before, worker, after)``: ``runs`` times each of a reader of ``path`` who comes
    before the worker has made the figures, the worker, and the first reader after it."""
    client = Client(HTTP_HOST="localhost")
    client.get(path)  # warm
    before, worker, after = [], [], []
    for _ in range(runs):
        spend.drop_figures()
        before.append(_timed(lambda: client.get(path)))
        generation = spend.drop_figures()
        worker.append(_timed(lambda g=generation: spend.keep_figures(g)))
        after.append(_timed(lambda: client.get(path)))
    return before, worker, after


def print_after_a_change(runs):
    print()
    print(f"After a change, `/spend/` (in this process, {runs} changes):")
    print()
    print("| | median | p95 |")
    print("|---|---|---|")
    before, worker, after = after_a_change("/spend/", runs=runs)
    for label, times in (
        ("a reader before the worker is done (makes the figures)", before),
        ("the worker (`spend.keep_figures`)", worker),
        ("the first reader after the worker", after),
    ):
        median, p95 = statistics.median(times), pages.percentile(times, 0.95)
        print(f"| {label} | {pages.ms(median)} | {pages.ms(p95)} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=1000, help="opportunities")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=35)
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    parser.add_argument("--after-change", type=int, default=0, metavar="N")
    parser.add_argument("--only-after-change", action="store_true", help="skip gunicorn")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    original = connection.settings_dict["NAME"]
    name = dataset.open_database(size=args.size, seed=args.seed, reuse=args.reuse)
    if not Contract.objects.exists():
        started = time.perf_counter()
        made = make_contracts(count=args.contracts, seed=args.seed)
        print(f"contracts         {made:,} made in {time.perf_counter() - started:.1f} s")
    print(f"contracts         {Contract.objects.count():,}")
    print(f"return lines      {SocialValueLine.objects.count():,}")
    try:
        if not args.only_after_change:
            time_through_gunicorn(name, args)
        if args.after_change:
            print_after_a_change(args.after_change)
    finally:
        if not args.keep and not args.reuse:
            connection.close()
            dataset.drop_database(original)


def time_through_gunicorn(name, args):
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + name).geturl()
    log_path = Path(tempfile.gettempdir()) / f"bench_spend_gunicorn_{os.getpid()}.log"
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


if __name__ == "__main__":
    main()
