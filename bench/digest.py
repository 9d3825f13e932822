"""Build and render the weekly digest for every councillor, and say how long it took.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/digest.py [--councillors 10000] [--opportunities 500]

Works in a database of its own, made the way the tests make theirs (``test_`` plus
the name in DATABASE_URL, migrated from scratch) and dropped at the end, so the
database DATABASE_URL names is only used to connect. Prints the number of
councillors and opportunities, the wall time and digests per second of
``build_all`` plus ``render``, the SQL queries they ran, the size of a digest
and the peak Python memory (tracemalloc, measured in a second pass because it
slows Python down).
"""

import argparse
import random
import sys
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal

import setup_django  # noqa: F401  (sets Django up)
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from councillors.digest import build_all  # noqa: E402
from councillors.models import Digest  # noqa: E402
from councillors.render import render  # noqa: E402
from opportunities.models import Opportunity, Procedure  # noqa: E402
from organisations.actions.registry import import_wards  # noqa: E402
from organisations.models import (  # noqa: E402
    Councillor,
    LegalForm,
    Organisation,
    ServiceCategory,
    Ward,
)

CATEGORIES = [
    "Adult social care",
    "Advice and guidance",
    "Carers",
    "Children and families",
    "Community safety",
    "Early years",
    "Employment and skills",
    "Health and wellbeing",
    "Housing support",
    "Mental health",
    "Older people",
    "Parks and open spaces",
    "Substance misuse",
    "Transport",
    "Youth services",
]
PUBLISHERS = 12
NEW_ORGANISATIONS = 200
OLD_ORGANISATIONS = 800
CITYWIDE_SHARE = 0.15
BATCH = 2000


def make_data(*, councillors, opportunities, now, seed=2026):
    """Wards, councillors with 1–3 wards each, live opportunities and organisations."""
    rng = random.Random(seed)
    import_wards()
    wards = list(Ward.objects.values_list("pk", flat=True))
    categories = ServiceCategory.objects.bulk_create(
        ServiceCategory(name=name, slug=f"bench-{n}") for n, name in enumerate(CATEGORIES)
    )
    publishers = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench publisher {n}",
            slug=f"bench-publisher-{n}",
            legal_form=LegalForm.PUBLIC_BODY,
            publishing_allowed_at=now,
        )
        for n in range(PUBLISHERS)
    )

    made = Councillor.objects.bulk_create(
        (
            Councillor(full_name=f"Councillor {n}", email=f"councillor{n}@example.org")
            for n in range(councillors)
        ),
        batch_size=BATCH,
    )
    Councillor.wards.through.objects.bulk_create(
        (
            Councillor.wards.through(councillor_id=councillor.pk, ward_id=ward)
            for councillor in made
            for ward in rng.sample(wards, rng.randint(1, 3))
        ),
        batch_size=BATCH,
    )
    # Nine in ten had last week's digest.
    Digest.objects.bulk_create(
        (
            Digest(councillor=c, week="bench", sent_at=now - timedelta(days=7))
            for c in made
            if rng.random() < 0.9
        ),
        batch_size=BATCH,
    )

    listed = []
    for n in range(opportunities):
        low = Decimal(rng.randrange(5_000, 2_000_000, 500))
        deadline = now + timedelta(days=rng.uniform(1, 90))
        listed.append(
            Opportunity(
                reference=f"BENCH-{n:05d}",
                publisher=rng.choice(publishers),
                title=f"Community service {n}: support for people in their own homes",
                summary="Support for people in their own homes.",
                category=rng.choice(categories),
                value_low=low,
                value_high=low * rng.choice([1, 1, 2, 3]),
                procedure=rng.choice(list(Procedure)),
                citywide=rng.random() < CITYWIDE_SHARE,
                clarification_deadline=deadline - timedelta(days=1),
                submission_deadline=deadline,
                contact_name="Commissioning team",
                contact_email="commissioning@example.org",
                published_at=now - timedelta(days=rng.uniform(0, 60)),
            )
        )
    listed = Opportunity.objects.bulk_create(listed, batch_size=BATCH)
    Opportunity.wards.through.objects.bulk_create(
        (
            Opportunity.wards.through(opportunity_id=opportunity.pk, ward_id=ward)
            for opportunity in listed
            if not opportunity.citywide
            for ward in rng.sample(wards, rng.randint(1, 4))
        ),
        batch_size=BATCH,
    )

    organisations = Organisation.objects.bulk_create(
        (
            Organisation(
                name=f"Bench group {n}",
                slug=f"bench-group-{n}",
                legal_form=LegalForm.CIO,
                description="Runs lunch clubs, advice sessions and a food bank.",
                ward_id=rng.choice(wards),
            )
            for n in range(NEW_ORGANISATIONS + OLD_ORGANISATIONS)
        ),
        batch_size=BATCH,
    )
    Organisation.wards_served.through.objects.bulk_create(
        (
            Organisation.wards_served.through(organisation_id=o.pk, ward_id=ward)
            for o in organisations
            for ward in rng.sample(wards, rng.randint(1, 3))
        ),
        batch_size=BATCH,
    )
    Organisation.objects.filter(pk__in=[o.pk for o in organisations[NEW_ORGANISATIONS:]]).update(
        created_at=now - timedelta(days=30)
    )


def build_and_render(now):
    """Build and render every councillor's digest, keeping none; returns counts and sizes."""
    digests, html_bytes, text_bytes = 0, 0, 0
    for _councillor, content in build_all(Councillor.objects.all(), now=now):
        rendered = render(content)
        digests += 1
        html_bytes += len(rendered.html.encode())
        text_bytes += len(rendered.text.encode())
    return digests, html_bytes, text_bytes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councillors", type=int, default=10_000)
    parser.add_argument("--opportunities", type=int, default=500)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"test_{name}_digest_bench"
    started = time.perf_counter()
    bench_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        now = timezone.now()
        make_data(councillors=args.councillors, opportunities=args.opportunities, now=now)
        live = Opportunity.objects.live(now).count()
        print(f"database          {bench_db} (made in {time.perf_counter() - started:.1f} s)")
        print(f"councillors       {Councillor.objects.count():,}")
        print(f"opportunities     {live:,} live")

        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            digests, html_bytes, text_bytes = build_and_render(now)
            elapsed = time.perf_counter() - started
        print(f"wall time         {elapsed:.1f} s to build and render {digests:,} digests")
        print(f"digests/second    {digests / elapsed:,.0f}")
        print(f"SQL queries       {len(captured.captured_queries)}")
        print(
            f"digest size       {html_bytes / digests / 1024:,.0f} KiB HTML, "
            f"{text_bytes / digests / 1024:,.0f} KiB text (average)"
        )

        tracemalloc.start()
        build_and_render(now)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory       {peak / 2**20:,.1f} MiB (Python heap, tracemalloc)")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
