"""A reproducible social value exchange at scale: needs, offers, matches and deliveries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_exchange \\
        .venv/bin/python bench/exchange_data.py --size 100000 [--reuse]

Makes its own database, migrated from scratch as the tests make theirs
(``test_`` plus the name in DATABASE_URL plus ``_exchange_`` and the size), with
the wards and a tenth of ``--size`` organisations as ``bench/dataset.py`` makes
them (its mix of legal forms and income bands; a fifth of them Charter
signatories), then adds with ``bulk_create``, seeded: ``--size`` needs from the
third-sector organisations and as many offers from any of them (a fifth across
the city, the rest in one to three wards), half as many matches between a need
and an offer of the same kind and unit (accepted, waiting or declined), and
deliveries on most accepted matches, three in four of them confirmed, some with
a value and a testimonial. One third-sector organisation is busy: 200 needs,
200 offers and the matches on them, for timing ``/exchange/yours/``. Dates are
counted from the moment it runs, so about half the needs and offers are open.

Actions are skipped for speed, as ``dataset.py`` does: rows are written as the
actions would leave them, and the running figures (``promised``, ``committed``,
``delivered``, ``met_at``) are set afterwards by SQL from the matches and the
confirmed deliveries. ``--reuse`` connects to the database a run kept.
"""

import argparse
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from exchange.models import (  # noqa: E402
    USUAL_UNIT,
    Delivery,
    Kind,
    Match,
    Need,
    Offer,
    Side,
)
from organisations.actions.registry import import_wards  # noqa: E402
from organisations.models import (  # noqa: E402
    LegalForm,
    Membership,
    MembershipRole,
    Organisation,
    Ward,
)

BATCH = 2000
CHARTER_SHARE = 0.2
CITYWIDE_SHARE = 0.2
ONLINE_SHARE = 0.2
CLOSED_SHARE = 0.05
MATCHES_PER_NEED = 0.5
ACCEPTED, PENDING = 0.6, 0.25  # the rest are declined
DELIVERED_SHARE = 0.8  # of accepted matches
CONFIRMED_SHARE = 0.75
VALUED_SHARE = 0.6
TESTIMONIAL_SHARE = 0.3
BUSY = 200
KINDS = list(Kind)
NOT_THIRD_SECTOR = {LegalForm.PRIVATE_COMPANY, LegalForm.PUBLIC_BODY}
TESTIMONIALS = [
    "Our treasurer now closes the books in a day instead of a week.",
    "The volunteers painted the hall and the lunch club moved back in.",
    "Two of the young people on placements have been offered jobs.",
    "We could not have run the summer scheme without the minibus.",
]


def database_name(size):
    return f"test_{connection.settings_dict['NAME']}_exchange_{size}"


def open_database(size, *, reuse):
    """Connect to this size's database: the one a run kept, or a new, migrated one."""
    return dataset.connect_to(database_name(size), reuse=reuse)


