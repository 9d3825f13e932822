"""A consortium bid in a real browser: from the opportunity page to the opened bid box.

``page`` is a desktop browser: first the lead organisation's administrator's,
who bids over two sittings, then the commissioner's. ``colleague_page`` is the
partner's administrator's phone. Every page either of them loads is checked
with axe-core and at 320 and 375 pixels wide (see conftest.py).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_journeys import link_in, menu, sign_in, sign_out

from opportunities import actions as opportunity_actions
from opportunities.models import Lot, Opportunity, PartnerRole
from organisations.models import MembershipRole
from portal.formats import moment_in_words
from tenders import actions
from tenders.models import Bid, TenderEvent
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    PublisherFactory,
)

TITLE = "Lunch clubs and befriending for older people"
LEAD = "Ladywood Lunch Club"
PARTNER = "Aston Advice Collective"
LOT_1 = "Lot 1: Northern wards"
LOT_2 = "Lot 2: Southern wards"
FIRST_ANSWER = "Weekly lunch clubs in four community centres, run by trained volunteers."
ANSWERS = {
    2: "We count attendance and ask members every quarter how lonely they feel.",
    3: "Every volunteer has an enhanced DBS check and safeguarding training.",
    4: "Volunteering hours from local residents in the wards we serve.",
}


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    """The commissioner with an open opportunity and its tender, the lead bidder's
    administrator, and the partner's administrator with its organisation on the
    opportunity's partner board."""
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tenders-browser-test",
        }
    }
    commissioner = MembershipFactory(
        organisation=PublisherFactory(name="Adult Social Care Commissioning"),
        role=MembershipRole.MEMBER,
        user__full_name="Rachel Okafor",
    ).user
    opportunity = OpportunityFactory(
        publisher=commissioner.memberships.get().organisation, title=TITLE
    )
    Lot.objects.create(opportunity=opportunity, number=1, title="Northern wards")
    Lot.objects.create(opportunity=opportunity, number=2, title="Southern wards")
    actions.create_tender(opportunity=opportunity, by=commissioner)

    lead = MembershipFactory(
        organisation=OrganisationFactory(name=LEAD, slug="ladywood-lunch-club"),
        role=MembershipRole.ADMIN,
        user__full_name="Amira Begum",
    ).user
    partner = MembershipFactory(
        organisation=OrganisationFactory(name=PARTNER, slug="aston-advice-collective"),
        role=MembershipRole.ADMIN,
        user__full_name="Tom Reilly",
    ).user
    opportunity_actions.list_for_partners(
        opportunity=opportunity,
        organisation=partner.memberships.get().organisation,
        by=partner,
        role=PartnerRole.PARTNER,
        message="We run benefits advice sessions and would join a lunch club bid.",
    )
    return opportunity, commissioner, lead, partner


def heading(page):
    return page.get_by_role("heading", level=1)


def opens_the_opportunity(page):
    page.follow(menu(page).get_by_role("link", name="Opportunities", exact=True))
    page.follow(page.get_by_role("link", name=TITLE))
    expect(heading(page)).to_have_text(TITLE)


def lead_finds_the_opportunity_and_starts_a_bid(page, lead):
    sign_in(page, lead.email, PASSWORD)
    opens_the_opportunity(page)
    scoring = page.get_by_role("region", name="How bids will be scored")
    expect(scoring).to_contain_text("Quality")
    expect(scoring).to_contain_text("Question 1 (20%)")
    expect(scoring).to_contain_text("Price: 20%")

    page.follow(page.get_by_role("link", name="Start a bid"))
    expect(heading(page)).to_have_text("Start a bid")
    expect(page.get_by_role("main")).to_contain_text(f"You are starting a bid for {LEAD}")
    page.submit("Start a bid")
    expect(heading(page)).to_have_text(re.compile(r"^Your bid B-\w{8}$"))
    return Bid.objects.get()


def first_sitting(page, bid, partner, mailoutbox):
    """Lots, a partner from the partner board and question 1; then the bidder signs out."""
    page.follow(page.get_by_role("link", name="Lots you are bidding for"))
    page.get_by_label(LOT_1).check()
    page.submit("Save and continue")

    expect(heading(page)).to_have_text("Partners and subcontractors")
    page.follow(page.get_by_role("link", name=f"Add {PARTNER}"))
    expect(page.get_by_role("heading", name=f"Add {PARTNER}")).to_be_visible()
    expect(page.get_by_label("Consortium partner")).to_be_checked()
    page.get_by_label("Their share of the work (%)").fill("30")
    page.submit("Add partner")
    expect(page.get_by_role("alert")).to_contain_text(
        f"{PARTNER} was added. We have asked its administrators to confirm."
    )
    partners = page.get_by_role("table", name="Your partners")
    expect(partners.get_by_role("row", name=re.compile(PARTNER))).to_contain_text(
        re.compile(r"Consortium partner\s*30%\s*Waiting for confirmation")
    )
    (request,) = [m for m in mailoutbox if m.to == [partner.email]]
    page.follow(page.get_by_role("link", name="Continue", exact=True))

    criterion = bid.tender.criteria.get(number=1)
    expect(heading(page)).to_have_text("Question 1")
    box = page.get_by_label(criterion.question)
    # GOV.UK's character count, counting words as they are typed.
    count = page.locator(".govuk-character-count__status")
    expect(count).to_have_text(f"You have {criterion.word_limit} words remaining")
    box.press_sequentially(FIRST_ANSWER)
    words = len(FIRST_ANSWER.split())
    expect(count).to_have_text(f"You have {criterion.word_limit - words} words remaining")
    page.screenshot_now()  # the word count as typed
    page.submit("Save and come back later")

    expect(heading(page)).to_have_text(f"Your bid {bid.reference}")
    sign_out(page)
    return request


