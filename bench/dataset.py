"""A reproducible dataset for timing search and lists: opportunities over ten years.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/dataset.py --opportunities 100000 --organisations 10000 --seed 1

Makes a database of its own, migrated from scratch as the tests make theirs:
``test_`` plus the name in DATABASE_URL plus ``_search_`` and the number of
opportunities. Fills it with ``make_dataset`` and keeps it, so
``bench/pages.py --reuse`` can time pages against it (one database per size);
``--drop`` drops it at the end instead.

The same seed gives the same text, values, wards, codes and publishers; dates
are counted back from the moment it runs, so the statuses (about 2% open) hold
whenever it is made. Text is drawn from the demo data and the council documents
in /work/shared/context/ (when present), so common words ("support", "young",
"people", "housing") are common here as in real notices.
"""

import argparse
import html
import math
import re
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from random import Random

import setup_django  # noqa: I001  (sets Django up; first)
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from opportunities import demo_data  # noqa: E402
from opportunities.models import CpvCode, Lot, Opportunity, Procedure  # noqa: E402
from organisations import demo as organisations_demo  # noqa: E402
from organisations.actions.registry import import_wards  # noqa: E402
from organisations.models import (  # noqa: E402
    IncomeBand,
    LegalForm,
    Organisation,
    ServiceCategory,
    Ward,
)

REPO = setup_django.REPO
CONTEXT = Path("/work/shared/context")
BATCH = 2000
YEARS = 10
PUBLISHERS = 40

# Shares of opportunities by status; the rest are closed (deadline passed, not
# awarded or cancelled).
OPEN_SHARE = 0.02
DRAFT_SHARE = 0.005
CANCELLED_SHARE = 0.05
AWARDED_SHARE = 0.60

CITYWIDE_SHARE = 0.2
LOTS_SHARE = 0.3

# The words a title is made of, beside the demo titles themselves.
SERVICES = [
    "Housing-related support",
    "Floating support",
    "Advice and advocacy",
    "Befriending",
    "Day opportunities",
    "Early help",
    "Family support",
    "Community mental health support",
    "Employment support",
    "Domestic abuse outreach",
    "Carers' breaks",
    "Youth work",
    "Holiday activities and food",
    "Peer support",
    "Supported accommodation",
    "Debt and welfare benefits advice",
    "Social prescribing",
    "Substance misuse recovery",
    "Digital inclusion",
    "Healthy lifestyles",
    "Community transport",
    "Home from hospital",
    "Dementia support",
    "Parenting programmes",
    "Homelessness prevention",
]
GROUPS = [
    "young people",
    "older people",
    "families",
    "carers",
    "disabled people",
    "people with learning disabilities",
    "people with mental health needs",
    "refugees and asylum seekers",
    "women and girls",
    "people who are homeless",
    "veterans",
    "people on low incomes",
    "children and young people",
    "young carers",
    "care leavers",
    "adults",
]
ORGANISATION_KINDS = [
    "Community Trust",
    "Advice Centre",
    "Youth Project",
    "Lunch Club",
    "Carers Network",
    "Family Hub",
    "Housing Association",
    "Community Interest Company",
    "Women's Centre",
    "Men's Shed",
    "Food Bank",
    "Arts Collective",
    "Sports Foundation",
    "Mental Health Forum",
    "Befriending Scheme",
    "Recovery Café",
    "Learning Partnership",
    "Residents Association",
]
LEGAL_FORMS = [form for form in LegalForm if form != LegalForm.PUBLIC_BODY]


def _sentences():
    """Sentences of plain prose from the demo data and the council documents.

    Characters Markdown would treat as markup are left out, so a description's
    HTML is its paragraphs, as ``portal.markdown`` would render them.
    """
    texts = [summary for _title, summary, *_rest in demo_data.OPPORTUNITIES]
    for question in demo_data.QUESTIONS:
        texts += [question[3], (question[4] or (0, ""))[1]]
    if CONTEXT.is_dir():
        texts += [path.read_text(errors="ignore") for path in sorted(CONTEXT.glob("0*.txt"))]
    found = []
    for text in texts:
        text = re.sub(r"\s+", " ", str(text))
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            sentence = re.sub(r"[^A-Za-z0-9,;:'()£%&./ -]", "", sentence).strip(" -")
            words = sentence.split()
            if 6 <= len(words) <= 40 and sum(w.isalpha() for w in words) >= len(words) * 0.7:
                if not sentence.endswith((".", "!", "?")):
                    sentence += "."
                found.append(sentence[0].upper() + sentence[1:])
    return sorted(set(found))


