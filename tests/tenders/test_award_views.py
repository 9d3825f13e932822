"""The commissioners' award page: results per lot, the notice of intention, the standstill
date shown, withdrawing and confirming; 404 for everyone else."""

import pytest
from django.urls import reverse

from tenders import actions
from tenders.awards import standstill_end_in_words
from tenders.models import AwardDecision, Criterion
from tests.factories import MembershipFactory
from tests.tenders.award import moderate
from tests.tenders.conftest import open_opportunity, submitted_bids

pytestmark = pytest.mark.django_db


def award_url(tender):
    return reverse("tenders:award", args=[tender.opportunity.reference])


@pytest.fixture
def commissioner_client(client, publisher_member):
    client.force_login(publisher_member)
    return client


@pytest.fixture
def moderated(opened_bids, tender, publisher_member):
    moderate(tender, publisher_member)
    return opened_bids


def post_award(client, tender, lot, winners, **fields):
    key = str(lot.pk)
    data = {
        "lot": key,
        f"lot-{key}-winners": [str(bid.pk) for bid in winners],
        f"lot-{key}-reason": "The highest total score.",
        f"lot-{key}-standstill_working_days": "8",
    }
    data |= {f"lot-{key}-{name}": value for name, value in fields.items()}
    return client.post(award_url(tender), data)


def test_the_page_lists_each_lots_results_with_the_proposed_winner_ticked(
    moderated, tender, commissioner_client
):
    page = commissioner_client.get(award_url(tender)).content.decode()
    assert "Send the notice of intention to award lot 1" in page
    assert "Send the notice of intention to award lot 2" in page
    assert page.count("Proposed winner") == 2
    assert "68.00" in page and "£40,000" in page
    lot = tender.opportunity.lots.get(number=1)
    page = " ".join(page.split())
    assert f'name="lot-{lot.pk}-winners"' in page
    assert f'value="{moderated[0].pk}" checked="checked"' in page
    assert f'value="{moderated[1].pk}" >' in page  # not ticked
    assert f"Ranked 2: {moderated[1].organisation.name} ({moderated[1].reference})" in page


def test_before_moderation_the_page_says_what_is_missing(opened_bids, tender, commissioner_client):
    page = commissioner_client.get(award_url(tender)).content.decode()
    # 3 bids × (4 questions) for 2 lots, none per lot: 12 consensus scores.
    assert "12 scores still need a consensus" in page
    assert "Send the notice" not in page


def test_sending_the_notice_shows_the_standstill_end(moderated, tender, commissioner_client):
    lot = tender.opportunity.lots.get(number=1)
    response = post_award(commissioner_client, tender, lot, [moderated[0]])
    assert response.status_code == 302
    decision = AwardDecision.objects.get()
    end = standstill_end_in_words(decision.standstill_ends_at)
    page = commissioner_client.get(award_url(tender)).content.decode()
    assert f"Standstill ends at {end}." in page
    assert f"You can confirm the award after the standstill ends at {end}." in page
    assert "Confirm and publish the award" not in page
    tender_page = commissioner_client.get(
        reverse("tenders:tender", args=[tender.opportunity.reference])
    ).content.decode()
    assert f"standstill ends at {end}" in tender_page