def second_sitting(page, bid, lead):
    """The task list and the check page say what is missing; the bidder completes it."""
    sign_in(page, lead.email, PASSWORD)
    opens_the_opportunity(page)
    page.follow(page.get_by_role("link", name="Continue your bid"))
    expect(heading(page)).to_have_text(f"Your bid {bid.reference}")
    main = page.get_by_role("main")
    expect(main).to_contain_text("There are 9 things to do before you can submit.")
    for missing in ("Answer question 2", "Answer question 4", "Break the price down"):
        expect(main).to_contain_text(missing)
    expect(main).to_contain_text(f"{PARTNER} has not yet confirmed")

    page.follow(page.get_by_role("link", name="Check and submit"))
    expect(heading(page)).to_have_text("Check your bid before you submit it")
    expect(main).to_contain_text("You cannot submit yet. Finish these first:")
    expect(page.get_by_role("button", name="Submit bid")).to_have_count(0)
    to_do = main.locator("ul.govuk-list--bullet").first
    expect(to_do.get_by_role("listitem")).to_have_count(9)
    page.follow(to_do.get_by_role("link", name="Question 2", exact=True))

    for number, text in ANSWERS.items():
        expect(heading(page)).to_have_text(f"Question {number}")
        question = bid.tender.criteria.get(number=number).question
        page.get_by_label(question).fill(text)
        page.submit("Save and continue")

    expect(heading(page)).to_have_text(f"Price for {LOT_1}")
    page.get_by_label("Total price for the whole contract period: price per unit").fill("£40,000")
    page.get_by_label("Direct delivery costs").fill("31000")
    page.get_by_label("Staff costs").fill("6,000")
    page.get_by_label("Volunteer expenses").fill("1500")
    page.get_by_label("Share of overheads").fill("1500")
    page.submit("Save and continue")

    expect(heading(page)).to_have_text("Social value commitments")
    page.get_by_label("What you will do").fill("Volunteering by local residents")
    page.get_by_label("How many").fill("1200")
    page.get_by_label("Unit", exact=True).fill("hours")
    page.get_by_label("Across the whole city").check()
    page.submit("Add commitment")
    expect(page.get_by_role("alert")).to_contain_text("The commitment was added.")
    page.follow(page.get_by_role("link", name="Continue to declarations"))

    expect(heading(page)).to_have_text("Declarations")
    page.get_by_role("group", name=re.compile("other funding")).get_by_label("No").check()
    page.get_by_role("group", name=re.compile("conflicts of interest")).get_by_label("No").check()
    page.get_by_label("We are an accredited Living Wage Employer").check()
    page.submit("Save and continue")

    expect(heading(page)).to_have_text("Your organisation's details")
    page.follow(page.get_by_role("link", name="Back to your bid").last)
    expect(main).not_to_contain_text("things to do before you can submit")
    page.follow(page.get_by_role("link", name="Check and submit"))
    expect(main).not_to_contain_text("You cannot submit yet")
    expect(main).to_contain_text(ANSWERS[3])
    expect(main).to_contain_text(
        "Direct delivery £31,000.00, staff £6,000.00, volunteer expenses £1,500.00, "
        "overheads £1,500.00"
    )
    page.submit("Submit bid")

    expect(heading(page)).to_have_text("Your bid has been received")
    bid.refresh_from_db()
    version = bid.current_version
    receipt = page.get_by_role("main").locator(".govuk-summary-list")
    expect(receipt).to_contain_text(f"Received{moment_in_words(version.submitted_at)}")
    expect(receipt).to_contain_text("(UK time)")
    expect(receipt).to_contain_text(f"Bid reference{bid.reference}")
    sha = receipt.locator("code")
    expect(sha).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    assert sha.inner_text() == version.sha256