class Text:
    """Titles, summaries and descriptions drawn reproducibly from ``rng``."""

    def __init__(self, rng):
        self.rng = rng
        self.sentences = _sentences()
        self.titles = [title for title, *_rest in demo_data.OPPORTUNITIES]
        self.summaries = [summary for _title, summary, *_rest in demo_data.OPPORTUNITIES]

    def title(self, ward_name):
        rng = self.rng
        shape = rng.random()
        if shape < 0.3:
            return rng.choice(self.titles)[:180]
        service, group = rng.choice(SERVICES), rng.choice(GROUPS)
        if shape < 0.7:
            return f"{service} for {group}"
        return f"{service} for {group} in {ward_name}"

    def summary(self):
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(self.summaries)[:500]
        return f"{rng.choice(SERVICES)} for {rng.choice(GROUPS)}. {rng.choice(self.sentences)}"[
            :500
        ]

    def description(self):
        """50–400 words in paragraphs of 2–5 sentences; returns (text, html)."""
        rng = self.rng
        target = rng.randint(50, 400)
        paragraphs, words = [], 0
        while words < target:
            paragraph = " ".join(rng.choice(self.sentences) for _ in range(rng.randint(2, 5)))
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        text = "\n\n".join(paragraphs)
        rendered = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
        return text, rendered

    def organisation_description(self):
        rng = self.rng
        return f"{rng.choice(SERVICES)} for {rng.choice(GROUPS)}. " + " ".join(
            rng.choice(self.sentences) for _ in range(rng.randint(1, 3))
        )


def _categories():
    ServiceCategory.objects.bulk_create(
        (
            ServiceCategory(name=name, slug=slugify(name))
            for name in organisations_demo.SERVICE_CATEGORIES
        ),
        ignore_conflicts=True,
    )
    return list(ServiceCategory.objects.order_by("pk").values_list("pk", flat=True))


def make_organisations(*, count, rng, text, wards, categories, now):
    """``count`` organisations, the first ``PUBLISHERS`` of them public bodies that publish."""
    made = []
    for start in range(0, count, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, count)):
            ward_pk, ward_name = rng.choice(wards)
            publisher = n < PUBLISHERS
            name = (
                f"{ward_name} commissioning body {n}"
                if publisher
                else f"{ward_name} {rng.choice(ORGANISATION_KINDS)} {n}"
            )
            batch.append(
                Organisation(
                    name=name,
                    slug=f"{slugify(name)}"[:200],
                    legal_form=LegalForm.PUBLIC_BODY if publisher else rng.choice(LEGAL_FORMS),
                    description=text.organisation_description(),
                    ward_id=ward_pk,
                    income_band=rng.choice(list(IncomeBand)),
                    paid_staff=rng.randint(0, 120),
                    volunteers=rng.randint(0, 80),
                    citywide=rng.random() < 0.1,
                    open_to_partnering=rng.random() < 0.3,
                    publishing_allowed_at=now if publisher else None,
                )
            )
        batch = Organisation.objects.bulk_create(batch, batch_size=BATCH)
        Organisation.wards_served.through.objects.bulk_create(
            (
                Organisation.wards_served.through(organisation_id=o.pk, ward_id=ward)
                for o in batch
                for ward, _name in rng.sample(wards, rng.randint(0, 3))
            ),
            batch_size=BATCH * 3,
        )
        Organisation.service_categories.through.objects.bulk_create(
            (
                Organisation.service_categories.through(
                    organisation_id=o.pk, servicecategory_id=category
                )
                for o in batch
                for category in rng.sample(categories, rng.randint(1, 3))
            ),
            batch_size=BATCH * 3,
        )
        made.extend(o.pk for o in batch)
    return made


