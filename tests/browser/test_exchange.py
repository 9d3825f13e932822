"""The social value exchange in a real browser, across roles (issue 19).

A home care company that holds a council contract (``page``, a desktop) offers
mentoring through the exchange and ties it to its contract's mentoring pledge. A
small charity (``colleague_page``, a phone) posts a need for a mentor. The
company sees the need suggested, offers help, and after the charity accepts it
records the hours given; the charity confirms them with a testimonial. The
council's commissioner then sees the contract's delivered social value rise, in
the charity's ward, and a visitor reads the testimonial on the need's page.

Every page is checked with axe-core and at 320 and 375 pixels wide (conftest.py).
"""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_journeys import sign_in

from exchange.models import Delivery
from organisations.models import MembershipRole
from tests.commissioning.factories import ContractFactory, PledgeFactory
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    PublisherFactory,
    UserFactory,
    WardFactory,
)

NEED = "A mentor for our new treasurer"
OFFER = "Finance mentoring from our accounts team"
TESTIMONIAL = "Our first quarterly accounts went in on time."


@pytest.fixture
def cast(transactional_db):
    """The company's member, the charity's member, the commissioner and the contract."""
    ladywood = WardFactory(name="Ladywood", slug="ladywood")
    company = OrganisationFactory(name="Brum Care Services Ltd", legal_form="private_company")
    giver = MembershipFactory(
        organisation=company, role=MembershipRole.ADMIN, user=UserFactory(full_name="Raj Patel")
    ).user
    charity = OrganisationFactory(name="Ladywood Lunch Club", ward=ladywood)
    recipient = MembershipFactory(
        organisation=charity, role=MembershipRole.ADMIN, user=UserFactory(full_name="Priya Shah")
    ).user
    council = PublisherFactory(name="Adult Social Care Commissioning")
    commissioner = MembershipFactory(organisation=council).user
    contract = ContractFactory(
        publisher=council,
        supplier=company,
        title="Home care in the east of the city",
        starts_on=timezone.localdate() - timezone.timedelta(days=60),
        ends_on=timezone.localdate() + timezone.timedelta(days=700),
    )
    PledgeFactory(
        contract=contract,
        measure="Mentoring for local community groups",
        quantity=Decimal(50),
        unit="hours of mentoring",
    )
    return giver, recipient, commissioner, contract


def heading(page):
    return page.get_by_role("heading", level=1)


def main(page):
    return page.get_by_role("main")


def _date(days):
    return f"{timezone.localdate() + timezone.timedelta(days=days):%d/%m/%Y}"


def offers_mentoring_for_a_pledge(page, giver):
    sign_in(page, giver.email, PASSWORD)
    page.visit("/")
    page.follow(page.get_by_role("link", name="Social value exchange: help groups need"))
    page.follow(page.get_by_role("link", name="Your organisation on the exchange"))
    page.follow(page.get_by_role("link", name="Offer help"))
    expect(heading(page)).to_have_text("Offer help")
    page.get_by_label("What do you offer?").fill(OFFER)
    page.get_by_label("Finance advice").check()
    page.get_by_label("How much in all?").fill("40")
    page.get_by_label("hours").check()
    page.get_by_label("More about it").fill("Our finance staff mentor treasurers of small groups.")
    page.get_by_label("Anywhere in the city").check()
    page.get_by_label("It can be given online").check()
    page.get_by_label("Available from").fill(_date(0))
    page.get_by_label("Available until").fill(_date(200))
    page.get_by_label("Contract pledge it delivers (optional)").select_option(index=1)
    page.submit("Post the offer")
    expect(heading(page)).to_have_text(OFFER)
    expect(main(page)).to_contain_text("Counts towards “Mentoring for local community groups”")


