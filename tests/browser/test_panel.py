"""The evaluation panel in a real browser, on the demo's opened bid box.

The commissioner names two evaluators; the demo evaluator declares a conflict
with one bidder and scores another bid; a colleague, on a phone, declares none,
scores the same bid and only then sees the first evaluator's scores. Every page
is checked with axe-core (see conftest.py).
"""

import re

import pytest
from playwright.sync_api import expect
from test_journeys import sign_in, sign_out

from home.demo import DEMO_PASSWORD
from opportunities.models import Opportunity
from tenders.demo import CLOSED
from tests.factories import PASSWORD, UserFactory

CONFLICT = "Lozells Faith Kitchen"
SCORED = "Brum Care Services Ltd"


@pytest.fixture
def closed(demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Opportunity.objects.get(title=CLOSED)


def heading(page):
    return page.get_by_role("heading", level=1)


def commissioner_names_the_panel(page, opportunity, colleague):
    sign_in(page, "commissioner@example.org", DEMO_PASSWORD)
    page.visit(f"/opportunities/{opportunity.reference}/tender/")
    page.follow(page.get_by_role("link", name="Manage the evaluation panel"))
    expect(heading(page)).to_have_text("Evaluation panel")
    page.get_by_label("Email address").fill("member@example.org")
    page.submit("Add to the panel")
    expect(page.get_by_role("alert")).to_contain_text("member@example.org is not an evaluator.")
    page.get_by_label("Email address").fill("evaluator@example.org")
    page.submit("Add to the panel")
    page.get_by_label("Email address").fill(colleague.email)
    page.get_by_label("Service user representative").check()
    page.submit("Add to the panel")
    members = page.get_by_role("table", name="2 evaluators")
    expect(members.get_by_role("row", name=re.compile("Daniel"))).to_contain_text("Chair")
    sign_out(page)


def score_every_question(page, score, reason):
    for group in page.get_by_role("group", name=re.compile(r"^Your score for question")).all():
        group.get_by_label(re.compile(f"^{score}:")).check()
    for box in page.get_by_label(re.compile(r"^Why this score for question")).all():
        box.fill(reason)


def evaluator_declares_and_scores(page, opportunity):
    sign_in(page, "evaluator@example.org", DEMO_PASSWORD)
    page.follow(page.get_by_role("link", name="Declare your interests for"))
    expect(heading(page)).to_have_text("Evaluation")
    expect(page.get_by_role("main")).to_contain_text(CONFLICT)
    expect(page.get_by_role("link", name=SCORED)).to_have_count(0)  # names only, no bids
    page.get_by_label("I have a conflict of interest with the bidders I choose below").check()
    page.get_by_label(CONFLICT).check()
    page.submit("Declare")
    expect(page.get_by_role("alert")).to_contain_text(
        "Describe the conflict of interest"
    )  # the error summary
    page.get_by_label("Describe the conflict").fill("My partner is one of its trustees.")
    page.submit("Declare")
    expect(page.get_by_role("main")).to_contain_text("Your declaration is recorded.")
    expect(page.get_by_role("link", name=CONFLICT)).to_have_count(0)

    page.follow(page.get_by_role("link", name=SCORED))
    expect(heading(page)).to_have_text(f"Score the bid from {SCORED}")
    page.submit("Submit my scores for this bid")
    expect(page.get_by_role("alert").first).to_contain_text("Score question 1")
    score_every_question(page, 4, "Strong evidence of local delivery, said Daniel.")
    page.submit("Submit my scores for this bid")
    expect(page.get_by_role("main")).to_contain_text("Your scores for this bid are submitted.")
    expect(page.get_by_role("main")).to_contain_text("No other evaluator has submitted")
    sign_out(page)


def colleague_scores_then_sees_the_others(page, colleague):
    sign_in(page, colleague.email, PASSWORD)
    page.visit("/evaluation/")
    page.follow(page.get_by_role("link", name=CLOSED))
    page.get_by_label("I have no conflict of interest").check()
    page.submit("Declare")
    page.follow(page.get_by_role("link", name=SCORED))
    expect(page.get_by_role("main")).not_to_contain_text("said Daniel")
    score_every_question(page, 2, "Thin on staffing.")
    page.submit("Save as draft")
    expect(page.get_by_role("main")).not_to_contain_text("said Daniel")
    page.submit("Submit my scores for this bid")
    expect(page.get_by_role("main")).to_contain_text("said Daniel")


def test_two_evaluators_declare_and_score_and_see_each_other_only_after_submitting(
    page, colleague_page, closed
):
    colleague = UserFactory(is_evaluator=True, full_name="Grace Mensah")
    commissioner_names_the_panel(page, closed, colleague)
    evaluator_declares_and_scores(page, closed)
    colleague_scores_then_sees_the_others(colleague_page, colleague)
