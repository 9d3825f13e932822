"""Assessment summaries (s.50): what each bidder reads, hand-checked; the PDF; and that
nobody else, nor anyone before the notice of intention, reads them."""

import pytest
from django.urls import reverse

from tenders import actions
from tenders.assessment import assessment_of
from tenders.awards import standstill_end_in_words
from tenders.models import Consensus, Criterion
from tests.factories import MembershipFactory
from tests.tenders.award import moderate
from tests.tenders.conftest import submitted_bids

pytestmark = pytest.mark.django_db

# Hand-worked, lot 1, four questions weighted 20 on a 0–5 scale, price weighted 20:
# bid 0: 4, 4, 4, 4 → 16 each: quality 48, social value 16; £40,000, the lowest: 20 → 84.
# bid 1: 3, 3, 3, 3 → 12 each: quality 36, social value 12; £50,000: 40/50 × 20 = 16 → 64.
# bid 2: 3, 3, 1, 3 with a minimum of 2 on question 3: fails, not ranked, no price score;
#        quality 12 + 12 + 4 = 28, social value 12 → 40.
SCORES = {0: [4, 4, 4, 4], 1: [3, 3, 3, 3], 2: [3, 3, 1, 3]}


@pytest.fixture
def decided(opened_bids, tender, publisher_member):
    Criterion.objects.filter(tender=tender, number=3).update(minimum_score=2)
    index = {bid.pk: n for n, bid in enumerate(opened_bids)}
    moderate(
        tender,
        publisher_member,
        lambda bid, slot: SCORES[index[bid.pk]][slot.criterion.number - 1],
    )
    lot = tender.opportunity.lots.get(number=1)
    decision = actions.send_intention(
        tender=tender, lot=lot, winners=[opened_bids[0]], reason="Best.", by=publisher_member
    )
    return opened_bids, decision


def summary_url(bid):
    return reverse("tenders:bid_summary", args=[bid.reference])


def read(client, bid, as_user=None):
    client.force_login(as_user or bid.created_by)
    return client.get(summary_url(bid))


def test_an_unsuccessful_bid_reads_its_scores_reasons_rank_and_the_winners_scores(
    decided, client, tender
):
    bids, decision = decided
    (section,) = assessment_of(bids[1])
    assert (section.own.quality, section.own.social_value) == (36, 12)
    assert (section.own.price_score, section.own.total, section.own.rank) == (16, 64, 2)
    assert section.assessed == 3 and not section.is_winner and not section.failed
    (winner,) = section.winners
    assert (winner.total, winner.quality, winner.price_score) == (84, 48, 20)
    assert [(row.score, row.weighted) for row in section.questions] == [(3, 12)] * 4
    assert [row.winners for row in section.questions] == [[(4, 16)]] * 4

    page = " ".join(read(client, bids[1]).content.decode().split())
    assert "Your bid ranked 2 of the 3 bids assessed." in page
    assert "3 out of 5, giving 12.00 of the 20 points this question is worth" in page
    assert "4 out of 5, giving 16.00 points" in page and "84.00" in page and "64.00" in page
    assert f"Reason for {bids[1].reference} on question 1." in page
    # Scores only from the winning bid: never its reasons or answers.
    assert f"Reason for {bids[0].reference}" not in page
    assert "We will do it well." not in page
    end = standstill_end_in_words(decision.standstill_ends_at)
    assert f"Standstill ends at {end}." in page
    assert tender.opportunity.contact_email in page


def test_a_failed_bid_is_told_which_question_and_minimum(decided, client):
    bids, _decision = decided
    (section,) = assessment_of(bids[2])
    assert section.own.rank is None and section.own.total == 40
    assert [row.number for row in section.failed] == [3]
    page = " ".join(read(client, bids[2]).content.decode().split())
    assert "not ranked among the 3 bids assessed" in page
    assert "Your bid failed on question 3: it scored 1, and the minimum score was 2." in page


def test_the_winner_reads_its_own_summary(decided, client):
    bids, _decision = decided
    page = read(client, bids[0]).content.decode()
    assert "The council intends to award this to your bid." in page
    assert "Your bid ranked 1 of the 3 bids assessed." in page


def test_an_abnormally_low_price_is_said(tender, publisher_member, client, time_machine):
    bids = submitted_bids(tender, ["20000", "50000", "60000"])
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    tender.refresh_from_db()
    moderate(tender, publisher_member)
    lot = tender.opportunity.lots.get(number=1)
    actions.send_intention(
        tender=tender, lot=lot, winners=[bids[1]], reason="Best.", by=publisher_member
    )
    assert "Your price was flagged as abnormally low" in read(client, bids[0]).content.decode()
    assert "abnormally low" not in read(client, bids[2]).content.decode()


def test_a_bid_in_two_decided_lots_has_a_section_for_each(decided, tender, publisher_member):
    bids, _decision = decided
    lot_2 = tender.opportunity.lots.get(number=2)
    actions.send_intention(
        tender=tender, lot=lot_2, winners=[bids[1]], reason="Best.", by=publisher_member
    )
    sections = assessment_of(bids[1])
    assert [section.lot.number for section in sections] == [1, 2]
    assert [section.is_winner for section in sections] == [False, True]


def test_the_pdf_is_the_summary_for_the_bidder_only(decided, client):
    bids, _decision = decided
    client.force_login(bids[1].created_by)
    response = client.get(reverse("tenders:bid_summary_pdf", args=[bids[1].reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"assessment-summary-{bids[1].reference}.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    client.force_login(bids[2].created_by)
    pdf = reverse("tenders:bid_summary_pdf", args=[bids[1].reference])
    assert client.get(pdf).status_code == 404


def test_another_bidder_the_commissioner_and_visitors_get_404(decided, client, publisher_member):
    bids, _decision = decided
    assert read(client, bids[1], as_user=bids[2].created_by).status_code == 404
    assert read(client, bids[1], as_user=publisher_member).status_code == 404
    assert read(client, bids[1], as_user=MembershipFactory().user).status_code == 404
    client.logout()
    assert client.get(summary_url(bids[1])).status_code == 404


def test_a_colleague_reads_the_summary_and_the_task_list_links_to_it(decided, client):
    bids, _decision = decided
    colleague = MembershipFactory(organisation=bids[1].organisation).user
    assert read(client, bids[1], as_user=colleague).status_code == 200
    task_list = client.get(reverse("tenders:bid", args=[bids[1].reference])).content.decode()
    assert summary_url(bids[1]) in task_list


def test_there_is_no_summary_before_the_notice(opened_bids, tender, publisher_member, client):
    moderate(tender, publisher_member)
    assert read(client, opened_bids[0]).status_code == 404
    task_list = client.get(reverse("tenders:bid", args=[opened_bids[0].reference]))
    assert summary_url(opened_bids[0]) not in task_list.content.decode()


def test_the_summary_says_what_the_decision_was_made_on(decided):
    bids, _decision = decided
    Consensus.objects.filter(bid=bids[1]).update(score=5, reason="Changed afterwards.")
    (section,) = assessment_of(bids[1])
    assert section.own.total == 64
    assert [row.reason for row in section.questions][0] == (
        f"Reason for {bids[1].reference} on question 1."
    )
