# ruff: noqa: F811  (the panel fixtures are imported from tests.tenders.moderating)
"""The chair's moderation pages: the grid, a bid's scores side by side and the consensus
form, who may see them, and queries that do not grow with the evaluation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tenders import actions
from tenders.models import Consensus
from tests.factories import UserFactory
from tests.tenders.moderating import agree, grow, panel, scored, seat, submit_sheet  # noqa: F401

pytestmark = pytest.mark.django_db


def overview_url(tender):
    return reverse("tenders:moderation", args=[tender.opportunity.reference])


def bid_url(bid):
    return reverse("tenders:moderate_bid", args=[bid.tender.opportunity.reference, bid.reference])


def signed_in(client, user):
    client.force_login(user)
    return client


def form_data(bid, number=1, *, score="4", reason="Clear plan, good evidence.", revision=0):
    criterion = bid.tender.criteria.get(number=number)
    key = f"q{criterion.pk}-0"
    return {
        "slot": key,
        f"{key}-score": score,
        f"{key}-reason": reason,
        f"{key}-revision": revision,
    }


def test_the_chair_sees_every_bid_against_every_question(client, scored, opened_bids, tender):
    agree(opened_bids[0], scored.chair.user)
    page = signed_in(client, scored.chair.user).get(overview_url(tender)).content.decode()
    for bid in opened_bids:
        assert bid.organisation.name in page and bid_url(bid) in page
    assert page.count("Agreed") >= 4  # the first bid's four questions
    assert "8 consensus scores still to record." in page


def test_the_grid_says_who_is_still_to_submit(client, panel, opened_bids, tender):
    submit_sheet(panel.chair, opened_bids[0])
    page = signed_in(client, panel.chair.user).get(overview_url(tender)).content.decode()
    assert "2 still to submit" in page and "3 still to submit" in page


@pytest.mark.parametrize("who", ["evaluator", "commissioner", "outsider", "undeclared chair"])
def test_only_the_declared_chair_sees_moderation(
    client, scored, opened_bids, tender, publisher_member, who
):
    user = {
        "evaluator": scored.first.user,
        "commissioner": publisher_member,
        "outsider": UserFactory(is_evaluator=True),
        "undeclared chair": scored.chair.user,
    }[who]
    if who == "undeclared chair":
        scored.chair.declared_at = None
        scored.chair.save()
    signed_in(client, user)
    assert client.get(overview_url(tender)).status_code == 404
    assert client.get(bid_url(opened_bids[0])).status_code == 404
    assert client.post(bid_url(opened_bids[0]), form_data(opened_bids[0])).status_code == 404
    assert not Consensus.objects.exists()


def test_a_visitor_gets_404(client, scored, opened_bids, tender):
    assert client.get(overview_url(tender)).status_code == 404
    assert client.get(bid_url(opened_bids[0])).status_code == 404


def test_a_bid_the_chair_declared_a_conflict_with_is_nowhere(client, scored, opened_bids, tender):
    hidden = opened_bids[1]
    scored.chair.conflicts.add(hidden)
    signed_in(client, scored.chair.user)
    page = client.get(overview_url(tender)).content.decode()
    assert hidden.organisation.name not in page and hidden.reference not in page
    assert client.get(bid_url(hidden)).status_code == 404


def test_the_bid_page_shows_every_score_and_reason_and_the_disagreement(
    client, scored, opened_bids
):
    bid = opened_bids[0]
    page = signed_in(client, scored.chair.user).get(bid_url(bid)).content.decode()
    for member in (scored.chair, scored.first, scored.second):
        assert escape(str(member.user)) in page  # a name may have an apostrophe
    assert "Well evidenced." in page
    assert page.count("Scores differ by 2") == 1  # question 1 only
    assert "Scores range from 1 to 3" in page
    assert page.count("Every evaluator scored 3") == 3
    assert page.count("Save the consensus score") == 4


def test_the_bid_page_waits_for_every_evaluator(client, panel, opened_bids):
    bid = opened_bids[0]
    submit_sheet(panel.first, bid, lambda s: 5, reason="Secret until moderation.")
    page = signed_in(client, panel.chair.user).get(bid_url(bid)).content.decode()
    assert "Still to submit" in page
    assert escape(str(panel.chair.user)) in page and escape(str(panel.second.user)) in page
    assert "Secret until moderation." not in page
    assert "Save the consensus score" not in page


def test_the_chair_saves_a_consensus_score(client, scored, opened_bids):
    bid = opened_bids[0]
    response = signed_in(client, scored.chair.user).post(bid_url(bid), form_data(bid))
    key = form_data(bid)["slot"]
    assert response.status_code == 302 and response.url == f"{bid_url(bid)}#{key}"
    consensus = Consensus.objects.get()
    assert (consensus.score, consensus.reason, consensus.recorded_by) == (
        4,
        "Clear plan, good evidence.",
        scored.chair.user,
    )
    page = client.get(bid_url(bid)).content.decode()
    assert "Consensus score saved for question 1." in page
    assert "Consensus score: 4 out of 5" in page
    assert f'name="{key}-revision" value="1"' in page


def test_a_consensus_without_a_reason_is_refused_with_an_error_summary(client, scored, opened_bids):
    bid = opened_bids[0]
    response = signed_in(client, scored.chair.user).post(bid_url(bid), form_data(bid, reason=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Give the reason for the consensus score" in page
    assert not Consensus.objects.exists()


def test_a_score_off_the_scale_is_refused(client, scored, opened_bids):
    bid = opened_bids[0]
    response = signed_in(client, scored.chair.user).post(bid_url(bid), form_data(bid, score="9"))
    assert "govuk-error-summary" in response.content.decode()
    assert not Consensus.objects.exists()


def test_a_save_over_a_newer_consensus_is_told_and_overwrites_nothing(client, scored, opened_bids):
    bid = opened_bids[0]
    other_chair_tab = form_data(bid, score="1", reason="Weak.")  # read at revision 0
    actions.record_consensus(
        bid=bid,
        criterion=bid.tender.criteria.get(number=1),
        score=4,
        reason="Agreed at the meeting.",
        revision=0,
        by=scored.chair.user,
    )
    response = signed_in(client, scored.chair.user).post(bid_url(bid), other_chair_tab)
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert (
        "recorded a consensus score of 4 for this question while you were working; look at "
        "it and save again if you still disagree"
    ) in page
    assert "Agreed at the meeting." in page
    key = other_chair_tab["slot"]
    assert f'name="{key}-revision" value="1"' in page  # saving again now overrides knowingly
    assert Consensus.objects.get().score == 4


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_pages_queries_do_not_grow_with_bids_questions_or_evaluators(
    client, scored, opened_bids, tender
):
    chair = scored.chair
    agree(opened_bids[0], chair.user)
    chair.conflicts.set(opened_bids[1:])  # the chair sees one bid
    signed_in(client, chair.user)
    small = (_queries(client, overview_url(tender)), _queries(client, bid_url(opened_bids[0])))
    grow(tender, opened_bids, [scored.chair, scored.first, scored.second])
    chair.conflicts.clear()  # now three bids, six questions, five evaluators
    large = (_queries(client, overview_url(tender)), _queries(client, bid_url(opened_bids[0])))
    assert small == large
    assert max(large) <= 20


def test_a_question_scored_per_lot_is_moderated_lot_by_lot(client, scored, opened_bids, tender):
    question = tender.criteria.get(number=4)
    question.per_lot = True
    question.save()
    bid = opened_bids[0]
    lot = tender.opportunity.lots.get(number=2)
    signed_in(client, scored.chair.user)
    page = client.get(bid_url(bid)).content.decode()
    assert "Consensus score for question 4, Lot 1: Lot 1 area" in page
    assert "Consensus score for question 4, Lot 2: Lot 2 area" in page
    key = f"q{question.pk}-{lot.pk}"
    data = {
        "slot": key,
        f"{key}-score": "2",
        f"{key}-reason": "Thin in this area.",
        f"{key}-revision": "0",
    }
    assert client.post(bid_url(bid), data).status_code == 302
    consensus = Consensus.objects.get()
    assert (consensus.criterion, consensus.lot, consensus.score) == (question, lot, 2)
    overview = client.get(overview_url(tender)).content.decode()
    assert "1 of 2 lots agreed" in overview
