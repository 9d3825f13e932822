"""The demo's social value: returns across wards, idempotent, no email."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning import demo_social_value
from commissioning.models import Contract, PostcodeWard, SocialValueLine, SocialValueReturn
from organisations.actions.registry import import_wards
from tests.commissioning.factories import ContractFactory, PledgeFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracts():
    import_wards()
    started = ContractFactory(
        starts_on=timezone.localdate() - timedelta(days=200),
        ends_on=timezone.localdate() + timedelta(days=500),
    )
    MembershipFactory(organisation=started.suppliers.get().organisation)
    PledgeFactory(contract=started, quantity=Decimal("40"), unit="hours")
    PledgeFactory(contract=started, quantity=Decimal("3"), unit="jobs")
    future = ContractFactory(
        starts_on=timezone.localdate() + timedelta(days=30),
        ends_on=timezone.localdate() + timedelta(days=400),
    )
    MembershipFactory(organisation=future.suppliers.get().organisation)
    PledgeFactory(contract=future)
    ended = ContractFactory(starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1))
    MembershipFactory(organisation=ended.suppliers.get().organisation)
    PledgeFactory(contract=ended)
    return Contract.objects.all()


def test_each_pledge_of_a_started_contract_gets_a_return_in_four_wards(contracts, mailoutbox):
    made = demo_social_value.seed(contracts=contracts)
    assert made == 3  # two pledges of the started contract, one of the ended one
    assert PostcodeWard.objects.count() == 17
    for social_value_return in SocialValueReturn.objects.all():
        assert social_value_return.lines.values("ward").distinct().count() == 4
    hours = SocialValueLine.objects.filter(social_value_return__pledge__quantity=40)
    assert sorted(line.quantity for line in hours) == [4, 5, 6, 7]
    assert mailoutbox == []


def test_seeding_twice_changes_nothing(contracts):
    demo_social_value.seed(contracts=contracts)
    before = list(
        SocialValueLine.objects.values_list("pk", "quantity", "ward", "postcode_district")
    )
    assert demo_social_value.seed(contracts=contracts) == 0
    after = list(SocialValueLine.objects.values_list("pk", "quantity", "ward", "postcode_district"))
    assert before == after
    assert PostcodeWard.objects.count() == 17


def test_a_pledge_for_some_wards_is_delivered_to_people_living_there(contracts):
    from organisations.models import Ward

    ladywood = Ward.objects.get(name="Ladywood")
    contract = contracts.filter(starts_on__lte=timezone.localdate()).first()
    pledge = PledgeFactory(contract=contract, citywide=False, quantity=Decimal("100"))
    pledge.wards.set([ladywood])
    demo_social_value.seed(contracts=Contract.objects.filter(pk=contract.pk))
    lines = SocialValueLine.objects.filter(social_value_return__pledge=pledge)
    assert [(line.ward, line.postcode_district, line.quantity) for line in lines] == [
        (ladywood, "B16", 40)
    ]
