"""Ward pages: what is open, coming, awarded, spent and delivered in one ward."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.commissioning.factories import (
    ContractFactory,
    PipelineItemFactory,
    PledgeFactory,
    SocialValueLineFactory,
    SocialValueReturnFactory,
)
from tests.factories import (
    CouncillorFactory,
    OpportunityFactory,
    OrganisationFactory,
    WardFactory,
)
from tests.tenders.test_awards_list import confirmed_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward():
    return WardFactory(name="Sparkhill", slug="sparkhill")


@pytest.fixture
def elsewhere():
    return WardFactory(name="Aston", slug="aston")


def _page(client, ward):
    response = client.get(reverse("commissioning:ward", args=[ward.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_index_lists_every_ward(client, ward, elsewhere):
    page = client.get(reverse("commissioning:wards")).content.decode()
    assert reverse("commissioning:ward", args=["sparkhill"]) in page
    assert reverse("commissioning:ward", args=["aston"]) in page


def test_an_unknown_ward_is_404(client):
    assert client.get(reverse("commissioning:ward", args=["nowhere"])).status_code == 404


def test_open_opportunities_there_or_citywide_are_listed(client, ward, elsewhere):
    OpportunityFactory(title="Lunch club in Sparkhill", citywide=False).wards.set([ward])
    OpportunityFactory(title="Citywide advice", citywide=True)
    OpportunityFactory(title="Youth club in Aston", citywide=False).wards.set([elsewhere])
    OpportunityFactory(title="Not yet published", published_at=None)
    page = _page(client, ward)
    assert "Lunch club in Sparkhill" in page
    assert "Citywide advice" in page
    assert "Youth club in Aston" not in page
    assert "Not yet published" not in page


def test_pipeline_items_coming_there_are_listed(client, ward, elsewhere):
    PipelineItemFactory(title="Carers' breaks", citywide=False).wards.set([ward])
    PipelineItemFactory(title="Befriending for Aston", citywide=False).wards.set([elsewhere])
    PipelineItemFactory(title="Already published", opportunity=OpportunityFactory())
    page = _page(client, ward)
    assert "Carers&#x27; breaks" in page
    assert "Befriending for Aston" not in page
    assert "Already published" not in page


def test_awards_there_are_listed(client, ward, elsewhere):
    confirmed_award(title="Home from hospital", citywide=False, wards=[ward])
    confirmed_award(title="Aston food bank", citywide=False, wards=[elsewhere])
    page = _page(client, ward)
    assert "Home from hospital" in page
    assert "£40,000" in page
    assert "Aston food bank" not in page


def test_spend_with_organisations_based_or_working_there(client, ward, elsewhere):
    based = OrganisationFactory(name="Sparkhill Community Trust", ward=ward)
    working = OrganisationFactory(name="Aston Advice", ward=elsewhere)
    working.wards_served.set([ward, elsewhere])
    ContractFactory(supplier=based, value=Decimal("120000"))
    ContractFactory(supplier=working, value=Decimal("30000"))
    ContractFactory(supplier=OrganisationFactory(ward=elsewhere), value=Decimal("999000"))
    in_two = ContractFactory(value=Decimal("80000"), citywide=False)
    in_two.wards.set([ward, elsewhere])
    response = client.get(reverse("commissioning:ward", args=[ward.slug]))
    local = response.context["local"]
    assert local["based"]["value"] == 120000
    assert local["working"]["value"] == 30000
    assert [(row["name"], row["value"]) for row in local["organisations"]] == [
        ("Sparkhill Community Trust", 120000),
        ("Aston Advice", 30000),
    ]
    assert response.context["in_ward"]["value"] == 40000  # half of the contract in two wards
    assert response.context["in_ward"]["contracts"] == 1
    page = response.content.decode()
    assert "£120,000" in page and "£40,000" in page


def test_social_value_delivered_there_by_unit(client, ward, elsewhere):
    hours = PledgeFactory(unit="hours")
    jobs = PledgeFactory(unit="jobs")
    SocialValueLineFactory(
        social_value_return=SocialValueReturnFactory(pledge=hours), ward=ward, quantity=12
    )
    SocialValueLineFactory(
        social_value_return=SocialValueReturnFactory(pledge=hours), ward=ward, quantity=8
    )
    SocialValueLineFactory(
        social_value_return=SocialValueReturnFactory(pledge=jobs), ward=elsewhere, quantity=5
    )
    response = client.get(reverse("commissioning:ward", args=[ward.slug]))
    assert [(row["unit"], row["quantity"]) for row in response.context["social_value"]] == [
        ("hours", 20)
    ]
    assert "Open Government Licence" in response.content.decode()


def _everything_in(ward, n):
    for _i in range(n):
        organisation = OrganisationFactory(ward=ward)
        organisation.wards_served.set([ward])
        contract = ContractFactory(supplier=organisation, citywide=False)
        contract.wards.set([ward])
        SocialValueLineFactory(
            social_value_return=SocialValueReturnFactory(pledge=PledgeFactory(contract=contract)),
            ward=ward,
        )
        OpportunityFactory(citywide=False).wards.set([ward])
        PipelineItemFactory(citywide=False).wards.set([ward])
        confirmed_award(citywide=False, wards=[ward])


def test_the_page_takes_the_same_number_of_queries_for_1_or_6_of_everything(
    client, ward, django_assert_max_num_queries
):
    _everything_in(ward, 1)
    with django_assert_max_num_queries(30) as few:
        _page(client, ward)
    _everything_in(ward, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        _page(client, ward)


def test_a_councillors_home_page_links_to_their_wards(client, ward):
    councillor = CouncillorFactory()
    councillor.wards.set([ward])
    client.force_login(councillor.user)
    page = client.get("/").content.decode()
    assert f'href="{reverse("commissioning:ward", args=[ward.slug])}">Sparkhill</a>' in page
