"""The scoring page: a bid's frozen answers beside a score and reason per question."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tenders import actions
from tenders.actions import slot_key
from tenders.models import Consensus, ScoreSheet
from tests.tenders.bidding import signed_in
from tests.tenders.conftest import complete
from tests.tenders.panels import declared, opened_tender, score_all, slots

pytestmark = pytest.mark.django_db


def _url(bid):
    return reverse("tenders:score_bid", args=[bid.tender.opportunity.reference, bid.reference])


def _post(member, bid, score=3, reason="Clear evidence.", **extra):
    data = {}
    for slot in slots(member, bid):
        data[f"score_{slot_key(slot)}"] = score
        data[f"reason_{slot_key(slot)}"] = reason
    return data | extra


@pytest.fixture
def member(opened_bids, tender, publisher_member, client):
    member = declared(tender, publisher_member)
    signed_in(client, member.user)
    return member


def test_the_page_shows_the_frozen_answers_and_the_scale(client, member, opened_bids):
    page = client.get(_url(opened_bids[0])).text
    assert "We will do it well." in page
    assert "5: Excellent: goes beyond the requirement" in page
    assert "Submit my scores for this bid" in page and "Save as draft" in page
    assert opened_bids[0].current_version.content["lead"]["name"] in page


def test_a_draft_is_saved_then_submitted(client, member, opened_bids):
    bid = opened_bids[0]
    first = slots(member, bid)[0]
    data = {f"score_{slot_key(first)}": 4, f"reason_{slot_key(first)}": "Strong.", "draft": ""}
    response = client.post(_url(bid), data, follow=True)
    assert "Your scores are saved as a draft." in response.text
    sheet = ScoreSheet.objects.get(member=member, bid=bid)
    assert sheet.submitted_at is None and sheet.scores.get().score == 4

    page = client.post(_url(bid), data | {"submit": ""}).text
    assert "saved as a draft, but not submitted" in page
    assert f"Score question {slots(member, bid)[1].criterion.number}" in page

    response = client.post(_url(bid), _post(member, bid, submit=""), follow=True)
    assert "Your scores for this bid are submitted." in response.text
    sheet.refresh_from_db()
    assert sheet.submitted_at is not None


def test_refusals_name_the_question(client, member, opened_bids):
    bid = opened_bids[0]
    first, second = slots(member, bid)[:2]
    page = client.post(
        _url(bid),
        {
            f"score_{slot_key(first)}": 9,
            f"reason_{slot_key(first)}": "Off the scale.",
            f"score_{slot_key(second)}": 2,
            f"reason_{slot_key(second)}": "",
            "draft": "",
        },
    ).text
    assert "There is a problem" in page
    assert f"The score for question {first.criterion.number} must be between 0 and 5" in page
    assert f"Give a reason for your score for question {second.criterion.number}" in page
    assert not ScoreSheet.objects.filter(scores__isnull=False).exists()


def test_others_scores_are_hidden_until_your_own_are_submitted(
    client, member, opened_bids, tender, publisher_member
):
    bid = opened_bids[0]
    other = declared(tender, publisher_member)
    score_all(other, bid, score=1, reason="Thin on staffing, said the other.")
    page = client.get(_url(bid)).text
    assert "Thin on staffing, said the other." not in page
    assert escape(other.user.full_name) not in page
    client.post(_url(bid), _post(member, bid, draft=""))
    assert "Thin on staffing, said the other." not in client.get(_url(bid)).text
    client.post(_url(bid), _post(member, bid, submit=""))
    page = client.get(_url(bid)).text
    assert "Thin on staffing, said the other." in page and escape(other.user.full_name) in page
    # A draft by a third evaluator stays hidden from everyone.
    third = declared(tender, publisher_member)
    first = slots(third, bid)[0]
    actions.save_scores(
        member=third, bid=bid, marks={first: (5, "A draft thought.")}, by=third.user
    )
    assert "A draft thought." not in client.get(_url(bid)).text


def test_a_score_cannot_change_after_the_consensus(client, member, opened_bids, publisher_member):
    bid = opened_bids[0]
    score_all(member, bid)
    first = slots(member, bid)[0]
    Consensus.objects.create(
        bid=bid,
        criterion=first.criterion,
        lot=first.lot,
        score=3,
        reason="Agreed.",
        recorded_by=publisher_member,
    )
    page = client.get(_url(bid)).text
    assert "so your score can no longer change" in page
    client.post(_url(bid), _post(member, bid, score=1, reason="Changed.", draft=""))
    scores = {
        s.criterion_id: s.score for s in ScoreSheet.objects.get(member=member, bid=bid).scores.all()
    }
    assert scores[first.criterion.pk] == 3  # the moderated question kept its score
    assert set(scores.values()) == {1, 3}  # the others changed


def test_a_conflicted_bid_and_other_tenders_bids_are_404(
    client, opened_bids, tender, publisher_member
):
    member = declared(tender, publisher_member, conflicts=[opened_bids[0]])
    signed_in(client, member.user)
    assert client.get(_url(opened_bids[0])).status_code == 404
    assert client.post(_url(opened_bids[0]), _post(member, opened_bids[1])).status_code == 404
    files = reverse(
        "tenders:scored_attachment",
        args=[tender.opportunity.reference, opened_bids[0].reference, 1],
    )
    assert client.get(files).status_code == 404
    assert client.get(_url(opened_bids[1])).status_code == 200


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_scoring_page_does_not_grow_with_questions_or_evaluators(
    client, publisher_member, time_machine
):
    """Two sizes: one evaluator on the default four questions, then six more questions,
    one of them per lot, and four more evaluators who submitted."""
    _small, (bid,) = opened_tender(publisher_member, time_machine, ["40000"])
    member = declared(bid.tender, publisher_member)
    score_all(member, bid)
    signed_in(client, member.user)
    small = _queries(client, _url(bid))

    bigger, bids = opened_tender(
        publisher_member, time_machine, ["40000", "50000"], extra_questions=6
    )
    for _ in range(4):
        score_all(declared(bigger, publisher_member), bids[0])
    chair = declared(bigger, publisher_member)
    score_all(chair, bids[0])
    signed_in(client, chair.user)
    assert len(slots(chair, bids[0])) == 11  # 4 + 6 questions, one of them for 2 lots
    assert _queries(client, _url(bids[0])) <= small
    page = client.get(_url(bids[0])).text
    assert "Extra question 5" in page and page.count("Clear evidence.") == 11 * 5


def test_the_evaluator_downloads_the_files_submitted_with_the_bid(
    client, tender, bid, bidder, publisher_member, time_machine
):
    complete(bid, bidder)
    kept = actions.add_attachment(
        bid=bid, by=bidder, title="Plan", file=SimpleUploadedFile("plan.pdf", b"%PDF-1.7 plan")
    )
    actions.submit(bid=bid, by=bidder)
    later = actions.add_attachment(
        bid=bid, by=bidder, title="Later", file=SimpleUploadedFile("later.pdf", b"%PDF-1.7 x")
    )
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    member = declared(tender, publisher_member)
    signed_in(client, member.user)

    def file_url(attachment):
        args = [tender.opportunity.reference, bid.reference, attachment.pk]
        return reverse("tenders:scored_attachment", args=args)

    assert file_url(kept) in client.get(_url(bid)).text
    download = client.get(file_url(kept))
    assert b"".join(download.streaming_content) == b"%PDF-1.7 plan"
    assert client.get(file_url(later)).status_code == 404  # not in the submitted version


def test_a_conflict_declared_after_scoring_hides_the_bid_and_takes_the_scores_out(
    client, member, opened_bids, tender, publisher_member
):
    bid = opened_bids[0]
    late = declared(tender, publisher_member)
    score_all(late, bid, reason="Scored before I saw the trustee list.")
    actions.declare_interests(
        member=late, by=late.user, conflicts=[bid], declaration="I found I know its chair."
    )
    client.post(_url(bid), _post(member, bid, submit=""))
    page = client.get(_url(bid)).text
    assert "Scored before I saw the trustee list." not in page
    assert "No other evaluator has submitted scores for this bid yet." in page
    signed_in(client, late.user)
    assert client.get(_url(bid)).status_code == 404
    evaluation = reverse("tenders:evaluation", args=[tender.opportunity.reference])
    assert bid.reference not in client.get(evaluation).text
