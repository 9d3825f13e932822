"""A reproducible store of OCDS releases at scale, for timing the open data API and the
bulk download (issue 20).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_opendata \\
        .venv/bin/python bench/opendata_data.py --size 100000 [--reuse]

Makes its own database, migrated from scratch as the tests make theirs (``test_``
plus the name in DATABASE_URL plus ``_opendata_`` and the size), and adds ``--size``
releases with ``bulk_create``, seeded: procurements begun on days spread over ten
years, about a quarter as many as releases (``--size`` 100,000: about 25,000 ocids).
Most are opportunities (``BCC-…``) that go as far as the portal's events go: the
tender published, amended, its bid box opened with tenderers and bid statistics, an
award intended and confirmed, the contract signed and changed, performance ratings;
some stop early (cancelled, withdrawn, or still open). The rest are pipeline items
(``PIP-…``, planning) and contracts made outside a tender (``CON-…``). Releases look as
the portal's builders make them (parties with GB-CHC identifiers, a tender with items,
documents and sometimes lots, awards, contracts): 2 to 4 KB of JSON each.

Releases are written directly, as ``record_release`` would leave them (its numbering
and ids), not through it: a hundred thousand of its reads of the last number would
take minutes and time nothing. ``--reuse`` connects to the database a run kept.
"""

import argparse
import json
import sys
import time
from datetime import timedelta
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent))

import setup_django  # noqa: F401, I001  (sets Django up; first)
import dataset  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from opendata.models import Release  # noqa: E402
from opendata.ocds import when  # noqa: E402

BATCH = 2000
YEARS = 10
RELEASES_PER_OCID = 4  # on average
ORGANISATIONS = 3000
PIPELINE_SHARE, OUTSIDE_SHARE = 0.1, 0.1  # the rest are opportunities
LOTS_SHARE = 0.3
SITE = "https://portal.example.org"
SERVICES = [
    "befriending for older people living alone",
    "a carers' support and respite service",
    "community mental health peer support",
    "a youth mentoring and outreach programme",
    "a lunch club and meals on wheels service",
    "advice on welfare benefits and debt",
    "a domestic abuse refuge and outreach service",
    "employment support for disabled people",
]
KINDS = ["Community", "Carers", "Youth", "Elders"]
BODIES = ["Trust", "Network", "Association", "Forum", "Project"]
PLACES = ["Ladywood", "Nechells", "Handsworth", "Erdington", "Hall Green", "Sparkbrook"]
CPV = [
    ("85311000", "Social work services with accommodation"),
    ("85312000", "Social work services without accommodation"),
    ("85320000", "Social services"),
    ("80500000", "Training services"),
    ("98133000", "Services furnished by social membership organisations"),
]
DESCRIPTION = (
    "The council wants a voluntary or community organisation to provide {service} in "
    "{place} and the wards around it, for people referred by social workers, GPs and "
    "community groups and for people who ask for themselves. The service should be "
    "shaped with the people who use it, work alongside the local neighbourhood "
    "network scheme, record outcomes the council agrees with the provider, and report "
    "every quarter on who it reached, what difference it made and what it learned."
)
OPPORTUNITY_STAGES = [  # (tags, status, with) in the order they happen
    (["tender"], "tender"),
    (["tenderAmendment"], "tender"),
    (["tenderUpdate"], "opened"),
    (["award"], "award"),
    (["awardUpdate", "tenderUpdate"], "confirmed"),
    (["contract"], "contract"),
    (["implementation"], "rating"),
    (["implementation"], "rating"),
    (["contractAmendment"], "changed"),
]


def database_name(size):
    return f"test_{connection.settings_dict['NAME']}_opendata_{size}"


def open_database(size, *, reuse):
    """Connect to this size's database: the one a run kept, or a new, migrated one."""
    return dataset.connect_to(database_name(size), reuse=reuse)


