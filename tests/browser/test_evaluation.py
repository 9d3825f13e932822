"""From the opened bid box to the published award, in a real browser (issue 17).

A tender with two lots, the first of which two organisations may win, has three
submitted bids and an opened box. ``page`` (a desktop) is the commissioner's,
then the first evaluator's, the chair's, an unsuccessful bidder's and the
commissioner's again; ``colleague_page`` (a phone) is the second evaluator's, who
chairs the panel. The commissioner names the panel; both evaluators declare (one
with a conflict) and score, each seeing the other's scores only after submitting
their own; the chair moderates every bid; the commissioner reads the results,
downloads the CSV and the evaluation report, awards both lots and, after the
standstill, confirms; the award is then public. Every page is checked with
axe-core and at 320 and 375 pixels wide (see conftest.py).
"""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from conftest import SCREENSHOTS
from playwright.sync_api import expect
from test_journeys import sign_out

from opportunities.models import Lot
from organisations.models import MembershipRole
from tenders import actions
from tenders.awards import standstill_end_in_words
from tenders.evaluation import evaluation_of, slots_of
from tenders.models import AwardDecision, PanelMember
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    PublisherFactory,
    UserFactory,
)
from tests.tenders.conftest import complete

TITLE = "Lunch clubs and befriending for older people"
# Cheapest first: each bids for both lots at this price a lot.
BIDDERS = {
    "Ladywood Lunch Club": "40000",
    "Aston Advice Collective": "50000",
    "Handsworth Befrienders": "60000",
}
LADYWOOD, ASTON, HANDSWORTH = BIDDERS
CONFLICT = HANDSWORTH  # the first evaluator's conflict of interest


@pytest.fixture
def opened(transactional_db, settings, tmp_path, time_machine):
    """The commissioner, the two evaluators and the tender with three submitted bids,
    its deadline passed (the clock moved on, ticking) and its box opened."""
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "evaluation-browser-test",
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
    Lot.objects.create(opportunity=opportunity, number=1, title="Northern wards", max_awards=2)
    Lot.objects.create(opportunity=opportunity, number=2, title="Southern wards")
    tender = actions.create_tender(opportunity=opportunity, by=commissioner)
    bidders = {}
    for name, price in BIDDERS.items():
        membership = MembershipFactory(
            organisation=OrganisationFactory(name=name), role=MembershipRole.ADMIN
        )
        bid = actions.start_bid(
            tender=tender, organisation=membership.organisation, by=membership.user
        )
        complete(bid, membership.user, price=Decimal(price))
        actions.submit(bid=bid, by=membership.user)
        bidders[name] = membership.user
    time_machine.move_to(opportunity.submission_deadline + timedelta(minutes=5))
    actions.open_box(tender=tender, by=commissioner)
    evaluator = UserFactory(is_evaluator=True, full_name="Daniel Hughes")
    chair = UserFactory(is_evaluator=True, full_name="Grace Mensah")
    return tender, commissioner, evaluator, chair, bidders


