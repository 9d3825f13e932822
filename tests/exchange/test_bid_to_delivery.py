"""The whole chain: a winning bid's social value commitment becomes the contract's pledge
on award, the winner's offer on the exchange is tied to that pledge, and help a group
confirms counts as delivered against it in the group's ward."""

from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning import social_value
from commissioning.actions.contracts import contract_from_award
from exchange.actions.delivery import confirm_delivery, record_delivery
from exchange.actions.matching import accept_match, propose_match
from exchange.actions.posting import post_offer
from exchange.models import Kind, Unit
from exchange.queries import pledges_offerable_by
from tests.commissioning.awarded import FIXTURES, award
from tests.exchange.factories import NeedFactory, member_of

pytestmark = pytest.mark.django_db
publisher_member, opportunity, tender, opened_bids = FIXTURES


def test_a_bids_commitment_is_delivered_through_the_exchange(
    tender, opened_bids, publisher_member, time_machine
):
    winner = opened_bids[0]
    commitment = winner.commitments.get()
    lot = tender.opportunity.lots.first()
    decision = award(tender, lot, [winner], publisher_member, time_machine, moderated=False)
    [contract] = contract_from_award(decision=decision)
    pledge = contract.pledges.get()
    assert pledge.commitment == commitment
    assert list(pledges_offerable_by(winner.organisation)) == [pledge]

    giver = member_of(winner.organisation)
    today = timezone.localdate()
    offer = post_offer(
        organisation=winner.organisation,
        by=giver,
        title="Our staff volunteer with local groups",
        description="Days of practical help.",
        kind=Kind.VOLUNTEERS,
        unit=Unit.HOURS,
        capacity=Decimal(60),
        citywide=True,
        available_from=today,
        available_until=today + timezone.timedelta(days=90),
        pledge=pledge,
    )
    need = NeedFactory(kind=Kind.VOLUNTEERS, quantity=Decimal(30))
    recipient = member_of(need.organisation)
    match = propose_match(need=need, offer=offer, by=giver, quantity=Decimal(30))
    accept_match(match=match, by=recipient)
    first = record_delivery(match=match, by=giver, quantity=Decimal(12), delivered_on=today)
    second = record_delivery(match=match, by=giver, quantity=Decimal(18), delivered_on=today)
    confirm_delivery(delivery=first, by=recipient)

    [counted] = social_value.pledges_of(contract)
    assert (counted.quantity, counted.delivered, counted.outstanding) == (100, 12, 88)
    confirm_delivery(delivery=second, by=recipient)
    [counted] = social_value.pledges_of(contract)
    assert (counted.delivered, counted.outstanding) == (30, 70)
    by_ward = social_value.contract_delivered_by_ward(contract)
    assert [(row["ward__name"], row["quantity"]) for row in by_ward] == [(need.ward.name, 30)]
