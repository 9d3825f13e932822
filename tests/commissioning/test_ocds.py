"""The commissioning cycle's OCDS releases: a plan, its tender, contracts recorded,
ended early or changed, and performance ratings (commissioning.ocds, through the
actions)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from commissioning.actions import contracts as contract_actions
from commissioning.actions import pipeline
from commissioning.actions.decommissioning import give_notice
from commissioning.actions.performance import rate_period
from commissioning.models import ContractKind, DecommissioningKind, Frequency
from opendata.models import Release
from opendata.ocds import ocid
from tests.commissioning.factories import (
    ContractFactory,
    DecommissioningFactory,
    KpiFactory,
    commissioner_of,
)
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def releases(reference):
    return [row.release for row in Release.objects.filter(ocid=ocid(reference)).order_by("number")]


@pytest.fixture
def officer():
    return MembershipFactory(organisation=PublisherFactory()).user


def test_a_plan_is_published_changed_and_withdrawn_as_its_planning_process(officer):
    publisher = officer.memberships.get().organisation
    year, _quarter = pipeline.current_quarter()
    item = pipeline.add_item(
        publisher=publisher,
        by=officer,
        title="Befriending",
        summary="Volunteers visiting people who live alone.",
        category=ServiceCategoryFactory(),
        estimated_value=Decimal("75000"),
        expected_year=year + 1,
        expected_quarter=3,
        contact_name="Joanne Pryce",
        contact_email="joanne@example.org",
        citywide=True,
    )
    pipeline.withdraw_item(item=item, by=officer, reason="Merged with another plan.")

    first, second = releases(item.reference)
    assert (first["tag"], second["tag"]) == (["planning"], ["planningUpdate"])
    assert first["planning"]["budget"]["amount"] == {"amount": 75000, "currency": "GBP"}
    assert first["tender"]["status"] == "planned"
    # The start of its quarter, 1 July, in UK summer time.
    assert first["tender"]["tenderPeriod"]["startDate"] == f"{year + 1}-06-30T23:00:00Z"
    assert second["tender"]["status"] == "withdrawn"
    assert "Joanne" not in str(first) and "joanne@" not in str(first)
    assert first["parties"][0]["roles"] == ["buyer", "procuringEntity"]


def test_a_published_opportunity_linked_to_a_plan_names_it_as_its_planning(officer):
    publisher = officer.memberships.get().organisation
    item = pipeline.add_item(
        publisher=publisher,
        by=officer,
        title="Carers' breaks",
        summary="Short breaks for carers.",
        category=ServiceCategoryFactory(),
        estimated_value=Decimal("40000"),
        expected_year=pipeline.current_quarter()[0] + 1,
        expected_quarter=1,
        contact_name="A person",
        contact_email="person@example.org",
        citywide=True,
    )
    opportunity = OpportunityFactory(publisher=publisher)

    pipeline.link_opportunity(item=item, opportunity=opportunity, by=officer)

    [release] = releases(opportunity.reference)
    assert release["tag"] == ["tenderUpdate"]
    assert release["relatedProcesses"] == [
        {
            "id": "planning",
            "relationship": ["planning"],
            "title": "Carers' breaks",
            "scheme": "ocid",
            "identifier": ocid(item.reference),
            "uri": f"{settings.SITE_URL}/api/ocds/records/{ocid(item.reference)}/",
        }
    ]


def test_a_grant_is_published_with_the_direct_award_it_amounts_to(officer):
    publisher = officer.memberships.get().organisation
    lead, partner = OrganisationFactory(name="Lunch Club"), OrganisationFactory(name="Food Bank")

    contract = contract_actions.record_contract(
        publisher=publisher,
        by=officer,
        kind=ContractKind.GRANT,
        lead=lead,
        partners=[partner],
        title="Lunches for older people",
        category=ServiceCategoryFactory(),
        value=Decimal("12500.50"),
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
    )

    [release] = releases(contract.reference)
    assert release["tag"] == ["tender", "award", "contract"]
    assert release["tender"]["procurementMethod"] == "direct"
    assert release["tender"]["procurementMethodDetails"] == "Grant"
    [award] = release["awards"]
    [signed] = release["contracts"]
    assert signed["awardID"] == award["id"]
    assert signed["value"] == {"amount": 12500.5, "currency": "GBP"}
    assert signed["period"] == {
        "startDate": "2026-03-31T23:00:00Z",
        "endDate": "2027-03-31T22:59:59Z",
    }
    assert [s["name"] for s in award["suppliers"]] == ["Lunch Club", "Food Bank"]
    roles = {party["name"]: party["roles"] for party in release["parties"]}
    assert roles["Lunch Club"] == roles["Food Bank"] == ["supplier"]


def test_ending_a_contract_early_publishes_its_termination():
    contract = ContractFactory(ends_on=datetime.date(2028, 3, 31))
    commissioner = commissioner_of(contract)
    plan = DecommissioningFactory(
        contract=contract, kind=DecommissioningKind.END, takes_effect_on=datetime.date(2027, 6, 30)
    )

    give_notice(
        decommissioning=plan,
        by=commissioner,
        now=datetime.datetime(2026, 12, 1, 10, tzinfo=LONDON),
        notify=False,
    )

    [release] = releases(contract.reference)
    assert release["tag"] == ["contractTermination"]
    [ended] = release["contracts"]
    assert ended["status"] == "terminated"
    assert ended["period"]["endDate"] == "2027-06-30T22:59:59Z"
    assert ended["amendments"][0]["rationale"] == plan.reasons


def test_not_renewing_publishes_nothing_new():
    contract = ContractFactory()
    plan = DecommissioningFactory(contract=contract)  # not renewed at its end: no change

    give_notice(decommissioning=plan, by=commissioner_of(contract), notify=False)

    assert releases(contract.reference) == []


def test_a_rating_is_published_as_its_level_and_period_never_its_comment(time_machine):
    time_machine.move_to(datetime.datetime(2026, 8, 3, 10, tzinfo=LONDON), tick=False)
    contract = ContractFactory()
    KpiFactory(contract=contract, frequency=Frequency.QUARTERLY)

    rate_period(
        contract=contract,
        by=commissioner_of(contract),
        period_start=datetime.date(2026, 4, 1),
        rating="requires_improvement",
        comment="Visits were missed in May.",
        notify=False,
    )

    [release] = releases(contract.reference)
    assert release["tag"] == ["implementation"]
    [milestone] = release["contracts"][0]["implementation"]["milestones"]
    assert milestone["type"] == "assessment"
    assert milestone["code"] == "requires_improvement"
    assert milestone["description"] == (
        "Rated Requires improvement on the Procurement Act 2023 scale for "
        "1 April 2026 to 30 June 2026."
    )
    assert "missed" not in str(release)
