"""Suggestions: which needs an organisation's offers fit and which offers its needs fit,
best first."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from exchange.actions.matching import accept_match, decline_match, propose_match
from exchange.models import Kind, Need, Offer, Unit
from exchange.queries import suggested_needs, suggested_offers
from tests.exchange.factories import NeedFactory, OfferFactory, member_of
from tests.factories import OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _due(days):
    return timezone.localdate() + days * DAY


def test_needs_an_offer_fits_come_in_ward_first_then_soonest_due():
    ward, elsewhere = WardFactory(), WardFactory()
    giver = OrganisationFactory(legal_form="private_company")
    OfferFactory(organisation=giver, citywide=False, wards=[ward], online=True)
    OfferFactory(organisation=giver, citywide=True)
    in_ward_later = NeedFactory(ward=ward, needed_by=_due(50))
    in_ward_sooner = NeedFactory(ward=ward, needed_by=_due(20))
    citywide_soonest = NeedFactory(ward=elsewhere, needed_by=_due(5))
    assert list(suggested_needs(giver)) == [in_ward_sooner, in_ward_later, citywide_soonest]
    assert [need.in_ward for need in suggested_needs(giver)] == [True, True, False]


def test_needs_of_another_kind_unit_place_or_date_are_not_suggested():
    ward = WardFactory()
    giver = OrganisationFactory(legal_form="private_company")
    OfferFactory(organisation=giver, citywide=False, wards=[ward], available_from=_due(10))
    NeedFactory(ward=ward, kind=Kind.PREMISES)  # another kind
    NeedFactory(ward=ward, unit=Unit.PLACES)  # another unit
    NeedFactory()  # another ward, and the offer is not city-wide
    NeedFactory(ward=ward, needed_by=_due(5))  # needed before the offer starts
    NeedFactory(organisation=giver, ward=ward)  # its own
    fits = NeedFactory(ward=ward)
    assert list(suggested_needs(giver)) == [fits]


def test_online_needs_fit_online_offers_anywhere():
    giver = OrganisationFactory(legal_form="private_company")
    OfferFactory(organisation=giver, citywide=False, online=True)
    online = NeedFactory(online=True)
    NeedFactory(online=False)
    assert list(suggested_needs(giver)) == [online]


def test_matched_met_closed_expired_and_fully_taken_ones_leave_suggestions():
    giver = OrganisationFactory(legal_form="private_company")
    offer = OfferFactory(organisation=giver, capacity=Decimal(100))
    matched = NeedFactory()
    propose_match(need=matched, offer=offer, by=member_of(giver), quantity=Decimal(1))
    NeedFactory(closed_at=timezone.now())
    expired = NeedFactory()
    Need.objects.filter(pk=expired.pk).update(needed_by=_due(-1))
    fully_promised = NeedFactory(quantity=Decimal(5), promised=Decimal(5))
    assert fully_promised not in suggested_needs(giver)
    assert list(suggested_needs(giver)) == []


def test_a_declined_pair_can_be_suggested_again():
    giver = OrganisationFactory(legal_form="private_company")
    offer = OfferFactory(organisation=giver)
    need = NeedFactory()
    match = propose_match(need=need, offer=offer, by=member_of(giver), quantity=Decimal(1))
    decline_match(match=match, by=member_of(need.organisation))
    assert list(suggested_needs(giver)) == [need]


def test_offers_fitting_a_groups_needs_come_in_ward_first_then_most_left():
    ward = WardFactory()
    group = OrganisationFactory()
    NeedFactory(organisation=group, ward=ward, quantity=Decimal(50))
    small_in_ward = OfferFactory(citywide=False, wards=[ward], capacity=Decimal(10))
    big_citywide = OfferFactory(capacity=Decimal(90))
    small_citywide = OfferFactory(capacity=Decimal(30))
    OfferFactory(kind=Kind.EQUIPMENT, unit=Unit.ITEMS)
    OfferFactory(citywide=False, wards=[WardFactory()])
    full = OfferFactory(capacity=Decimal(10))
    other = NeedFactory()
    accept_match(
        match=propose_match(need=other, offer=full, by=member_of(full.organisation), quantity=10),
        by=member_of(other.organisation),
    )
    assert list(suggested_offers(group)) == [small_in_ward, big_citywide, small_citywide]
    Offer.objects.filter(pk=big_citywide.pk).update(closed_at=timezone.now())
    assert list(suggested_offers(group)) == [small_in_ward, small_citywide]


def test_suggestions_take_the_same_queries_however_many_rows(django_assert_num_queries):
    """The organisation's own offers (two queries) or needs (one), then the suggestions."""
    giver = OrganisationFactory(legal_form="private_company")
    group = OrganisationFactory()
    for _ in range(3):
        OfferFactory(organisation=giver, citywide=False, wards=[WardFactory()])
        NeedFactory(organisation=group)
    NeedFactory.create_batch(5)
    OfferFactory.create_batch(5)
    for _ in range(2):
        with django_assert_num_queries(3):
            list(suggested_needs(giver)[:10])
        with django_assert_num_queries(2):
            list(suggested_offers(group)[:10])
        NeedFactory.create_batch(20)
        OfferFactory.create_batch(20)
        OfferFactory(organisation=giver)
        NeedFactory(organisation=group)
