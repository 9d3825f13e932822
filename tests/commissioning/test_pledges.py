"""Social value pledges a commissioner adds to, and removes from, a contract recorded
directly (commissioning.actions.contracts.add_pledge / remove_pledge and their pages)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commissioning.actions.contracts import add_pledge, remove_pledge
from commissioning.models import Pledge, SocialValueReturn
from tenders.models import SocialValueCommitment
from tests.commissioning.factories import (
    ContractFactory,
    PledgeFactory,
    commissioner_of,
    supplier_member,
)
from tests.factories import UserFactory, WardFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 3)


def pledge_fields(**overrides):
    return {
        "measure": "Hot meals for older people living alone",
        "quantity": Decimal("1200"),
        "unit": "meals",
        "citywide": True,
        "wards": [],
        **overrides,
    }


@pytest.fixture
def contract():
    return ContractFactory(starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2027, 3, 31))


# --- add_pledge ---------------------------------------------------------------------------


def test_a_commissioner_adds_a_citywide_pledge(contract):
    pledge = add_pledge(
        contract=contract, by=commissioner_of(contract), today=TODAY, **pledge_fields()
    )
    assert pledge.contract == contract and pledge.commitment is None
    assert (pledge.measure, pledge.quantity, pledge.unit) == (
        "Hot meals for older people living alone",
        Decimal("1200"),
        "meals",
    )
    assert pledge.citywide and not pledge.wards.exists()


def test_a_pledge_for_some_wards_keeps_them_and_trims_what_was_typed(contract):
    ladywood, nechells = WardFactory(), WardFactory()
    pledge = add_pledge(
        contract=contract,
        by=commissioner_of(contract),
        today=TODAY,
        **pledge_fields(
            measure="  Volunteering hours ",
            unit=" hours ",
            citywide=False,
            wards=[ladywood, nechells],
        ),
    )
    assert pledge.measure == "Volunteering hours" and pledge.unit == "hours"
    assert set(pledge.wards.all()) == {ladywood, nechells}


def test_a_citywide_pledge_keeps_no_wards(contract):
    pledge = add_pledge(
        contract=contract,
        by=commissioner_of(contract),
        today=TODAY,
        **pledge_fields(wards=[WardFactory()]),
    )
    assert not pledge.wards.exists()


@pytest.mark.parametrize("who", ["supplier", "stranger", "other_commissioner"])
def test_only_the_publishers_commissioners_add_pledges(contract, who):
    by = {
        "supplier": lambda: supplier_member(contract, role="admin"),
        "stranger": UserFactory,
        "other_commissioner": lambda: commissioner_of(ContractFactory()),
    }[who]()
    with pytest.raises(PermissionError):
        add_pledge(contract=contract, by=by, today=TODAY, **pledge_fields())
    assert not Pledge.objects.exists()


def test_no_pledge_is_added_to_a_contract_that_has_ended(contract):
    with pytest.raises(ValidationError, match="has ended"):
        add_pledge(
            contract=contract,
            by=commissioner_of(contract),
            today=dt.date(2027, 4, 1),
            **pledge_fields(),
        )
    assert not Pledge.objects.exists()


def test_nor_to_one_ended_early(contract):
    contract.ended_on = dt.date(2026, 9, 30)
    contract.save()
    with pytest.raises(ValidationError, match="has ended"):
        add_pledge(contract=contract, by=commissioner_of(contract), today=TODAY, **pledge_fields())


def test_on_its_last_day_a_pledge_can_still_be_added(contract):
    add_pledge(
        contract=contract,
        by=commissioner_of(contract),
        today=dt.date(2027, 3, 31),
        **pledge_fields(),
    )
    assert Pledge.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"measure": "  "}, "measure"),
        ({"quantity": Decimal("0")}, "quantity"),
        ({"quantity": Decimal("-3")}, "quantity"),
        ({"unit": ""}, "unit"),
        ({"citywide": False, "wards": []}, "wards"),
    ],
)
def test_a_pledge_needs_what_how_many_unit_and_where(contract, overrides, field):
    with pytest.raises(ValidationError) as error:
        add_pledge(
            contract=contract,
            by=commissioner_of(contract),
            today=TODAY,
            **pledge_fields(**overrides),
        )
    assert field in error.value.message_dict
    assert not Pledge.objects.exists()


# --- remove_pledge ------------------------------------------------------------------------


def test_a_commissioner_removes_a_pledge_nothing_was_reported_against(contract):
    pledge = PledgeFactory(contract=contract)
    remove_pledge(pledge=pledge, by=commissioner_of(contract))
    assert not Pledge.objects.exists()


def test_a_pledge_with_returns_stays(contract):
    pledge = PledgeFactory(contract=contract)
    SocialValueReturn.objects.create(
        pledge=pledge,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        submitted_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="reported"):
        remove_pledge(pledge=pledge, by=commissioner_of(contract))
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_a_pledge_the_winning_bid_made_stays(contract, tender_commitment):
    pledge = PledgeFactory(contract=contract, commitment=tender_commitment)
    with pytest.raises(ValidationError, match="winning bid"):
        remove_pledge(pledge=pledge, by=commissioner_of(contract))
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_only_the_publishers_commissioners_remove_pledges(contract):
    pledge = PledgeFactory(contract=contract)
    with pytest.raises(PermissionError):
        remove_pledge(pledge=pledge, by=supplier_member(contract, role="admin"))
    assert Pledge.objects.filter(pk=pledge.pk).exists()


@pytest.fixture
def tender_commitment():
    from tenders import actions as tender_actions
    from tests.factories import MembershipFactory, OpportunityFactory

    commissioner = MembershipFactory(organisation__publishing_allowed_at=timezone.now()).user
    opportunity = OpportunityFactory(publisher=commissioner.memberships.get().organisation)
    tender = tender_actions.create_tender(opportunity=opportunity, by=commissioner)
    bidder = MembershipFactory(role="admin")
    bid = tender_actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder.user)
    return SocialValueCommitment.objects.create(
        bid=bid, measure="Apprenticeships", quantity=2, unit="places"
    )


# --- the pages ----------------------------------------------------------------------------


@pytest.fixture
def live_contract():
    today = timezone.localdate()
    return ContractFactory(
        starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=300)
    )


def add_url(contract):
    return reverse("commissioning:add_pledge", args=[contract.reference])


def test_the_contract_page_links_a_commissioner_to_add_a_pledge(client, live_contract):
    client.force_login(commissioner_of(live_contract))
    page = client.get(live_contract.get_absolute_url()).content.decode()
    assert add_url(live_contract) in page


def test_a_commissioner_adds_a_pledge_on_its_page(client, live_contract):
    client.force_login(commissioner_of(live_contract))
    ward = WardFactory()
    assert client.get(add_url(live_contract)).status_code == 200
    response = client.post(
        add_url(live_contract),
        {"measure": "Volunteering hours", "quantity": "250", "unit": "hours", "wards": [ward.pk]},
    )
    assert response.status_code == 302 and response.url == live_contract.get_absolute_url()
    pledge = Pledge.objects.get()
    assert pledge.quantity == Decimal("250") and list(pledge.wards.all()) == [ward]
    page = client.get(live_contract.get_absolute_url()).content.decode()
    assert "Volunteering hours" in page


def test_a_pledge_without_where_is_refused_with_its_message_and_nothing_typed_lost(
    client, live_contract
):
    client.force_login(commissioner_of(live_contract))
    response = client.post(
        add_url(live_contract), {"measure": "Volunteering hours", "quantity": "2x", "unit": "hours"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the wards it benefits, or the whole city" in page
    assert "Enter how many as a number, like 100" in page
    assert "Volunteering hours" in page and "2x" in page
    assert not Pledge.objects.exists()


def test_a_contract_that_has_ended_offers_no_pledge_and_refuses_one(client):
    contract = ContractFactory(starts_on=dt.date(2024, 4, 1), ends_on=dt.date(2025, 3, 31))
    client.force_login(commissioner_of(contract))
    assert add_url(contract) not in client.get(contract.get_absolute_url()).content.decode()
    response = client.post(
        add_url(contract), {"measure": "Meals", "quantity": "10", "unit": "meals", "citywide": "on"}
    )
    assert "has ended" in response.content.decode()
    assert not Pledge.objects.exists()


@pytest.mark.parametrize("persona", ["visitor", "member", "other_member", "commissioner"])
def test_outsiders_get_404_on_the_pledge_pages(request, persona, live_contract):
    pledge = PledgeFactory(contract=live_contract)
    client = request.getfixturevalue(persona)  # the commissioner of another publisher
    remove = reverse("commissioning:remove_pledge", args=[live_contract.reference, pledge.pk])
    assert client.get(add_url(live_contract)).status_code == 404
    assert client.post(remove).status_code == 404
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_a_suppliers_member_cannot_add_pledges(client, live_contract):
    client.force_login(supplier_member(live_contract, role="admin"))
    assert client.get(add_url(live_contract)).status_code == 404


def test_a_commissioner_removes_a_pledge_after_confirming(client, live_contract):
    pledge = PledgeFactory(contract=live_contract, measure="Litter picks")
    client.force_login(commissioner_of(live_contract))
    remove = reverse("commissioning:remove_pledge", args=[live_contract.reference, pledge.pk])
    assert remove in client.get(live_contract.get_absolute_url()).content.decode()
    confirm = client.get(remove)
    assert confirm.status_code == 200 and "Litter picks" in confirm.content.decode()
    response = client.post(remove)
    assert response.status_code == 302 and not Pledge.objects.exists()


def test_a_pledge_with_returns_offers_no_remove_link_and_stays(client, live_contract):
    pledge = PledgeFactory(contract=live_contract)
    SocialValueReturn.objects.create(
        pledge=pledge,
        period_start=live_contract.starts_on,
        period_end=live_contract.starts_on,
        submitted_at=timezone.now(),
    )
    client.force_login(commissioner_of(live_contract))
    remove = reverse("commissioning:remove_pledge", args=[live_contract.reference, pledge.pk])
    assert remove not in client.get(live_contract.get_absolute_url()).content.decode()
    response = client.post(remove, follow=True)
    assert "Delivery has been reported against this pledge" in response.content.decode()
    assert Pledge.objects.filter(pk=pledge.pk).exists()