class Builder:
    """Release sections as the portal's builders make them, from a seeded generator."""

    def __init__(self, rng):
        self.rng = rng
        prefix = settings.OCDS_PREFIX
        self.organisations = [
            {
                "id": f"{prefix}-org-{n}",
                "name": f"{rng.choice(PLACES)} {rng.choice(KINDS)} {rng.choice(BODIES)} {n}",
                "identifier": {"scheme": "GB-CHC", "id": str(1_000_000 + n)},
            }
            for n in range(ORGANISATIONS)
        ]
        self.buyer = {
            "id": f"{prefix}-org-0",
            "name": "Birmingham City Council – Adults and Social Care",
        }

    def party(self, organisation, roles):
        entry = {"id": organisation["id"], "name": organisation["name"], "roles": roles}
        entry["identifier"] = {**organisation["identifier"], "legalName": organisation["name"]}
        return entry

    def buyer_parties(self):
        return [{**self.buyer, "roles": ["buyer", "procuringEntity"]}]

    def tender(self, reference, start, status, lots):
        rng = self.rng
        service, place = rng.choice(SERVICES), rng.choice(PLACES)
        value = rng.randrange(10_000, 2_000_000, 1000)
        cpv = rng.sample(CPV, 2)
        tender = {
            "id": reference,
            "title": f"{service.capitalize()} in {place}",
            "description": DESCRIPTION.format(service=service, place=place),
            "status": status,
            "procuringEntity": self.buyer,
            "value": {"amount": value, "currency": "GBP"},
            "procurementMethod": "open",
            "procurementMethodDetails": "Open procedure",
            "mainProcurementCategory": "services",
            "items": [
                {
                    "id": str(n),
                    "description": f"Lot {n}: {service} in {place}",
                    "classification": {"scheme": "CPV", "id": cpv[0][0], "description": cpv[0][1]},
                    "additionalClassifications": [
                        {"scheme": "CPV", "id": cpv[1][0], "description": cpv[1][1]}
                    ],
                }
                for n in range(1, lots + 1)
            ],
            "tenderPeriod": {"startDate": when(start), "endDate": when(start + timedelta(30))},
            "enquiryPeriod": {"startDate": when(start), "endDate": when(start + timedelta(20))},
            "submissionMethod": ["electronicSubmission"],
            "documents": [
                {
                    "id": "notice",
                    "title": f"{service.capitalize()} in {place}",
                    "url": f"{SITE}/opportunities/{reference}/",
                    "documentType": "tenderNotice",
                    "datePublished": when(start),
                    "format": "text/html",
                },
                {
                    "id": str(rng.randrange(10**6)),
                    "title": "Service specification",
                    "url": f"{SITE}/opportunities/{reference}/documents/{rng.randrange(10**6)}/",
                    "datePublished": when(start),
                },
            ],
        }
        if lots > 1:
            tender["lots"] = [
                {
                    "id": str(n),
                    "title": f"Lot {n}",
                    "description": f"{service.capitalize()} for the {place} area, part {n}.",
                    "status": status,
                    "value": {"amount": value // lots, "currency": "GBP"},
                }
                for n in range(1, lots + 1)
            ]
        return tender

    def statistics(self, lots, date, bidders):
        rows = []
        for n in range(1, lots + 1):
            prefix = f"lot-{n}-" if lots > 1 else ""
            for measure, number in (("bids", bidders), ("smeBids", bidders // 2)):
                entry = {"id": prefix + measure, "measure": measure, "value": number}
                if lots > 1:
                    entry["relatedLot"] = str(n)
                entry["date"] = when(date)
                rows.append(entry)
        return rows


def _procurement(builder, n, start, stages, now):
    """``(ocid, [(date, tags, data)…])``: the releases of the ``n``th procurement, begun
    at ``start``, ``stages`` long, or fewer if they would reach past ``now``."""
    rng = builder.rng
    kind = rng.random()
    year = start.year
    prefix = settings.OCDS_PREFIX
    if kind < PIPELINE_SHARE:
        reference, plan = f"PIP-{n:06d}", [(["planning"], "planning")] * min(stages, 2)
    elif kind < PIPELINE_SHARE + OUTSIDE_SHARE:
        reference = f"CON-{year}-{n:06d}"
        plan = [(["contract"], "contract"), (["implementation"], "rating")]
        plan += [(["contractAmendment"], "changed")]
        plan = plan[: min(stages, 3)]
    else:
        reference, plan = f"BCC-{year}-{n:06d}", OPPORTUNITY_STAGES[:stages]
    ocid = f"{prefix}-{reference}"
    lots = rng.randint(2, 4) if rng.random() < LOTS_SHARE else 1
    suppliers = rng.sample(builder.organisations, 5)
    date = start
    releases = []
    for tags, what in plan:
        if date > now:
            break
        parties = builder.buyer_parties()
        sections = {"buyer": builder.buyer}
        if what in {"planning", "tender"}:
            status = "planning" if what == "planning" else "active"
            sections["tender"] = builder.tender(reference, date, status, lots)
        elif what == "opened":
            sections["tender"] = builder.tender(reference, start, "active", lots)
            sections["tender"]["tenderers"] = [
                {"id": o["id"], "name": o["name"]} for o in suppliers
            ]
            sections["tender"]["numberOfTenderers"] = len(suppliers)
            sections["bids"] = {"statistics": builder.statistics(lots, date, len(suppliers))}
            parties += [builder.party(o, ["tenderer"]) for o in suppliers]
        else:
            winner = suppliers[0]
            parties.append(builder.party(winner, ["supplier"]))
            award = {
                "id": f"{reference}-award-1",
                "title": f"Award of {reference}",
                "description": "Awarded on the most economically advantageous bid.",
                "status": "pending" if what == "award" else "active",
                "date": when(date),
                "suppliers": [{"id": winner["id"], "name": winner["name"]}],
                "value": {"amount": rng.randrange(10_000, 2_000_000, 500), "currency": "GBP"},
            }
            sections["awards"] = [award]
            if what in {"contract", "rating", "changed"}:
                contract = {
                    "id": f"{reference}-contract",
                    "awardID": award["id"],
                    "title": award["title"],
                    "status": "active",
                    "value": award["value"],
                    "period": {"startDate": when(date), "endDate": when(date + timedelta(730))},
                    "dateSigned": when(date),
                }
                if what == "rating":
                    contract["implementation"] = {
                        "documents": [
                            {
                                "id": f"rating-{len(releases)}",
                                "documentType": "physicalProgressReport",
                                "title": "Quarterly performance rating: good",
                                "url": f"{SITE}/contracts/{reference}/performance/",
                                "datePublished": when(date),
                            }
                        ]
                    }
                if what == "changed":
                    contract["amendments"] = [
                        {"id": "1", "date": when(date), "description": "Extended by a year."}
                    ]
                sections["contracts"] = [contract]
        data = {"parties": parties, **sections}
        releases.append((date, tags, data))
        date += timedelta(days=rng.uniform(5, 90))
    return ocid, releases


def make_releases(*, size, seed=1, now=None):
    """``size`` releases over about ``size / 4`` procurements; returns the seconds taken."""
    started = time.perf_counter()
    rng = Random(seed)
    builder = Builder(rng)
    now = now or timezone.now()
    first = now - timedelta(days=365 * YEARS)
    made, n, batch = 0, 0, []
    while made < size:
        n += 1
        stages = min(rng.choice([1, 1, 2, 3, 4, 5, 6, 7, 8, 9]), size - made)
        start = first + timedelta(seconds=rng.uniform(0, (now - first).total_seconds() * 0.95))
        ocid, releases = _procurement(builder, n, start, stages, now)
        for number, (date, tags, sections) in enumerate(releases, start=1):
            release_id = f"{ocid}-{number:02d}"
            data = {
                "ocid": ocid,
                "id": release_id,
                "date": when(date),
                "tag": tags,
                "initiationType": "tender",
                "language": "en",
                **sections,
            }
            batch.append(
                Release(
                    ocid=ocid,
                    number=number,
                    release_id=release_id,
                    date=date,
                    tags=tags,
                    data=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                )
            )
        made += len(releases)
        if len(batch) >= BATCH:
            Release.objects.bulk_create(batch)
            batch = []
    Release.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE opendata_release")
    return time.perf_counter() - started


def summary():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT ocid), avg(octet_length(data)),"
            " min(date), max(date), pg_size_pretty(pg_total_relation_size('opendata_release'))"
            " FROM opendata_release"
        )
        count, ocids, average, first, last, table = cursor.fetchone()
    return (
        f"releases          {count:,} over {ocids:,} ocids\n"
        f"release size      {average or 0:,.0f} bytes of JSON on average\n"
        f"dates             {first:%Y-%m-%d} to {last:%Y-%m-%d}\n"
        f"table             {table} with its indexes"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="releases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")
    started = time.perf_counter()
    name = open_database(args.size, reuse=args.reuse)
    print(f"database          {name}{' (reused)' if args.reuse else ''}")
    if Release.objects.exists():
        print("releases          already made; nothing to do")
    else:
        print(f"took              {make_releases(size=args.size, seed=args.seed):.1f} s")
    print(summary())
    print(f"whole run         {time.perf_counter() - started:.1f} s (kept for --reuse)")


if __name__ == "__main__":
    main()