def test_a_short_standstill_is_refused_beside_its_field(moderated, tender, commissioner_client):
    lot = tender.opportunity.lots.get(number=1)
    response = post_award(
        commissioner_client, tender, lot, [moderated[0]], standstill_working_days="5"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The standstill must be at least 8 working days" in page
    assert not AwardDecision.objects.exists()


def test_a_failed_bid_is_refused_naming_the_question(
    opened_bids, tender, publisher_member, commissioner_client
):
    question = tender.criteria.get(number=2)
    Criterion.objects.filter(pk=question.pk).update(minimum_score=3)
    moderate(
        tender,
        publisher_member,
        lambda bid, slot: 2 if bid == opened_bids[0] and slot.criterion == question else 4,
    )
    lot = tender.opportunity.lots.get(number=1)
    page = commissioner_client.get(award_url(tender)).content.decode()
    assert "failed, scored under the minimum on question 2" in page
    response = post_award(commissioner_client, tender, lot, [opened_bids[0]])
    assert "under the minimum of 3 on question 2" in response.content.decode()


def test_confirming_is_refused_during_the_standstill_and_done_after(
    moderated, tender, publisher_member, client, time_machine
):
    lot = tender.opportunity.lots.get(number=1)
    decision = actions.send_intention(
        tender=tender, lot=lot, winners=[moderated[0]], reason="Best.", by=publisher_member
    )
    client.force_login(publisher_member)
    url = reverse("tenders:confirm_award", args=[tender.opportunity.reference, decision.pk])
    response = client.post(url, follow=True)
    end = standstill_end_in_words(decision.standstill_ends_at)
    assert f"The standstill ends at {end}. The award can be confirmed after that." in (
        response.content.decode()
    )
    time_machine.move_to(decision.standstill_ends_at, tick=False)
    client.force_login(publisher_member)
    page = client.get(award_url(tender)).content.decode()
    assert "Standstill over: ready to confirm" in page
    response = client.post(url, follow=True)
    assert "is confirmed and published" in response.content.decode()
    decision.refresh_from_db()
    assert decision.is_confirmed


def test_withdrawing_asks_for_a_reason(moderated, tender, publisher_member, commissioner_client):
    lot = tender.opportunity.lots.get(number=1)
    decision = actions.send_intention(
        tender=tender, lot=lot, winners=[moderated[0]], reason="Best.", by=publisher_member
    )
    url = reverse("tenders:withdraw_award", args=[tender.opportunity.reference, decision.pk])
    assert "Withdraw the award decision for Lot 1" in commissioner_client.get(url).content.decode()
    response = commissioner_client.post(url, {"reason": ""})
    assert "Give the reason for withdrawing the decision" in response.content.decode()
    response = commissioner_client.post(url, {"reason": "A scoring error."})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.withdrawal_reason == "A scoring error."
    assert commissioner_client.get(url).status_code == 404  # no longer current


@pytest.mark.parametrize("who", ["visitor", "bidder", "other_commissioner"])
def test_only_the_publishers_commissioners_see_the_award_pages(moderated, tender, client, who):
    if who == "bidder":
        client.force_login(moderated[0].created_by)
    elif who == "other_commissioner":
        client.force_login(
            MembershipFactory(organisation__publishing_allowed_at=tender.opened_at).user
        )
    assert client.get(award_url(tender)).status_code == 404
    lot = tender.opportunity.lots.get(number=1)
    assert post_award(client, tender, lot, [moderated[0]]).status_code == 404
    assert not AwardDecision.objects.exists()


def test_the_award_page_is_404_while_the_box_is_sealed(tender, commissioner_client):
    assert commissioner_client.get(award_url(tender)).status_code == 404


@pytest.mark.parametrize("bids", [2, 6])
def test_the_award_page_queries_do_not_grow_with_the_bids(
    bids, tender, publisher_member, client, time_machine, django_assert_max_num_queries
):
    prices = [str(40000 + 1000 * n) for n in range(bids)]
    submitted_bids(tender, prices)
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    tender.refresh_from_db()
    moderate(tender, publisher_member)
    lot = tender.opportunity.lots.get(number=1)
    winner = tender.bids.order_by("submitted_at").first()
    actions.send_intention(
        tender=tender, lot=lot, winners=[winner], reason="Best.", by=publisher_member
    )
    client.force_login(publisher_member)
    with django_assert_max_num_queries(15):  # the same at both sizes
        assert client.get(award_url(tender)).status_code == 200


def test_an_opportunity_without_lots_is_awarded_as_one_contract(
    publisher_member, client, time_machine
):
    opportunity = open_opportunity(publisher_member.memberships.get().organisation, lots=0)
    tender = actions.create_tender(opportunity=opportunity, by=publisher_member)
    bids = submitted_bids(tender, ["40000", "50000"])
    time_machine.move_to(opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    tender.refresh_from_db()
    moderate(tender, publisher_member)
    client.force_login(publisher_member)
    page = client.get(award_url(tender)).content.decode()
    assert "The contract" in page and "Send the notice of intention to award the contract" in page
    response = client.post(
        award_url(tender),
        {
            "lot": "contract",
            "lot-contract-winners": [str(bids[0].pk)],
            "lot-contract-reason": "Best.",
            "lot-contract-standstill_working_days": "8",
        },
    )
    assert response.status_code == 302
    decision = AwardDecision.objects.get()
    assert decision.lot is None and list(decision.winners.all()) == [bids[0]]
    time_machine.move_to(decision.standstill_ends_at, tick=False)
    client.force_login(publisher_member)
    client.post(reverse("tenders:confirm_award", args=[opportunity.reference, decision.pk]))
    opportunity.refresh_from_db()
    assert opportunity.awarded_at == decision.standstill_ends_at
