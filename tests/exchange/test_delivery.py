"""Help given: recorded by the giver, counted only once the recipient confirms it, and
carried through an offer's pledge into the contract's social value by ward."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning import social_value
from commissioning.models import SocialValueLine
from exchange.actions.delivery import confirm_delivery, record_delivery
from exchange.actions.matching import accept_match, propose_match
from exchange.models import Status
from tests.commissioning.factories import ContractFactory, PledgeFactory
from tests.exchange.factories import NeedFactory, OfferFactory, member_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _accepted(need=None, offer=None, quantity=10):
    need, offer = need or NeedFactory(), offer or OfferFactory()
    giver, recipient = member_of(offer.organisation), member_of(need.organisation)
    match = propose_match(need=need, offer=offer, by=giver, quantity=Decimal(quantity))
    accept_match(match=match, by=recipient)
    return match, giver, recipient


def _record(match, giver, quantity, **kwargs):
    return record_delivery(
        match=match, by=giver, quantity=Decimal(quantity), delivered_on=TODAY(), **kwargs
    )


def test_an_unconfirmed_delivery_counts_for_nothing():
    match, giver, _recipient = _accepted()
    _record(match, giver, 4)
    match.need.refresh_from_db()
    match.offer.refresh_from_db()
    assert (match.need.delivered, match.offer.delivered) == (0, 0)


def test_confirming_counts_it_and_a_need_is_met_when_all_is_confirmed(
    mailoutbox, django_capture_on_commit_callbacks
):
    need = NeedFactory(quantity=10)
    match, giver, recipient = _accepted(need=need)
    first = _record(match, giver, 4)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_delivery(delivery=first, by=recipient, testimonial="Our books balance now")
    need.refresh_from_db()
    assert need.delivered == 4 and need.status == Status.PARTLY_MET
    assert "confirmed the help" in mailoutbox[-1].subject
    assert "Our books balance now" in mailoutbox[-1].body
    confirm_delivery(delivery=_record(match, giver, 6), by=recipient)
    need.refresh_from_db()
    match.refresh_from_db()
    assert need.status == Status.MET and match.delivered == 10


def test_confirming_twice_counts_once():
    match, giver, recipient = _accepted()
    delivery = _record(match, giver, 4)
    confirm_delivery(delivery=delivery, by=recipient)
    confirm_delivery(delivery=delivery, by=recipient)
    match.offer.refresh_from_db()
    assert match.offer.delivered == 4


def test_only_the_giver_records_and_only_the_recipient_confirms():
    match, giver, recipient = _accepted()
    with pytest.raises(PermissionError):
        _record(match, recipient, 1)
    delivery = _record(match, giver, 1)
    with pytest.raises(PermissionError):
        confirm_delivery(delivery=delivery, by=giver)


def test_more_than_agreed_or_a_future_date_is_refused():
    match, giver, _recipient = _accepted(quantity=5)
    _record(match, giver, 3)
    with pytest.raises(ValidationError, match="Only 2 hours of this match are left"):
        _record(match, giver, 3)
    with pytest.raises(ValidationError, match="today or earlier"):
        record_delivery(
            match=match,
            by=giver,
            quantity=Decimal(1),
            delivered_on=TODAY() + datetime.timedelta(days=1),
        )


def test_help_cannot_be_recorded_before_the_match_is_accepted():
    need, offer = NeedFactory(), OfferFactory()
    giver = member_of(offer.organisation)
    match = propose_match(need=need, offer=offer, by=giver, quantity=Decimal(3))
    with pytest.raises(ValidationError, match="once the match is accepted"):
        _record(match, giver, 1)


def test_a_bids_commitment_through_a_pledge_to_delivered_social_value_by_ward():
    """The chain the issue names: the pledge the contract holds its supplier to (made
    from the bid's commitment on award) is tied to an offer; help confirmed through it
    becomes a social value return in the need's ward, counted on the contract."""
    supplier = OfferFactory().organisation
    contract = ContractFactory(supplier=supplier)
    pledge = PledgeFactory(contract=contract, quantity=Decimal(50), unit="hours of mentoring")
    offer = OfferFactory(organisation=supplier, pledge=pledge)
    need = NeedFactory(quantity=20)
    match, giver, recipient = _accepted(need=need, offer=offer, quantity=12)
    unconfirmed = _record(match, giver, 5)
    assert social_value.pledges_of(contract)[0].delivered == 0
    delivery = confirm_delivery(delivery=_record(match, giver, 7), by=recipient)
    [counted] = social_value.pledges_of(contract)
    assert counted.delivered == 7
    line = SocialValueLine.objects.get()
    assert (line.ward, line.quantity) == (need.ward, 7)
    assert delivery.social_value_return.pledge == pledge
    by_ward = social_value.contract_delivered_by_ward(contract)
    assert [(row["ward__name"], row["quantity"]) for row in by_ward] == [(need.ward.name, 7)]
    confirm_delivery(delivery=unconfirmed, by=recipient)
    assert social_value.pledges_of(contract)[0].delivered == 12