def _batches(rows):
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def make_organisations(rng, size, now):
    """The dataset's organisations (a tenth of ``size``) with Charter signatories;
    returns ``(third-sector pks, all pks)``."""
    import_wards()
    wards = list(Ward.objects.order_by("pk").values_list("pk", "name"))
    dataset.make_organisations(
        count=max(size // 10, 100),
        rng=rng,
        text=dataset.Text(rng),
        wards=wards,
        categories=dataset._categories(),
        now=now,
    )
    return sectors(rng, now)


def sectors(rng, now):
    """Make a fifth of the connected database's organisations Charter signatories;
    returns ``(third-sector pks, all pks)``."""
    everyone = list(Organisation.objects.order_by("pk").values_list("pk", "legal_form"))
    signatories = [pk for pk, _form in everyone if rng.random() < CHARTER_SHARE]
    Organisation.objects.filter(pk__in=signatories).update(charter_signatory_since=now.date())
    third = [pk for pk, form in everyone if form not in NOT_THIRD_SECTOR]
    return third, [pk for pk, _form in everyone]


def _day(rng, today, low, high):
    return today + timedelta(days=rng.randint(low, high))


def make_needs(rng, count, third, wards, now, busy):
    today = timezone.localdate(now)
    rows = []
    for n in range(count):
        kind = rng.choice(KINDS)
        rows.append(
            Need(
                organisation_id=busy if n < BUSY else rng.choice(third),
                title=f"{kind.label} for our {rng.choice(dataset.GROUPS)} project {n}",
                description="We run weekly sessions and need help to keep them going.",
                why="Without it the sessions stop and people lose the support they rely on.",
                kind=kind,
                unit=USUAL_UNIT[kind],
                quantity=Decimal(rng.randint(1, 60)),
                ward_id=rng.choice(wards),
                online=rng.random() < ONLINE_SHARE,
                needed_by=_day(rng, today, -300, 365),
                posted_at=now - timedelta(days=rng.uniform(0, 400)),
                closed_at=now - timedelta(days=1) if rng.random() < CLOSED_SHARE else None,
            )
        )
    for batch in _batches(rows):
        Need.objects.bulk_create(batch)
    return rows


def make_offers(rng, count, everyone, wards, now, busy):
    today = timezone.localdate(now)
    rows, ward_lists = [], []
    for n in range(count):
        kind = rng.choice(KINDS)
        starts = _day(rng, today, -300, 30)
        citywide = rng.random() < CITYWIDE_SHARE
        rows.append(
            Offer(
                organisation_id=busy if n < BUSY else rng.choice(everyone),
                title=f"{kind.label} from our team {n}",
                description="Our staff give time and space to local groups.",
                kind=kind,
                unit=USUAL_UNIT[kind],
                capacity=Decimal(rng.randint(5, 200)),
                citywide=citywide,
                online=rng.random() < ONLINE_SHARE,
                available_from=starts,
                available_until=starts + timedelta(days=rng.randint(30, 400)),
                posted_at=now - timedelta(days=rng.uniform(0, 400)),
                closed_at=now - timedelta(days=1) if rng.random() < CLOSED_SHARE else None,
            )
        )
        ward_lists.append([] if citywide else rng.sample(wards, rng.randint(1, 3)))
    through = Offer.wards.through
    for start in range(0, count, BATCH):
        batch = Offer.objects.bulk_create(rows[start : start + BATCH])
        through.objects.bulk_create(
            through(offer_id=offer.pk, ward_id=ward)
            for offer, chosen in zip(batch, ward_lists[start : start + BATCH], strict=True)
            for ward in chosen
        )
    return rows


def make_matches(rng, needs, offers, now):
    """Matches between needs and offers of the same kind (and so unit), never taking
    more than a need's quantity or an offer's capacity; returns the accepted ones."""
    by_kind = {}
    for offer in offers:
        by_kind.setdefault(offer.kind, []).append(offer)
    promised, committed, pairs, rows = {}, {}, set(), []
    chosen = needs[:BUSY] + rng.sample(needs, int(len(needs) * MATCHES_PER_NEED))
    for need in chosen:
        offer = rng.choice(by_kind[need.kind])
        if need.organisation_id == offer.organisation_id or (need.pk, offer.pk) in pairs:
            continue
        left = min(
            need.quantity - promised.get(need.pk, 0), offer.capacity - committed.get(offer.pk, 0)
        )
        if left < 1:
            continue
        quantity = Decimal(rng.randint(1, int(left)))
        roll = rng.random()
        proposed_at = now - timedelta(days=rng.uniform(1, 300))
        match = Match(
            need=need,
            offer=offer,
            quantity=quantity,
            proposed_by_side=rng.choice(list(Side)),
            proposed_at=proposed_at,
            message="We would like to help with this.",
        )
        if roll < ACCEPTED:
            match.accepted_at = proposed_at + timedelta(days=2)
            promised[need.pk] = promised.get(need.pk, 0) + quantity
            committed[offer.pk] = committed.get(offer.pk, 0) + quantity
        elif roll > ACCEPTED + PENDING:
            match.declined_at = proposed_at + timedelta(days=2)
        if match.declined_at is None:
            pairs.add((need.pk, offer.pk))
        rows.append(match)
    for batch in _batches(rows):
        Match.objects.bulk_create(batch)
    return [m for m in rows if m.accepted_at]


def make_deliveries(rng, accepted, now):
    rows = []
    for match in accepted:
        if rng.random() >= DELIVERED_SHARE:
            continue
        given = Decimal(rng.randint(1, int(match.quantity)))
        confirmed = rng.random() < CONFIRMED_SHARE
        delivered_on = timezone.localdate(match.accepted_at) + timedelta(days=rng.randint(1, 60))
        rows.append(
            Delivery(
                match=match,
                quantity=given,
                delivered_on=min(delivered_on, timezone.localdate(now)),
                value=Decimal(int(given) * rng.choice([15, 25, 40, 60]))
                if rng.random() < VALUED_SHARE
                else None,
                note="Given as agreed.",
                recorded_at=match.accepted_at + timedelta(days=5),
                confirmed_at=match.accepted_at + timedelta(days=rng.uniform(6, 60))
                if confirmed
                else None,
                testimonial=rng.choice(TESTIMONIALS)
                if confirmed and rng.random() < TESTIMONIAL_SHARE
                else "",
            )
        )
    for batch in _batches(rows):
        Delivery.objects.bulk_create(batch)
    return rows


RUNNING_FIGURES = [
    # What accepted matches promised and committed, and what confirmed help delivered,
    # as the actions keep them.
    """UPDATE exchange_need n SET promised = s.q FROM (SELECT need_id, SUM(quantity) q
       FROM exchange_match WHERE accepted_at IS NOT NULL GROUP BY need_id) s
       WHERE n.id = s.need_id""",
    """UPDATE exchange_offer o SET committed = s.q FROM (SELECT offer_id, SUM(quantity) q
       FROM exchange_match WHERE accepted_at IS NOT NULL GROUP BY offer_id) s
       WHERE o.id = s.offer_id""",
    """UPDATE exchange_match m SET delivered = s.q FROM (SELECT match_id, SUM(quantity) q
       FROM exchange_delivery WHERE confirmed_at IS NOT NULL GROUP BY match_id) s
       WHERE m.id = s.match_id""",
    """UPDATE exchange_need n SET delivered = s.q FROM (SELECT need_id, SUM(delivered) q
       FROM exchange_match GROUP BY need_id) s WHERE n.id = s.need_id""",
    """UPDATE exchange_offer o SET delivered = s.q FROM (SELECT offer_id, SUM(delivered) q
       FROM exchange_match GROUP BY offer_id) s WHERE o.id = s.offer_id""",
    "UPDATE exchange_need SET met_at = now() WHERE delivered >= quantity AND closed_at IS NULL",
]


def busy_member(busy, now):
    """A member of the busy organisation, ``busy@bench.example``, who can sign in by
    ``force_login``."""
    user = User.objects.create(
        email="busy@bench.example", full_name="Busy Member", password="!", email_confirmed_at=now
    )
    Membership.objects.create(organisation_id=busy, user=user, role=MembershipRole.ADMIN)
    return user


def make_exchange(*, size, seed=1, now=None, organisations=True):
    """Fill the connected, migrated database; returns the seconds each part took.

    ``organisations=False`` uses the organisations the database already holds
    (``bench/whole.py``) instead of making a tenth of ``size``."""
    now = now or timezone.now()
    rng = Random(seed)
    took, started = {}, time.perf_counter()

    def lap(name):
        took[name] = time.perf_counter() - started - sum(took.values())

    if organisations:
        third, everyone = make_organisations(rng, size, now)
    else:
        third, everyone = sectors(rng, now)
    busy = third[0]
    busy_member(busy, now)
    wards = list(Ward.objects.order_by("pk").values_list("pk", flat=True))
    lap("organisations")
    needs = make_needs(rng, size, third, wards, now, busy)
    lap("needs")
    offers = make_offers(rng, size, everyone, wards, now, busy)
    lap("offers")
    accepted = make_matches(rng, needs, offers, now)
    lap("matches")
    make_deliveries(rng, accepted, now)
    lap("deliveries")
    with connection.cursor() as cursor:
        for statement in RUNNING_FIGURES:
            cursor.execute(statement)
        cursor.execute("ANALYZE")
    lap("figures")
    took["total"] = time.perf_counter() - started
    return took


COUNTED = [Organisation, Need, Offer, Match, Delivery]


def summary():
    """What was made, and how much of it is open or counted."""
    lines = [f"{model.__name__:<22}{model.objects.count():>10,}" for model in COUNTED]
    lines.append(f"{'open needs':<22}{Need.objects.open_for_matching().count():>10,}")
    lines.append(f"{'open offers':<22}{Offer.objects.open_for_matching().count():>10,}")
    confirmed = Delivery.objects.filter(confirmed_at__isnull=False).count()
    lines.append(f"{'confirmed deliveries':<22}{confirmed:>10,}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="needs, and as many offers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="use the database a run kept")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")
    started = time.perf_counter()
    name = open_database(args.size, reuse=args.reuse)
    print(f"database          {name}{' (reused)' if args.reuse else ''}")
    if Need.objects.exists():
        print("exchange          already made; nothing to do")
    else:
        took = make_exchange(size=args.size, seed=args.seed)
        print("took              " + ", ".join(f"{k} {s:.1f} s" for k, s in took.items()))
    print(summary())
    print(f"whole run         {time.perf_counter() - started:.1f} s (kept for --reuse)")


if __name__ == "__main__":
    main()
