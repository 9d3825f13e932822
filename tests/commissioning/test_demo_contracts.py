"""The demo's contracts (commissioning.demo_contracts): the contract from the confirmed
award, a grant and an SLA, KPIs with returns and ratings, a subcontracting opportunity
with two applications; seeded once, with no email."""

import pytest

from commissioning import demo_contracts
from commissioning.models import (
    Contract,
    ContractKind,
    KpiReturn,
    PerformanceRating,
    Pledge,
    SocialValueLine,
    SocialValueReturn,
    SubcontractApplication,
    SupplierRole,
)
from home import demo

pytestmark = pytest.mark.django_db


def counts():
    return [
        model.objects.count()
        for model in (Contract, KpiReturn, PerformanceRating, Pledge, SubcontractApplication)
    ]


def test_the_direct_agreements_pledges_get_social_value_returns(mailoutbox):
    demo.seed()
    grant = Contract.objects.get(kind=ContractKind.GRANT)
    sla = Contract.objects.get(kind=ContractKind.SERVICE_LEVEL_AGREEMENT)
    for contract in (grant, sla):
        assert SocialValueReturn.objects.filter(pledge__contract=contract).exists()
        assert SocialValueLine.objects.filter(
            social_value_return__pledge__contract=contract
        ).exists()
    # The lunch club's pledges are delivered in Ladywood, so its ward page shows them.
    assert SocialValueLine.objects.filter(
        social_value_return__pledge__contract=grant, ward__name="Ladywood"
    ).exists()
    assert mailoutbox == []


def test_the_demo_contracts_are_seeded_once_without_email(mailoutbox):
    users = demo.seed()
    commissioner = users["commissioner@example.org"]
    contracts = demo_contracts.seed(commissioner=commissioner)
    transport, grant, sla = contracts
    assert transport.title == demo_contracts.CONFIRMED and transport.kind == ContractKind.CONTRACT
    roles = {s.organisation.name: s.role for s in transport.suppliers.all()}
    assert roles == {
        "Moseley Deaf Club": SupplierRole.LEAD,
        "Stechford Learning Disability Partnership": SupplierRole.PARTNER,
    }
    assert transport.pledges.exists() and transport.value > 0
    assert grant.kind == ContractKind.GRANT
    assert sla.kind == ContractKind.SERVICE_LEVEL_AGREEMENT
    grant_returns = KpiReturn.objects.filter(kpi__contract=grant)
    assert grant_returns.count() == 3 and grant_returns.filter(late=True).count() == 1
    ratings = list(grant.ratings.values_list("rating", flat=True))
    assert ratings == ["good", "requires_improvement", "approaching"]
    assert sla.ratings.count() == 1
    assert grant.pledges.count() == 2 and sla.pledges.count() == 2
    assert {w.name for p in grant.pledges.all() for w in p.wards.all()} == {"Ladywood"}
    assert sla.pledges.filter(citywide=True).count() == 1
    subcontract = transport.subcontracts.get()
    assert subcontract.opportunity.subcontracting
    assert subcontract.applications.count() == 2
    assert mailoutbox == []

    before = counts()
    assert [c.pk for c in demo_contracts.seed(commissioner=commissioner)] == [
        c.pk for c in contracts
    ]
    assert counts() == before
    assert mailoutbox == []
