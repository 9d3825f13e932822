"""Finding, asking and partnering in a real browser, across roles (issue 15).

A member narrows a search and takes filters off again, writes to an
organisation on a partner board without sharing their address, and reads the
answer that organisation sends back through the portal; a commissioner is
emailed a new question and finds it counted on "Your opportunities"; the
member finds all of it on "Your activity". Every page is checked with axe-core
and for overflow at 320 and 375 px (see conftest.py).
"""

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from test_journeys import sign_in

from home.demo import DEMO_PASSWORD
from opportunities import actions
from opportunities.models import Opportunity, PartnerContact, PartnerListing
from organisations.models import Membership, MembershipRole
from tests.factories import PASSWORD, MembershipFactory, UserFactory

MESSAGE = "We run lunch clubs in Ladywood and could deliver the north of the city."
REPLY = "Thank you: could you come to a meeting on Tuesday?"


def test_a_member_narrows_a_search_and_takes_a_filter_off_again(page, demo_users):
    sign_in(page, "member@example.org", DEMO_PASSWORD)
    page.visit("/opportunities/?q=support&status=any&ward=ladywood")
    summary = page.get_by_role("list", name="Searching for")
    expect(summary).to_contain_text("“support”")
    expect(summary).to_contain_text("Ladywood")
    expect(summary).to_contain_text("Any status")
    page.follow(summary.get_by_role("link", name="Remove Ward: Ladywood"))
    expect(page.get_by_role("list", name="Searching for")).not_to_contain_text("Ladywood")
    expect(page.get_by_label("Ward")).to_have_value("")


def test_partners_write_and_reply_through_the_portal_and_it_shows_on_your_activity(
    page, colleague_page, demo_users, mailoutbox
):
    listing = (
        PartnerListing.objects.filter(withdrawn_at__isnull=True)
        .exclude(organisation__name="Ladywood Lunch Club")
        .select_related("opportunity", "organisation")
        .first()
    )
    opportunity = listing.opportunity
    assert opportunity.is_open, "the demo has a partner listing on an open opportunity"

    # The member writes without sharing their address, told what they will see.
    sign_in(page, "member@example.org", DEMO_PASSWORD)
    page.visit(f"/opportunities/{opportunity.reference}/partners/")
    page.follow(page.get_by_role("link", name=f"Contact {listing.organisation.name}"))
    expect(page.get_by_text(f"What {listing.organisation.name} will see")).to_be_visible()
    page.get_by_label("Your message").fill(MESSAGE)
    page.submit("Send message")
    expect(
        page.get_by_text(f"Your message has been sent to {listing.organisation.name}")
    ).to_be_visible()
    [relayed] = mail.outbox
    assert relayed.reply_to == []
    reply_path = re.search(
        r"https?://[^/\s]+(/opportunities/\S+/partners/replies/\d+/)", relayed.body
    )[1]

    # Someone at the listed organisation answers through the portal, on a phone.
    replier = UserFactory(full_name="Morgan Lister")
    Membership.objects.create(
        user=replier, organisation=listing.organisation, role=MembershipRole.ADMIN
    )
    sign_in(colleague_page, replier.email, PASSWORD)
    colleague_page.visit(reply_path)
    expect(colleague_page.get_by_text(MESSAGE)).to_be_visible()
    colleague_page.get_by_label("Your message").fill(REPLY)
    colleague_page.submit("Send message")
    answer = mail.outbox[-1]
    assert answer.to == ["member@example.org"]
    assert REPLY in answer.body and MESSAGE in answer.body
    assert PartnerContact.objects.filter(in_reply_to__isnull=False).count() == 1

    # The member asks a question; its opportunity's contact is emailed it.
    asked = (
        Opportunity.objects.live()
        .filter(clarification_deadline__gt=timezone.now())
        .order_by("submission_deadline")
        .first()
    )
    page.visit(f"/opportunities/{asked.reference}/questions/ask/")
    page.get_by_label("Your question").fill("Is there a budget for volunteers' travel?")
    page.submit("Send question")
    mail.outbox.clear()
    actions.send_question_notices()  # the hourly job
    [notice] = mail.outbox
    assert notice.to == [asked.contact_email]
    assert "Is there a budget for volunteers' travel?" in notice.body

    # Everything the member did is on Your activity, linked from the home page.
    page.visit("/")
    page.follow(page.get_by_role("link", name=re.compile("^Your activity")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your activity")
    questions = page.get_by_role("list", name="Questions you asked")
    expect(questions).to_contain_text("Is there a budget for volunteers' travel?")
    expect(questions).to_contain_text("Waiting for an answer")


def test_a_commissioner_sees_questions_to_answer_first(page, demo_users):
    ours = (
        Opportunity.objects.live()
        .filter(publisher__memberships__user__email="commissioner@example.org")
        .first()
    )
    actions.ask_question(
        opportunity=ours,
        organisation=(asker := MembershipFactory()).organisation,
        by=asker.user,
        text="Will the contract start in April?",
    )
    sign_in(page, "commissioner@example.org", DEMO_PASSWORD)
    banner = page.get_by_role("region", name="To do")
    expect(banner).to_contain_text("to answer")
    page.follow(banner.get_by_role("link", name=re.compile("questions? to answer")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your opportunities")
    page.follow(
        page.get_by_role("link", name=re.compile(f"questions? to answer – {ours.reference}"))
    )
    expect(page.get_by_text("Will the contract start in April?")).to_be_visible()