def posts_a_need(phone, recipient):
    sign_in(phone, recipient.email, PASSWORD)
    phone.visit("/exchange/yours/")
    phone.follow(phone.get_by_role("link", name="Post a need"))
    phone.get_by_label("What do you need?").fill(NEED)
    phone.get_by_label("Finance advice").check()
    phone.get_by_label("How much?").fill("6")
    phone.get_by_label("hours").check()
    phone.get_by_label("More about it").fill("Evening sessions to set up our accounts.")
    phone.get_by_label("Why it matters").fill("Our funder now asks for quarterly accounts.")
    expect(phone.get_by_label("Ward")).to_have_value(
        str(phone_ward_pk := phone.get_by_label("Ward").input_value())
    )
    assert phone_ward_pk  # the charity's own ward is chosen for it
    phone.get_by_label("Needed by").fill(_date(40))
    phone.submit("Post the need")
    expect(heading(phone)).to_have_text(NEED)
    expect(main(phone)).to_contain_text("Open")


def offers_help_with_the_suggested_need(page):
    page.visit("/exchange/yours/")
    suggested = page.get_by_role("link", name=NEED)
    page.follow(suggested)
    page.follow(page.get_by_role("link", name="Offer help"))
    page.get_by_label(OFFER).check()
    expect(page.get_by_label("How many hours?")).to_have_value("6")
    page.get_by_label("How many hours?").fill("5")
    page.get_by_label("Message (optional)").fill("Our finance manager can meet on Tuesdays.")
    page.submit("Propose the match")
    expect(main(page)).to_contain_text("Waiting for an answer")


def accepts_the_match(phone):
    phone.visit("/exchange/yours/")
    expect(main(phone)).to_contain_text("Waiting for you")
    phone.follow(phone.get_by_role("link", name="Brum Care Services Ltd offers help with"))
    expect(main(phone)).to_contain_text("Our finance manager can meet on Tuesdays.")
    phone.get_by_label("Reply (optional)").fill("Tuesdays suit us.")
    phone.submit("Accept")
    expect(main(phone)).to_contain_text("You accepted the match")


def records_the_hours(page):
    page.reload()
    expect(main(page)).to_contain_text("Tuesdays suit us.")
    page.get_by_label("How much was given?").fill("9")
    page.get_by_label("Date it was given").fill(_date(0))
    page.submit("Record it")
    expect(page.get_by_role("alert")).to_contain_text("Only 5 hours of this match are left")
    page.get_by_label("How much was given?").fill("5")
    page.get_by_label("Value in pounds (optional)").fill("£300")
    page.submit("Record it")
    expect(main(page)).to_contain_text("Not yet confirmed")


def confirms_with_a_testimonial(phone):
    phone.visit("/exchange/yours/")
    phone.follow(phone.get_by_role("link", name="Brum Care Services Ltd recorded 5 hours given"))
    phone.get_by_label("What difference did it make? (optional)").fill(TESTIMONIAL)
    phone.submit("Confirm it was given")
    expect(main(phone)).to_contain_text("the help is confirmed")


def social_value_delivered(page, contract):
    page.visit(f"/contracts/{contract.reference}/social-value/")
    pledges = page.get_by_role("table", name="Pledged and delivered")
    return pledges.get_by_role("row").nth(1)


def test_a_need_met_through_the_exchange_counts_towards_a_contract_pledge(
    page, colleague_page, cast, mailoutbox
):
    giver, recipient, commissioner, contract = cast
    offers_mentoring_for_a_pledge(page, giver)
    posts_a_need(colleague_page, recipient)
    offers_help_with_the_suggested_need(page)
    assert any(NEED in message.subject for message in mailoutbox)
    accepts_the_match(colleague_page)
    records_the_hours(page)
    assert Delivery.objects.get().confirmed_at is None
    page.submit("Sign out")

    sign_in(page, commissioner.email, PASSWORD)
    expect(social_value_delivered(page, contract)).to_contain_text("0 hours of mentoring")
    confirms_with_a_testimonial(colleague_page)
    row = social_value_delivered(page, contract)
    expect(row).to_contain_text("5 hours of mentoring")
    expect(row).to_contain_text("45 hours of mentoring")  # still to deliver
    by_ward = page.get_by_role("table", name="Where the people who benefited live")
    expect(by_ward).to_contain_text("Ladywood")
    page.submit("Sign out")

    page.visit("/exchange/needs/")
    page.follow(page.get_by_role("link", name=NEED))
    expect(main(page)).to_contain_text(TESTIMONIAL)
    expect(main(page)).to_contain_text("5 hours promised, 5 hours given and confirmed")