def _dates(rng, now):
    """published, deadline for bids, awarded, cancelled: one status drawn by its share."""
    roll = rng.random()
    if roll < DRAFT_SHARE:
        deadline = now + timedelta(days=rng.uniform(20, 90))
        return None, deadline, None, None
    if roll < DRAFT_SHARE + OPEN_SHARE:
        deadline = now + timedelta(days=rng.uniform(0.5, 90))
        published = now - timedelta(days=rng.uniform(0, 60))
        return published, deadline, None, None
    # Past: published at any time in ten years, the deadline passed by now.
    published = now - timedelta(days=rng.uniform(2, YEARS * 365))
    window = timedelta(days=rng.uniform(14, 90))
    deadline = min(published + window, now - timedelta(hours=1))
    roll = rng.random()
    if roll < CANCELLED_SHARE:
        cancelled = published + (deadline - published) * rng.random()
        return published, deadline, None, cancelled
    if roll < CANCELLED_SHARE + AWARDED_SHARE:
        awarded = min(deadline + timedelta(days=rng.uniform(14, 120)), now)
        return published, deadline, awarded, None
    return published, deadline, None, None


def _value(rng):
    """Log-uniform from £5,000 to £5 million, in £500s; sometimes a range."""
    low = Decimal(round(math.exp(rng.uniform(math.log(5_000), math.log(5_000_000))) / 500) * 500)
    high = (low * Decimal(rng.choice(["1", "1", "1", "1.2", "1.5", "2"]))).quantize(Decimal("1"))
    return low, high


def make_opportunities(*, count, rng, text, wards, categories, publishers, cpv_codes, now):
    """``count`` opportunities with wards, CPV codes and lots, in batches."""
    for start in range(0, count, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, count)):
            published, deadline, awarded, cancelled = _dates(rng, now)
            low, high = _value(rng)
            description, description_html = text.description()
            year = (published or now).year
            batch.append(
                Opportunity(
                    reference=f"BN-{year}-{n:06d}",
                    publisher_id=rng.choice(publishers),
                    title=text.title(rng.choice(wards)[1]),
                    summary=text.summary(),
                    description=description,
                    description_html=description_html,
                    category_id=rng.choice(categories),
                    value_low=low,
                    value_high=high,
                    procedure=(
                        Procedure.QUOTATION
                        if high < 30_000
                        else rng.choice([Procedure.OPEN, Procedure.LIGHT_TOUCH])
                    ),
                    duration_months=rng.choice([12, 24, 36, 60]),
                    citywide=rng.random() < CITYWIDE_SHARE,
                    suitable_for_small=high < 100_000 or rng.random() < 0.1,
                    clarification_deadline=deadline - timedelta(days=7),
                    submission_deadline=deadline,
                    contact_name="Commissioning team",
                    contact_email="commissioning@example.org",
                    published_at=published,
                    awarded_at=awarded,
                    cancelled_at=cancelled,
                    cancellation_reason="The service is no longer needed." if cancelled else "",
                )
            )
        batch = Opportunity.objects.bulk_create(batch, batch_size=BATCH)
        Opportunity.wards.through.objects.bulk_create(
            (
                Opportunity.wards.through(opportunity_id=o.pk, ward_id=ward)
                for o in batch
                if not o.citywide
                for ward, _name in rng.sample(wards, rng.randint(1, 4))
            ),
            batch_size=BATCH * 3,
        )
        Opportunity.cpv_codes.through.objects.bulk_create(
            (
                Opportunity.cpv_codes.through(opportunity_id=o.pk, cpvcode_id=code)
                for o in batch
                for code in rng.sample(cpv_codes, rng.randint(1, 3))
            ),
            batch_size=BATCH * 3,
        )
        Lot.objects.bulk_create(
            (
                Lot(
                    opportunity_id=o.pk,
                    number=number,
                    title=f"{rng.choice(SERVICES)} for {rng.choice(GROUPS)}",
                    value=(o.value_high / 2).quantize(Decimal("1")),
                )
                for o in batch
                if rng.random() < LOTS_SHARE
                for number in range(1, rng.randint(2, 4) + 1)
            ),
            batch_size=BATCH * 3,
        )