def partner_confirms_and_reads_the_bid(phone, partner, request):
    sign_in(phone, partner.email, PASSWORD)
    phone.visit(link_in(request))
    expect(heading(phone)).to_have_text(f"{LEAD} asks you to join a bid")
    main = phone.get_by_role("main")
    for seen in ("Consortium partner", "30%", LOT_1, TITLE):
        expect(main).to_contain_text(seen)
    expect(main).not_to_contain_text(LOT_2)
    for answer in (FIRST_ANSWER, *ANSWERS.values()):
        expect(main).not_to_contain_text(answer)
    expect(phone.get_by_role("link", name="Read the bid")).to_have_count(0)

    phone.submit("Confirm")
    expect(main).to_contain_text(f"{PARTNER} has confirmed. Its members can now read the bid.")
    phone.follow(phone.get_by_role("link", name="Read the bid"))
    expect(heading(phone)).to_have_text(re.compile(r"^Bid B-\w{8}$"))
    # Confirming changed the bid: the lead, not the partner, must submit it again.
    expect(main).to_contain_text(f"The bid has changed since {LEAD} submitted it.")
    expect(phone.get_by_role("link", name="Check and submit")).to_have_count(0)
    phone.follow(phone.get_by_role("link", name="Read the whole bid"))
    expect(heading(phone)).to_have_text("The whole bid")
    for answer in (FIRST_ANSWER, *ANSWERS.values()):
        expect(main).to_contain_text(answer)
    expect(phone.get_by_role("button", name="Submit bid")).to_have_count(0)


def early_post(page, path):
    """POST to ``path`` with the page's CSRF token, as a crafted form would; check the result."""
    with page.expect_navigation():
        page.evaluate(
            """(path) => {
              const form = document.createElement("form");
              form.method = "post";
              form.action = path;
              const token = document.querySelector("input[name=csrfmiddlewaretoken]");
              form.append(token.cloneNode());
              document.body.append(form);
              form.submit();
            }""",
            path,
        )
    page.check()


def commissioner_sees_a_sealed_box_then_opens_it(page, opportunity, commissioner):
    sign_out(page)
    sign_in(page, commissioner.email, PASSWORD)
    opens_the_opportunity(page)
    page.follow(page.get_by_role("link", name="Tender and bid box"))
    expect(heading(page)).to_have_text("Tender")
    main = page.get_by_role("main")
    expect(main).to_contain_text("1 bid submitted")
    expect(main).to_contain_text(f"{LOT_1}: 1 bid")
    expect(main).to_contain_text(f"{LOT_2}: 0 bids")
    expect(page.get_by_role("button", name="Open the bid box")).to_have_count(0)
    for name in (LEAD, PARTNER):
        expect(page.locator("body")).not_to_contain_text(name)

    tender_path = f"/opportunities/{opportunity.reference}/tender/"
    early_post(page, tender_path + "open/")
    expect(page.get_by_role("region", name="Important")).to_contain_text(
        "The bid box can only be opened after the deadline for bids. Nothing was opened."
    )
    opportunity.tender.refresh_from_db()
    assert opportunity.tender.opened_at is None

    # The deadline passes: moved in the database, as the live server reads it afresh.
    now = timezone.now()
    Opportunity.objects.filter(pk=opportunity.pk).update(
        clarification_deadline=now - timedelta(days=14),
        submission_deadline=now - timedelta(seconds=1),
    )
    page.visit(tender_path)
    expect(main).not_to_contain_text("bid submitted")
    for name in (LEAD, PARTNER):
        expect(page.locator("body")).not_to_contain_text(name)
    page.submit("Open the bid box")

    expect(page.get_by_role("alert")).to_contain_text("The bid box is open.")
    tender = opportunity.tender
    tender.refresh_from_db()
    assert tender.opened_by == commissioner
    expect(main).to_contain_text(
        f"The bid box was opened by {commissioner} at {moment_in_words(tender.opened_at)}."
    )
    page.follow(page.get_by_role("link", name="Read the tender's log"))
    expect(heading(page)).to_have_text("Tender log")
    log = page.get_by_role("table")
    opened = tender.events.get(kind=TenderEvent.Kind.BOX_OPENED)
    expect(log.get_by_role("row").last).to_contain_text(str(commissioner))
    expect(log.get_by_role("row").last).to_contain_text(opened.get_kind_display())
    submitted = log.get_by_role("row").filter(has_text=opportunity.tender.bids.get().reference)
    expect(submitted.first).to_be_visible()


def test_a_consortium_bids_over_two_sittings_and_the_commissioner_opens_the_box(
    page, colleague_page, people, mailoutbox
):
    opportunity, commissioner, lead, partner = people
    # 1. The lead's administrator reads how bids are scored and starts a bid.
    bid = lead_finds_the_opportunity_and_starts_a_bid(page, lead)
    # 2. First sitting: lots, a partner from the board, question 1; signs out.
    request = first_sitting(page, bid, partner, mailoutbox)
    # 3. Second sitting: what is missing, the rest, the check page, the receipt.
    second_sitting(page, bid, lead)
    # 4. The partner's administrator, on a phone, confirms and reads the bid.
    partner_confirms_and_reads_the_bid(colleague_page, partner, request)
    # 5. The commissioner sees a count but no names; after the deadline opens the box.
    commissioner_sees_a_sealed_box_then_opens_it(page, opportunity, commissioner)
