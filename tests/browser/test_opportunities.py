"""Opportunities in a real browser: publishing, finding, asking and answering.

``page`` is the commissioner's browser, ``colleague_page`` someone else's phone:
first a visitor's, then, once signed in, an organisation member's. Every page
either of them loads is checked with axe-core (see conftest.py).
"""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect
from test_journeys import sign_in

from home.demo import DEMO_PASSWORD
from opportunities.models import Opportunity, Question

TITLE = "Befriending for carers in Perry Barr"
QUESTION = "Can a group of small charities bid together, with one of them leading?"
ANSWER = "Yes. Name the lead organisation and list the partners in your bid."


def in_weeks(weeks):
    return (timezone.localdate() + timedelta(weeks=weeks)).strftime("%d/%m/%Y")


def commissioner_publishes_with_a_six_week_window(page):
    sign_in(page, "commissioner@example.org", DEMO_PASSWORD)
    page.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Publishing"))
    page.follow(page.get_by_role("button", name="Create an opportunity"))

    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Summary in plain English").fill(
        "Volunteer befriending for unpaid carers in Perry Barr who feel isolated."
    )
    page.get_by_label("Full description").fill(
        "## What we want\n\n- weekly visits or calls\n- a volunteer matched to each carer"
    )
    page.get_by_label("Category").select_option(label="Carers' support")
    page.get_by_label("Narrow the list of CPV codes").fill("social work")
    page.get_by_label("Social work services without accommodation").check()
    page.get_by_label("Estimated value from (£)").fill("40000")
    page.get_by_label("Estimated value up to (£)").fill("45000")
    page.get_by_label("Procedure").select_option(label="Request for quotation")
    page.get_by_label("Narrow the list of wards the service covers").fill("perry")
    page.get_by_label("Perry Barr").check()
    page.get_by_label("Suitable for small organisations and the VCSE sector").check()
    page.get_by_label("Deadline for questions: date").fill(in_weeks(4))
    page.get_by_label("Deadline for bids: date").fill(in_weeks(6))
    page.get_by_label("Contact name").fill("Carers commissioning")
    page.get_by_label("Contact email").fill("carers@example.org")
    page.submit("Save draft")

    # Six weeks is shorter than the Compact's twelve: the form asks why, and
    # keeps everything typed.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("less than 12 weeks")
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(page.get_by_label("Perry Barr")).to_be_checked()
    page.get_by_label("Why the window is shorter than 12 weeks").fill(
        "The current service ends in March and carers must not be left without support."
    )
    page.submit("Save draft")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit draft")

    page.submit("Publish now")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Open", exact=True)).to_be_visible()
    expect(page.get_by_text("carers must not be left without support")).to_be_visible()
    return Opportunity.objects.get(title=TITLE)


def visitor_finds_it_with_two_filters_and_words(visitor):
    visitor.visit("/opportunities/")
    menu = visitor.get_by_role("button", name="Show filters")
    if menu.is_visible():
        menu.click()
    visitor.get_by_label("Carers' support", exact=True).check()
    visitor.get_by_label("Suitable for small organisations").check()
    visitor.get_by_label("Search by keyword").fill("befriending")
    # The button under the checkboxes just ticked (the same one sits above them).
    visitor.follow(visitor.get_by_role("button", name="Apply filters", exact=True).last)
    expect(visitor.get_by_role("heading", name="1 opportunity")).to_be_visible()
    visitor.follow(visitor.get_by_role("link", name=TITLE))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_a_commissioner_publishes_a_visitor_finds_it_a_member_asks_and_reads_the_answer(
    page, colleague_page, demo_users, mailoutbox
):
    opportunity = commissioner_publishes_with_a_six_week_window(page)

    visitor_finds_it_with_two_filters_and_words(colleague_page)

    # The visitor signs in as a member of Ladywood Lunch Club and asks.
    colleague_page.follow(
        colleague_page.get_by_role("link", name="Sign in to follow, ask a question")
    )
    colleague_page.get_by_label("Email address").fill("member@example.org")
    colleague_page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    colleague_page.submit("Sign in")
    expect(colleague_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    colleague_page.follow(colleague_page.get_by_role("link", name="Ask a question"))
    colleague_page.submit("Send question")
    expect(colleague_page.get_by_role("alert")).to_contain_text("Enter your question")
    colleague_page.get_by_label("Your question").fill(QUESTION)
    colleague_page.submit("Send question")
    expect(colleague_page.get_by_text("Your question has been sent")).to_be_visible()

    # The commissioner sees who asked; the answer is published without it.
    page.visit(f"/opportunities/{opportunity.reference}/")
    page.follow(page.get_by_role("link", name="Questions to answer (1)"))
    expect(page.get_by_text("From Ladywood Lunch Club")).to_be_visible()
    page.get_by_label("Answer").fill(ANSWER)
    page.submit("Publish answer")
    expect(page.get_by_text("0 questions to answer")).to_be_visible()
    assert Question.objects.get(opportunity=opportunity).answer == ANSWER

    colleague_page.visit(f"/opportunities/{opportunity.reference}/")
    answers = colleague_page.get_by_role("region", name="Questions and answers")
    expect(answers).to_contain_text(QUESTION)
    expect(answers).to_contain_text(ANSWER)
    expect(answers).not_to_contain_text("Ladywood Lunch Club")