def make_dataset(*, opportunities, organisations, seed=1, now=None):
    """Fill the connected database; returns a dict of what was made and how long it took."""
    now = now or timezone.now()
    rng = Random(seed)
    text = Text(rng)
    started = time.perf_counter()
    import_wards()
    wards = list(Ward.objects.order_by("pk").values_list("pk", "name"))
    categories = _categories()
    # Social-care and community codes (85, 80, 98) most often, as in the demo.
    codes = list(CpvCode.objects.order_by("pk").values_list("pk", "code"))
    usual = [pk for pk, code in codes if code.startswith(("85", "80", "98", "70"))]
    cpv_codes = usual or [pk for pk, _code in codes]
    organisation_pks = make_organisations(
        count=organisations, rng=rng, text=text, wards=wards, categories=categories, now=now
    )
    made_organisations = time.perf_counter()
    make_opportunities(
        count=opportunities,
        rng=rng,
        text=text,
        wards=wards,
        categories=categories,
        publishers=organisation_pks[:PUBLISHERS],
        cpv_codes=cpv_codes,
        now=now,
    )
    made_opportunities = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "organisations_s": made_organisations - started,
        "opportunities_s": made_opportunities - made_organisations,
        "total_s": time.perf_counter() - started,
        "sentences": len(text.sentences),
    }


def database_name(opportunities):
    """One database per size, so each can be kept and reused."""
    return f"test_{connection.settings_dict['NAME']}_search_{opportunities}"


def connect_to(name, *, reuse):
    """Connect to the database ``name``: the one an earlier run kept (``reuse``), or a
    new one, migrated from scratch (replacing any left over). Returns its name."""
    if reuse:
        connection.close()
        connection.settings_dict["NAME"] = name
        return name
    connection.settings_dict["TEST"]["NAME"] = name
    return connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


def create_database(opportunities):
    """Make (replacing any left over) and connect to this benchmark's own database."""
    return connect_to(database_name(opportunities), reuse=False)


def use_database(opportunities):
    """Connect to the database an earlier run kept; returns its name."""
    return connect_to(database_name(opportunities), reuse=True)


def open_database(*, size, seed, reuse):
    """Connect to the database of ``size`` opportunities: the one an earlier run kept
    (``reuse``), or a new one filled now. Prints which; returns its name."""
    if reuse:
        name = use_database(size)
        print(f"database          {name} (reused)")
        return name
    name = create_database(size)
    made = make_dataset(opportunities=size, organisations=max(size // 10, 100), seed=seed)
    print(f"database          {name} (filled in {made['total_s']:.1f} s)")
    return name


def drop_database(original_name):
    """Drop the benchmark's database (the one connected now), then connect to
    ``original_name`` again. Never point the connection at ``original_name`` first:
    Django drops whichever database the connection names."""
    connection.creation.destroy_test_db(original_name, verbosity=0)


def summary():
    """Counts by status, as the portal derives them."""
    from opportunities.models import Status

    now = timezone.now()
    counts = {s.value: Opportunity.objects.with_status(s, now).count() for s in Status}
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")
    original = connection.settings_dict["NAME"]
    started = time.perf_counter()
    name = create_database(args.opportunities)
    print(f"database          {name} (migrated in {time.perf_counter() - started:.1f} s)")
    try:
        made = make_dataset(
            opportunities=args.opportunities, organisations=args.organisations, seed=args.seed
        )
        print(
            f"organisations     {Organisation.objects.count():,} in {made['organisations_s']:.1f} s"
        )
        print(
            f"opportunities     {Opportunity.objects.count():,} in {made['opportunities_s']:.1f} s"
        )
        print(f"by status         {summary()}")
        print(f"total             {made['total_s']:.1f} s ({made['sentences']:,} source sentences)")
    finally:
        if args.drop:
            drop_database(original)


if __name__ == "__main__":
    main()
