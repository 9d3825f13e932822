"""Demo social value: the demo postcode lookup, and a return for each pledge of the demo
contracts with people in the pledge's wards, or in several across the city.

The postcodes are the fictional ones in ``commissioning/data/`` (DEMO data in the
NSPL's columns, see docs/postcodes.md). Idempotent: a pledge that already has a
return gets no other, and importing the lookup again changes nothing. No email.
"""

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from commissioning.actions.social_value import submit_social_value_return
from commissioning.models import Pledge, PostcodeWard, SocialValueReturn
from commissioning.postcodes import import_nspl
from organisations.models import Membership

DEMO_LOOKUP = Path(__file__).resolve().parent / "data" / "DEMO_postcode_wards_nspl_layout.csv"

# Fictional postcodes from the demo lookup, in different wards; each return takes
# four of them, starting at a place set by the pledge so returns differ.
POSTCODES = [
    "B15 9YA",
    "B11 9YA",
    "B6 9YA",
    "B13 9YA",
    "B24 9YA",
    "B8 9YA",
    "B31 9YA",
    "B21 9YA",
    "B10 9YA",
    "B44 9YA",
]
LINES_PER_RETURN = 4
# Each return reports about this share of the pledge delivered so far.
SHARE_DELIVERED = Decimal("0.4")


def import_demo_lookup():
    """Load the demo postcodes into ``PostcodeWard`` (wards must be there already)."""
    with DEMO_LOOKUP.open(newline="", encoding="utf-8") as handle:
        return import_nspl(handle)


def _postcodes(pledge):
    """Where the people the return counts live: the demo postcodes in the pledge's wards
    (a lunch club in Ladywood feeds people in Ladywood), or, for a citywide pledge or
    wards the lookup has no postcode in, four across the city set by the pledge."""
    if not pledge.citywide:
        local = PostcodeWard.objects.filter(ward__in=pledge.wards.all()).order_by("postcode")
        local = list(local.values_list("postcode", flat=True)[:LINES_PER_RETURN])
        if local:
            return local
    start = pledge.pk % len(POSTCODES)
    return [POSTCODES[(start + n) % len(POSTCODES)] for n in range(LINES_PER_RETURN)]


def _lines(pledge):
    chosen = _postcodes(pledge)
    each = (pledge.quantity * SHARE_DELIVERED / len(chosen)).quantize(
        Decimal("1"), rounding=ROUND_DOWN
    )
    each = max(each, Decimal(1))
    return [f"{postcode}, {each + n}" for n, postcode in enumerate(chosen)]


def _reporter(contract):
    """A member of the contract's lead (or any current) supplier, or None."""
    return (
        Membership.objects.filter(
            organisation__contract_roles__contract=contract,
            organisation__contract_roles__left_on__isnull=True,
        )
        .select_related("user")
        .order_by("organisation__contract_roles__role", "pk")
        .first()
    )


@transaction.atomic
def seed(*, contracts):
    """Give each pledge of ``contracts`` that has no return one for the last three months
    (or since the contract started), with lines in four wards, sent through the action by
    a member of one of the contract's suppliers. A contract that has not started, or whose
    suppliers have no member, gets none. Returns how many returns it made."""
    import_demo_lookup()
    today = timezone.localdate()
    made = 0
    pledges = Pledge.objects.filter(contract__in=contracts).select_related("contract")
    for pledge in pledges.order_by("pk"):
        contract = pledge.contract
        if contract.starts_on > today or SocialValueReturn.objects.filter(pledge=pledge).exists():
            continue
        membership = _reporter(contract)
        if membership is None:
            continue
        period_end = min(today, contract.last_day)
        result = submit_social_value_return(
            pledge=pledge,
            by=membership.user,
            period_start=max(contract.starts_on, period_end - timedelta(days=90)),
            period_end=period_end,
            description="People from across the city, reported by postcode.",
            lines=_lines(pledge),
            today=today,
        )
        made += result.social_value_return is not None
    return made
