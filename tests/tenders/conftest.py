"""An open opportunity with a tender, a bidding organisation and a way to complete a bid.

``tender`` is built through the actions from the 60/20/20 template on an
opportunity with two lots; ``bidder`` is a member (administrator) of an
organisation with a bid started; ``complete(bid)`` fills in every section so it
can be submitted.
"""

from decimal import Decimal

import pytest

from opportunities.models import Lot
from organisations.models import MembershipRole
from tenders import actions
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    PublisherFactory,
    WardFactory,
)


@pytest.fixture
def publisher_member():
    """A commissioner: a member of the publishing organisation."""
    return MembershipFactory(organisation=PublisherFactory(), role=MembershipRole.MEMBER).user


def open_opportunity(publisher, *, lots=2, **fields):
    opportunity = OpportunityFactory(publisher=publisher, **fields)
    for number in range(1, lots + 1):
        Lot.objects.create(opportunity=opportunity, number=number, title=f"Lot {number} area")
    return opportunity


@pytest.fixture
def opportunity(publisher_member):
    return open_opportunity(publisher_member.memberships.get().organisation)


@pytest.fixture
def tender(opportunity, publisher_member):
    return actions.create_tender(opportunity=opportunity, by=publisher_member)


@pytest.fixture
def bidder():
    """An administrator of a bidding organisation (``bidder.organisation``)."""
    membership = MembershipFactory(role=MembershipRole.ADMIN)
    membership.user.organisation = membership.organisation
    return membership.user


@pytest.fixture
def bid(tender, bidder):
    return actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder)


def complete(bid, by, *, lots=None, price=Decimal("40000"), answer="We will do it well."):
    """Fill in every section of ``bid`` through the actions, so it can be submitted."""
    tender = bid.tender
    all_lots = list(tender.opportunity.lots.all())
    lots = all_lots if lots is None else lots
    if all_lots:
        actions.save_lots(bid=bid, lots=lots, by=by)
    for criterion in tender.criteria.all():
        for lot in lots if (criterion.per_lot and lots) else [None]:
            actions.save_answer(bid=bid, criterion=criterion, lot=lot, text=answer, by=by)
    for lot in lots or [None]:
        lines = list(tender.price_lines.filter(lot=lot))
        unit_prices = {line: price / line.quantity / len(lines) for line in lines}
        total = sum(line.quantity * p for line, p in unit_prices.items())
        actions.save_price(
            bid=bid,
            lot=lot,
            by=by,
            unit_prices=unit_prices,
            breakdown={
                "direct_delivery": total - 3000,
                "staff": Decimal(1000),
                "volunteer_expenses": Decimal(500),
                "overheads": Decimal(1500),
            }
            if tender.full_cost_breakdown
            else None,
        )
    actions.add_commitment(
        bid=bid,
        by=by,
        measure="Volunteering hours",
        quantity=100,
        unit="hours",
        wards=[WardFactory()],
    )
    actions.save_declarations(
        bid=bid, by=by, has_other_funding=False, has_conflicts=False, living_wage="accredited"
    )
    bid.refresh_from_db()
    return bid


def submitted_bids(tender, prices):
    """One complete, submitted bid for every lot per price in ``prices``, each from its
    own organisation (whose administrator is ``bid.created_by``)."""
    bids = []
    for price in prices:
        membership = MembershipFactory(role=MembershipRole.ADMIN)
        bid = actions.start_bid(
            tender=tender, organisation=membership.organisation, by=membership.user
        )
        complete(bid, membership.user, price=Decimal(price))
        actions.submit(bid=bid, by=membership.user)
        bid.refresh_from_db()
        bids.append(bid)
    return bids


@pytest.fixture
def opened_bids(tender, publisher_member, time_machine):
    """Three submitted bids (40,000, 50,000 and 60,000 a lot), the deadline passed and
    the box opened by ``publisher_member``; the clock stays at the deadline.

    Tests that move the clock weeks on must ``force_login`` again: sessions expire.
    """
    bids = submitted_bids(tender, ["40000", "50000", "60000"])
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    tender.refresh_from_db()
    return bids