def signs_in_to(page, user, path):
    """Sign in on the form a link to ``path`` leads a signed-out person to, and land there."""
    page.visit(f"/accounts/login/?{urlencode({'next': path})}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.submit("Sign in")
    assert urlsplit(page.url).path == path


def heading(page):
    return page.get_by_role("heading", level=1)


def main(page):
    return page.get_by_role("main")


def commissioner_names_the_panel(page, tender, commissioner, evaluator, chair):
    """Two evaluators, then the second made chair; a non-evaluator is refused."""
    signs_in_to(page, commissioner, f"/opportunities/{tender.opportunity.reference}/tender/")
    page.follow(page.get_by_role("link", name="Manage the evaluation panel"))
    expect(heading(page)).to_have_text("Evaluation panel")
    page.get_by_label("Email address").fill(commissioner.email)
    page.submit("Add to the panel")
    expect(page.get_by_role("alert")).to_contain_text(f"{commissioner.email} is not an evaluator.")
    page.get_by_label("Email address").fill(evaluator.email)
    page.submit("Add to the panel")
    page.get_by_label("Email address").fill(chair.email)
    page.get_by_label("Service user representative").check()
    page.submit("Add to the panel")
    page.submit(f"Make chair {chair.full_name}")
    members = page.get_by_role("table", name="2 evaluators")
    expect(members.get_by_role("row", name=re.compile(chair.full_name))).to_contain_text("Chair")
    expect(members.get_by_role("row", name=re.compile(evaluator.full_name))).not_to_contain_text(
        "Chair"
    )
    sign_out(page)


def score_every_question(page, score, reason):
    for group in page.get_by_role("group", name=re.compile(r"^Your score for question")).all():
        group.get_by_role("radio", name=re.compile(f"^{score}:")).check()
    for box in page.get_by_role("textbox", name=re.compile(r"^Why this score for question")).all():
        box.fill(reason)


def score_by_action(user, tender, bid_names, score, reason):
    """Score and submit the bids from ``bid_names`` as ``user``: the same forms the
    browser has already shown working, without a page load per bid."""
    member = PanelMember.objects.get(tender=tender, user=user)
    evaluation = evaluation_of(tender, user)
    for bid in evaluation.bids:
        if bid.organisation.name in bid_names:
            slots = slots_of(bid, evaluation.criteria, evaluation.lots)
            marks = dict.fromkeys(slots, (score, reason))
            actions.save_scores(member=member, bid=bid, marks=marks, by=user)
            actions.submit_scores(member=member, bid=bid, by=user)


def evaluator_declares_a_conflict_and_scores(page, tender, evaluator):
    signs_in_to(page, evaluator, "/evaluation/")
    expect(heading(page)).to_have_text("Your evaluation panels")
    page.follow(page.get_by_role("link", name=TITLE))
    expect(heading(page)).to_have_text("Evaluation")
    expect(main(page)).to_contain_text(CONFLICT)
    expect(page.get_by_role("link", name=LADYWOOD)).to_have_count(0)  # names only, no bids
    page.get_by_label("I have a conflict of interest with the bidders I choose below").check()
    page.get_by_label(CONFLICT).check()
    page.submit("Declare")
    expect(page.get_by_role("alert")).to_contain_text("Describe the conflict")
    page.get_by_label("Describe the conflict").fill("My partner is one of its trustees.")
    page.submit("Declare")
    expect(main(page)).to_contain_text("Your declaration is recorded.")
    expect(page.get_by_role("link", name=CONFLICT)).to_have_count(0)

    page.follow(page.get_by_role("link", name=LADYWOOD))
    expect(heading(page)).to_have_text(f"Score the bid from {LADYWOOD}")
    page.submit("Submit my scores for this bid")
    expect(page.get_by_role("alert").first).to_contain_text("Score question 1")
    score_every_question(page, 4, "Strong local delivery, said Daniel.")
    page.submit("Submit my scores for this bid")
    expect(main(page)).to_contain_text("Your scores for this bid are submitted.")
    expect(main(page)).to_contain_text("No other evaluator has submitted")
    score_by_action(evaluator, tender, {ASTON}, 3, "Sound plans.")
    sign_out(page)


def chair_scores_then_sees_the_others(phone, tender, chair):
    signs_in_to(phone, chair, "/evaluation/")
    phone.follow(phone.get_by_role("link", name=TITLE))
    expect(main(phone)).to_contain_text("You chair the panel.")
    phone.get_by_label("I have no conflict of interest").check()
    phone.submit("Declare")
    phone.follow(phone.get_by_role("link", name=LADYWOOD))
    expect(main(phone)).not_to_contain_text("said Daniel")
    score_every_question(phone, 2, "Thin on staffing.")
    phone.submit("Save as draft")
    expect(main(phone)).not_to_contain_text("said Daniel")
    phone.submit("Submit my scores for this bid")
    expect(main(phone)).to_contain_text("said Daniel")
    score_by_action(chair, tender, {ASTON, HANDSWORTH}, 3, "Sound plans.")


def moderate_by_action(user, tender, bid_names, score):
    """Record the consensus on every question of the bids from ``bid_names``: the
    form the browser has shown working on the first bid, without a load per question."""
    evaluation = evaluation_of(tender, user)
    for bid in evaluation.bids:
        if bid.organisation.name in bid_names:
            for slot in slots_of(bid, evaluation.criteria, evaluation.lots):
                actions.record_consensus(
                    bid=bid,
                    criterion=slot.criterion,
                    lot=slot.lot,
                    score=score,
                    reason="Agreed at the moderation meeting.",
                    revision=0,
                    by=user,
                )


def chair_moderates_every_bid(phone, tender, chair):
    """From the evaluation page to moderation; the disagreement on the first bid shown
    and every question of it given its consensus score; then the other two bids."""
    phone.follow(phone.get_by_role("link", name="Back to the bids to score"))
    phone.follow(phone.get_by_role("link", name="Moderate the scores"))
    expect(heading(phone)).to_have_text("Moderation")
    phone.follow(phone.get_by_role("link", name=re.compile(LADYWOOD)))
    expect(heading(phone)).to_have_text(f"Moderate the bid from {LADYWOOD}")
    expect(main(phone)).to_contain_text("Scores differ by 2")
    forms = phone.locator("form").filter(has=phone.get_by_role("button", name="Save the"))
    for index in range(forms.count()):
        form = forms.nth(index)
        form.get_by_role("group", name=re.compile("^Consensus score for")).get_by_role(
            "radio", name="3", exact=True
        ).check()
        form.get_by_role("textbox", name=re.compile("^Reason for the consensus score")).fill(
            "Agreed at the moderation meeting."
        )
        phone.follow(form.get_by_role("button", name="Save the consensus score"))
        expect(phone.get_by_role("alert")).to_be_visible()
    phone.follow(phone.get_by_role("link", name="Back to moderation"))
    expect(main(phone)).to_contain_text("consensus scores still to record")

    moderate_by_action(chair, tender, {ASTON}, 3)
    moderate_by_action(chair, tender, {HANDSWORTH}, 2)
    phone.follow(phone.get_by_role("link", name=re.compile(HANDSWORTH)))
    # The first evaluator's conflict: the chair's scores alone.
    expect(main(phone)).not_to_contain_text("said Daniel")
    expect(main(phone)).to_contain_text("Consensus score: 2 out of 5")
    phone.follow(phone.get_by_role("link", name="Back to moderation"))
    expect(main(phone)).to_contain_text("Every bid has its consensus scores.")


def download(page, link):
    """Follow a download link; the file's name and bytes."""
    with page.expect_download() as info:
        link.click()
    downloaded = info.value
    return downloaded.suggested_filename, Path(downloaded.path()).read_bytes()


def commissioner_reads_the_results_and_awards(page, tender, commissioner):
    signs_in_to(page, commissioner, f"/opportunities/{tender.opportunity.reference}/tender/")
    page.follow(page.get_by_role("link", name="See the results"))
    expect(heading(page)).to_have_text("Results")
    lot_1 = page.get_by_role("region", name="Lot 1: Northern wards")
    expect(lot_1.get_by_role("row").nth(1)).to_contain_text(LADYWOOD)

    name, content = download(page, page.get_by_role("link", name="Download the results (CSV)"))
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert {LADYWOOD, ASTON, HANDSWORTH} <= {cell for row in rows for cell in row}
    name, content = download(
        page, page.get_by_role("link", name="Download the evaluation report (PDF)")
    )
    assert name.endswith(".pdf") and content.startswith(b"%PDF")
    (SCREENSHOTS / "evaluation-report.pdf").write_bytes(content)

    page.follow(page.get_by_role("link", name="Back to the tender"))
    page.follow(page.get_by_role("link", name="Results and award"))
    expect(heading(page)).to_have_text("Award")
    lot_1 = page.get_by_role("region", name="Lot 1: Northern wards")
    for winner in (LADYWOOD, ASTON):  # the two best, ticked as the proposed winners
        expect(lot_1.get_by_label(re.compile(winner))).to_be_checked()
    lot_1.get_by_label("Reason for the decision").fill("The two best ranked bids.")
    page.submit("Send the notice of intention to award lot 1")
    expect(page.get_by_role("alert")).to_be_visible()
    lot_2 = page.get_by_role("region", name="Lot 2: Southern wards")
    expect(lot_2.get_by_label(re.compile(LADYWOOD))).to_be_checked()
    expect(lot_2.get_by_label(re.compile(ASTON))).not_to_be_checked()
    lot_2.get_by_label("Reason for the decision").fill("The best ranked bid.")
    page.submit("Send the notice of intention to award lot 2")
    decision = AwardDecision.objects.get(lot__number=1)
    assert set(decision.winners.values_list("organisation__name", flat=True)) == {LADYWOOD, ASTON}
    expect(page.get_by_role("region", name="Lot 1: Northern wards")).to_contain_text(
        f"Standstill ends at {standstill_end_in_words(decision.standstill_ends_at)}"
    )
    sign_out(page)
    return decision


def unsuccessful_bidder_reads_its_summary(page, bidder, bid):
    signs_in_to(page, bidder, f"/bids/{bid.reference}/")
    expect(main(page)).to_contain_text(
        "Award decision made: the standstill ends at midnight at the end of"
    )
    page.follow(page.get_by_role("link", name="Read your assessment summary"))
    expect(heading(page)).to_have_text("Assessment summary")
    expect(main(page)).to_contain_text("The council intends to award this to another bid.")
    expect(main(page)).to_contain_text("Agreed at the moderation meeting.")
    name, content = download(page, page.get_by_role("link", name="Download this summary as a PDF"))
    assert content.startswith(b"%PDF")
    (SCREENSHOTS / "assessment-summary.pdf").write_bytes(content)
    sign_out(page)


def commissioner_confirms_after_the_standstill(page, tender, commissioner, decision, clock):
    clock.move_to(decision.standstill_ends_at + timedelta(hours=1))
    signs_in_to(page, commissioner, f"/opportunities/{tender.opportunity.reference}/tender/award/")
    lot_1 = page.get_by_role("region", name="Lot 1: Northern wards")
    expect(lot_1).to_contain_text("Standstill over: ready to confirm")
    page.follow(lot_1.get_by_role("button", name="Confirm and publish the award"))
    expect(page.get_by_role("region", name="Lot 1: Northern wards")).to_contain_text("Awarded")
    page.follow(
        page.get_by_role("region", name="Lot 2: Southern wards").get_by_role(
            "button", name="Confirm and publish the award"
        )
    )
    sign_out(page)

    page.visit("/awards/")
    award = page.get_by_role("listitem").filter(has_text="Northern wards")
    expect(award).to_contain_text(LADYWOOD)
    expect(award).to_contain_text(ASTON)
    page.follow(award.get_by_role("link", name=TITLE))
    expect(heading(page)).to_have_text(TITLE)
    expect(main(page)).to_contain_text(ASTON)


def test_panel_scores_moderates_and_the_commissioner_awards_two_lots(
    page, colleague_page, opened, time_machine
):
    tender, commissioner, evaluator, chair, bidders = opened
    # 1. The commissioner names two evaluators, and the second chairs the panel.
    commissioner_names_the_panel(page, tender, commissioner, evaluator, chair)
    # 2. Both declare (one with a conflict) and score; each sees the other's scores
    #    only after submitting their own.
    evaluator_declares_a_conflict_and_scores(page, tender, evaluator)
    chair_scores_then_sees_the_others(colleague_page, tender, chair)
    # 3. The chair moderates every bid.
    chair_moderates_every_bid(colleague_page, tender, chair)
    # 4. Results, the CSV and the report; lot 1 to two winners, lot 2 to one.
    decision = commissioner_reads_the_results_and_awards(page, tender, commissioner)
    # 5. The bid that won nothing reads its assessment summary.
    lost = tender.bids.get(organisation__name=HANDSWORTH)
    unsuccessful_bidder_reads_its_summary(page, bidders[HANDSWORTH], lost)
    # 6. After the standstill the commissioner confirms; the award is public.
    commissioner_confirms_after_the_standstill(page, tender, commissioner, decision, time_machine)
