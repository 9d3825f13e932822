"""Suggestions: which needs an organisation's offers fit and which offers its needs fit,
best first."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from exchange.actions.matching import accept_match, decline_match, propose_match
from exchange.models import Kind, Need, Offer, Unit
from exchange.queries import (
    first_suggested_needs,
    first_suggested_offers,
    suggested_needs,
    suggested_offers,
)
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
    OfferFactory(organisation=giver)
    NeedFactory.create_batch(10)
    OfferFactory.create_batch(10)
    for _ in range(2):
        with django_assert_num_queries(3):
            list(suggested_needs(giver)[:10])
        with django_assert_num_queries(2):
            list(suggested_offers(group)[:10])
        # The first few: the same, then one query for the rows found. SQLite cannot
        # limit the parts of a UNION, so it takes a query for each of the two parts
        # (in the ward, city-wide) of the one kind.
        parts = 1 if connection.features.supports_slicing_ordering_in_compound else 2
        with django_assert_num_queries(3 + parts):
            assert len(first_suggested_needs(giver, limit=10)) == 10
        with django_assert_num_queries(2 + parts):
            assert len(first_suggested_offers(group, limit=10)) == 10
        NeedFactory.create_batch(20)
        OfferFactory.create_batch(20)
        OfferFactory(organisation=giver)
        NeedFactory(organisation=group)


def test_an_offer_counts_in_a_ward_only_by_the_date_of_the_needs_there():
    """An offer starting after the need in its ward is due fits that need neither there nor
    through another need due later in another ward it does not reach."""
    here, there = WardFactory(), WardFactory()
    group = OrganisationFactory()
    NeedFactory(organisation=group, ward=here, needed_by=_due(10))
    NeedFactory(organisation=group, ward=there, needed_by=_due(60))
    too_late_here = OfferFactory(citywide=False, wards=[here], available_from=_due(30))
    in_time_here = OfferFactory(citywide=False, wards=[here], available_from=_due(5))
    citywide_too_late_here = OfferFactory(
        citywide=True, wards=[here], available_from=_due(30), capacity=Decimal(90)
    )
    assert too_late_here not in suggested_offers(group)
    assert list(suggested_offers(group)) == [in_time_here, citywide_too_late_here]
    assert [offer.in_ward for offer in suggested_offers(group)] == [True, False]
    assert [(offer, offer.in_ward) for offer in first_suggested_offers(group, limit=10)] == [
        (in_time_here, True),
        (citywide_too_late_here, False),
    ]


def _busy_exchange(rng):
    """A giver and a group with offers and needs of two kinds, and other organisations'
    needs and offers that fit them in many ways: in the ward, city-wide, online, from
    a later date, some with the same dates and posting times."""
    wards = WardFactory.create_batch(4)
    giver = OrganisationFactory(legal_form="private_company")
    group = OrganisationFactory()
    kinds = [(Kind.MENTORING, Unit.HOURS), (Kind.EQUIPMENT, Unit.ITEMS)]
    posted = timezone.now()
    for kind, unit in kinds:
        OfferFactory(organisation=giver, kind=kind, unit=unit, citywide=False, wards=wards[:1])
        OfferFactory(
            organisation=giver,
            kind=kind,
            unit=unit,
            citywide=False,
            online=True,
            wards=wards[1:2],
            available_from=_due(20),
        )
        NeedFactory(organisation=group, kind=kind, unit=unit, ward=wards[0], needed_by=_due(15))
        NeedFactory(
            organisation=group,
            kind=kind,
            unit=unit,
            ward=wards[2],
            online=True,
            needed_by=_due(70),
        )
    OfferFactory(organisation=giver, citywide=True, available_from=_due(40))
    for _ in range(40):
        kind, unit = rng.choice(kinds)
        NeedFactory(
            kind=kind,
            unit=unit,
            ward=rng.choice(wards),
            online=rng.random() < 0.3,
            needed_by=_due(rng.choice([5, 15, 25, 45, 80])),
            posted_at=posted - rng.choice([0, 1, 2]) * DAY,
        )
        OfferFactory(
            kind=kind,
            unit=unit,
            citywide=rng.random() < 0.3,
            online=rng.random() < 0.3,
            wards=rng.sample(wards, rng.choice([1, 2])),
            capacity=Decimal(rng.choice([10, 20, 30])),
            available_from=_due(rng.choice([0, 10, 20, 50, 90])),
            posted_at=posted - rng.choice([0, 1, 2]) * DAY,
        )
    return giver, group


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_first_suggestions_are_the_first_of_all_of_them_in_order(seed):
    giver, group = _busy_exchange(random.Random(seed))
    all_needs, all_offers = list(suggested_needs(giver)), list(suggested_offers(group))
    assert len(all_needs) > 12 and any(need.in_ward for need in all_needs)
    assert len(all_offers) > 12 and any(offer.in_ward for offer in all_offers)
    assert not all(offer.in_ward for offer in all_offers)
    for limit in (1, 3, 5, 12, 100):
        needs = first_suggested_needs(giver, limit=limit)
        offers = first_suggested_offers(group, limit=limit)
        assert [(need, need.in_ward) for need in needs] == [
            (need, need.in_ward) for need in all_needs[:limit]
        ]
        assert [(offer, offer.in_ward) for offer in offers] == [
            (offer, offer.in_ward) for offer in all_offers[:limit]
        ]


def test_nothing_to_suggest_without_open_offers_or_needs():
    giver = OrganisationFactory(legal_form="private_company")
    NeedFactory()
    OfferFactory()
    assert first_suggested_needs(giver, limit=10) == []
    assert first_suggested_offers(giver, limit=10) == []
