"""Ward pages: what is open, coming, awarded, spent and delivered in one ward."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning import spend
from commissioning.actions.contracts import record_contract
from commissioning.actions.social_value import add_delivered_in_ward
from portal import pagination
from tests.commissioning.factories import (
    ContractFactory,
    PipelineItemFactory,
    PledgeFactory,
    SocialValueLineFactory,
    SocialValueReturnFactory,
)
from tests.factories import (
    CouncillorFactory,
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
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
    # The figures made afresh each time (a new generation), as after a change.
    _everything_in(ward, 1)
    spend.drop_figures()
    with django_assert_max_num_queries(30) as few:
        _page(client, ward)
    _everything_in(ward, 5)
    spend.drop_figures()
    with django_assert_max_num_queries(len(few.captured_queries)):
        _page(client, ward)
    # Kept, they take none of their queries.
    with django_assert_max_num_queries(len(few.captured_queries) - 6):
        _page(client, ward)


def test_a_councillors_home_page_links_to_their_wards(client, ward):
    councillor = CouncillorFactory()
    councillor.wards.set([ward])
    client.force_login(councillor.user)
    page = client.get("/").content.decode()
    assert f'href="{reverse("commissioning:ward", args=[ward.slug])}">Sparkhill</a>' in page


def test_past_the_limit_the_coming_count_says_more_than_it(client, ward, monkeypatch):
    monkeypatch.setattr(pagination, "LIMIT", 3)  # the bound every list counts to
    for _i in range(3):
        PipelineItemFactory(citywide=True)
    page = _page(client, ward)
    assert "planned in all" not in page  # all three are listed
    PipelineItemFactory(citywide=False).wards.set([ward])
    with CaptureQueriesContext(connection) as queries:
        page = _page(client, ward)
    assert "More than 3 planned in all." in page
    # Counting stops at the fourth: it never reads every item coming.
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"] and "commissioning_pipelineitem" in q["sql"]
    ]
    assert len(counts) == 1 and "LIMIT 4" in counts[0], counts


def _figures_read(client, ward):
    """Whether loading the page read the ward's spend figures from the database."""
    with CaptureQueriesContext(connection) as queries:
        _page(client, ward)
    return any("commissioning_contract_wards" in q["sql"] for q in queries.captured_queries)


def test_the_figures_are_kept_until_a_change_moves_the_generation_on(
    client, ward, django_capture_on_commit_callbacks
):
    contract = ContractFactory(value=Decimal("1000"), citywide=False)
    contract.wards.set([ward])
    assert _figures_read(client, ward)
    assert not _figures_read(client, ward)  # kept
    with django_capture_on_commit_callbacks(execute=True):
        spend.forget_figures()
    assert _figures_read(client, ward)


def test_the_figures_are_never_stale_after_a_change(
    client, ward, elsewhere, django_capture_on_commit_callbacks
):
    publisher = PublisherFactory()
    commissioner = MembershipFactory(organisation=publisher).user
    local = OrganisationFactory(ward=ward)
    pledge = PledgeFactory(unit="hours")

    def context():
        response = client.get(reverse("commissioning:ward", args=[ward.slug]))
        return response.context

    before = context()
    assert before["in_ward"]["value"] == 0 and before["local"]["based"]["value"] == 0
    assert before["social_value"] == []
    with django_capture_on_commit_callbacks(execute=True):
        record_contract(
            publisher=publisher,
            by=commissioner,
            kind="grant",
            lead=local,
            title="Lunch club",
            category=ServiceCategoryFactory(),
            value=Decimal("60000"),
            starts_on=date(2026, 4, 1),
            ends_on=date(2027, 3, 31),
            wards=[ward, elsewhere],
        )
    after = context()
    assert after["in_ward"]["value"] == 30000  # its half of a contract in two wards
    assert after["local"]["based"]["value"] == 60000
    with django_capture_on_commit_callbacks(execute=True):
        add_delivered_in_ward(
            pledge=pledge,
            ward=ward,
            quantity=Decimal("7"),
            delivered_on=date(2026, 5, 1),
            description="Hours of befriending",
            by=commissioner,
        )
    assert [(row["unit"], row["quantity"]) for row in context()["social_value"]] == [("hours", 7)]


def test_the_figures_are_made_afresh_when_the_cache_does_not_answer(client, ward, monkeypatch):
    def away(*args, **kwargs):
        raise ConnectionError("no cache")

    monkeypatch.setattr(spend.cache, "get", away)
    contract = ContractFactory(value=Decimal("1000"), citywide=False)
    contract.wards.set([ward])
    response = client.get(reverse("commissioning:ward", args=[ward.slug]))
    assert response.context["in_ward"]["value"] == 1000
