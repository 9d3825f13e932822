"""Spend, wards and social value in a real browser, checked with axe-core on every page.

A visitor reads the spend page (its charts are images with a title, each
followed by its table), filters it and opens a ward's page from it; a supplier
reports social value with one bad postcode, sees it come back with its message
and adds it corrected to the same return.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_journeys import sign_in

from commissioning.models import SocialValueLine
from tests.commissioning.factories import ContractFactory, PledgeFactory, PostcodeWardFactory
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    PublisherFactory,
    WardFactory,
)


@pytest.fixture
def contracts(transactional_db):
    aston = WardFactory(name="Aston", slug="aston")
    council = PublisherFactory(name="Birmingham City Council")
    charity = OrganisationFactory(name="Aston Youth Trust", ward=aston)
    for year, value in ((2025, "120000"), (2026, "80000")):
        contract = ContractFactory(
            publisher=council,
            supplier=charity,
            citywide=False,
            value=Decimal(value),
            starts_on=date(year, 4, 1),
            ends_on=date(year + 2, 3, 31),
        )
        contract.wards.set([aston])
    PostcodeWardFactory(postcode="B6 9YA", ward=aston)
    PostcodeWardFactory(postcode="B6 9YB", ward=aston)
    pledge = PledgeFactory(
        contract=contract, measure="Local people into work", quantity=Decimal("6"), unit="jobs"
    )
    member = MembershipFactory(organisation=charity, user__email="supplier@example.org").user
    return {"pledge": pledge, "member": member}


def test_a_visitor_reads_the_spend_page_and_a_ward(page, contracts):
    page.visit("/spend/")
    chart = page.get_by_role("img", name="Contract value by the year contracts started")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Contract value by the year contracts started")
    expect(table.get_by_role("row", name="2025")).to_contain_text("£120,000")
    page.get_by_label("From").select_option("2026")
    page.submit("Apply filters")
    expect(
        page.get_by_role("table", name="Contract value by the year contracts started")
    ).not_to_contain_text("2025")
    page.follow(page.get_by_role("link", name="Aston").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Aston")
    expect(page.get_by_text("Aston Youth Trust")).to_be_visible()
    page.follow(page.get_by_role("link", name="All wards"))
    expect(page.get_by_role("link", name="Aston")).to_be_visible()
    page.assert_no_problems()


def test_a_supplier_corrects_a_bad_postcode_in_a_social_value_return(page, contracts, time_machine):
    pledge = contracts["pledge"]
    sign_in(page, "supplier@example.org", PASSWORD)
    page.visit(f"/contracts/{pledge.contract.reference}/social-value/")
    page.follow(page.get_by_role("link", name="Report delivery"))
    start = timezone.localdate() - timedelta(days=60)
    page.get_by_label("Start of the period").fill(f"{start:%d/%m/%Y}")
    page.get_by_label("End of the period").fill(f"{timezone.localdate():%d/%m/%Y}")
    page.get_by_label("Postcodes and how many at each").fill("B6 9YA, 2\nB6 9XZ9, 1")
    page.submit("Send the return")
    expect(page.locator(".govuk-error-summary")).to_contain_text("‘B6 9XZ9’ is not a postcode")
    box = page.get_by_label("Postcodes and how many at each")
    expect(box).to_have_value("B6 9XZ9, 1")
    box.fill("B6 9YB, 1")
    page.submit("Add these lines")
    expect(page.get_by_role("heading", level=1)).to_have_text("Social value")
    assert sum(line.quantity for line in SocialValueLine.objects.all()) == 3
    page.assert_no_problems()
