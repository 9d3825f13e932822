# ruff: noqa: F811  (the panel fixtures are imported from tests.tenders.moderating)
"""Moderation through the actions: who may record a consensus score, what is refused,
the log, and two saves of the same question at once."""

import pytest
from django.core.exceptions import ValidationError

from tenders import actions
from tenders.models import Consensus, TenderEvent
from tests.concurrency import run_together
from tests.factories import UserFactory
from tests.tenders.moderating import panel, scored, seat, submit_sheet  # noqa: F401

pytestmark = pytest.mark.django_db


def question(tender, number=1):
    return tender.criteria.get(number=number)


def record(bid, by, *, number=1, score=4, reason="Strong evidence of outcomes.", revision=0):
    return actions.record_consensus(
        bid=bid,
        criterion=question(bid.tender, number),
        score=score,
        reason=reason,
        revision=revision,
        by=by,
    )


def test_the_chair_records_a_consensus_score_and_it_is_logged(scored, opened_bids, tender):
    bid = opened_bids[0]
    consensus = record(bid, scored.chair.user)
    assert (consensus.score, consensus.reason, consensus.revision) == (
        4,
        "Strong evidence of outcomes.",
        1,
    )
    event = tender.events.get(kind=TenderEvent.Kind.MODERATED)
    assert event.bid == bid and event.by == scored.chair.user
    assert event.summary == "Consensus score for question 1: 4"
    assert event.detail["old"] is None
    assert event.detail["new"] == {"score": 4, "reason": "Strong evidence of outcomes."}


def test_changing_a_consensus_logs_the_old_and_new_scores(scored, opened_bids, tender):
    bid = opened_bids[0]
    record(bid, scored.chair.user)
    changed = record(bid, scored.chair.user, score=2, reason="On reflection, weak.", revision=1)
    assert (changed.score, changed.revision) == (2, 2)
    event = tender.events.filter(kind=TenderEvent.Kind.MODERATED).last()
    assert event.summary == "Consensus score for question 1 changed from 4 to 2"
    assert event.detail["old"] == {"score": 4, "reason": "Strong evidence of outcomes."}
    assert event.detail["new"]["score"] == 2


def test_saving_the_same_score_again_changes_nothing(scored, opened_bids, tender):
    bid = opened_bids[0]
    record(bid, scored.chair.user)
    again = record(bid, scored.chair.user, revision=1)
    assert again.revision == 1
    assert tender.events.filter(kind=TenderEvent.Kind.MODERATED).count() == 1


@pytest.mark.parametrize("score", [6, -1, None])
def test_a_score_off_the_scale_is_refused(scored, opened_bids, score):
    with pytest.raises(ValidationError) as refused:
        record(opened_bids[0], scored.chair.user, score=score)
    assert refused.value.message_dict == {"score": ["Choose a score from 0 to 5"]}
    assert not Consensus.objects.exists()


def test_a_score_without_a_reason_is_refused(scored, opened_bids):
    with pytest.raises(ValidationError) as refused:
        record(opened_bids[0], scored.chair.user, reason="   ")
    assert refused.value.message_dict == {"reason": ["Give the reason for the consensus score"]}
    assert not Consensus.objects.exists()


def test_moderation_waits_for_every_evaluator_and_names_who_is_still_to_submit(panel, opened_bids):
    bid = opened_bids[0]
    submit_sheet(panel.chair, bid)
    submit_sheet(panel.first, bid)
    with pytest.raises(ValidationError) as refused:
        record(bid, panel.chair.user)
    assert str(panel.second.user) in refused.value.messages[0]
    assert str(panel.first.user) not in refused.value.messages[0]
    assert "Still to submit" in refused.value.messages[0]
    assert not Consensus.objects.exists()


def test_a_sheet_started_but_not_submitted_still_holds_moderation_back(panel, opened_bids):
    bid = opened_bids[0]
    for member in (panel.chair, panel.first):
        submit_sheet(member, bid)
    sheet = submit_sheet(panel.second, bid)
    sheet.submitted_at = None
    sheet.save()
    with pytest.raises(ValidationError):
        record(bid, panel.chair.user)


def test_an_evaluator_with_a_conflict_is_not_waited_for(panel, opened_bids, tender):
    bid = opened_bids[0]
    conflicted = seat(tender, conflicts=[bid])
    for member in (panel.chair, panel.first, panel.second):
        submit_sheet(member, bid)
    assert record(bid, panel.chair.user).score == 4
    assert conflicted.sheets.count() == 0


def test_an_evaluator_who_has_not_declared_is_waited_for(panel, opened_bids, tender):
    bid = opened_bids[0]
    late = seat(tender, declared=False)
    for member in (panel.chair, panel.first, panel.second):
        submit_sheet(member, bid)
    with pytest.raises(ValidationError) as refused:
        record(bid, panel.chair.user)
    assert str(late.user) in refused.value.messages[0]


def test_only_the_chair_moderates(scored, opened_bids, publisher_member):
    bid = opened_bids[0]
    for someone in (scored.first.user, publisher_member, UserFactory(is_evaluator=True)):
        with pytest.raises(PermissionError):
            record(bid, someone)
    assert not Consensus.objects.exists()


def test_a_chair_who_has_not_declared_cannot_moderate(scored, opened_bids):
    scored.chair.declared_at = None
    scored.chair.save()
    with pytest.raises(PermissionError):
        record(opened_bids[0], scored.chair.user)


def test_a_chair_with_a_conflict_cannot_moderate_that_bid(scored, opened_bids):
    scored.chair.conflicts.add(opened_bids[1])
    with pytest.raises(PermissionError):
        record(opened_bids[1], scored.chair.user)
    assert record(opened_bids[0], scored.chair.user).score == 4


def test_a_question_of_another_tender_or_a_lot_not_scored_is_refused(scored, opened_bids, tender):
    bid = opened_bids[0]
    lot = tender.opportunity.lots.first()
    with pytest.raises(ValueError, match="for that lot"):
        actions.record_consensus(
            bid=bid,
            criterion=question(tender),
            lot=lot,
            score=3,
            reason="Fine.",
            revision=0,
            by=scored.chair.user,
        )


def test_a_stale_revision_is_refused_and_nothing_is_overwritten(scored, opened_bids):
    bid = opened_bids[0]
    record(bid, scored.chair.user, score=4)
    with pytest.raises(actions.ConsensusChanged) as refused:
        record(bid, scored.chair.user, score=1, reason="Weak.", revision=0)
    name = str(scored.chair.user)
    assert refused.value.messages == [
        f"{name} recorded a consensus score of 4 for this question while you were working; "
        "look at it and save again if you still disagree"
    ]
    assert refused.value.current.score == 4
    assert Consensus.objects.get().score == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_question_at_once_leave_one_consensus(scored, opened_bids):
    bid = opened_bids[0]
    chair = scored.chair.user

    def save(i):
        return record(bid, chair, score=i + 1, reason=f"Reason {i}").score

    results, errors = run_together(save, count=2)
    assert len(errors) == 1 and isinstance(errors[0], actions.ConsensusChanged)
    consensus = Consensus.objects.get()
    assert [r for r in results if r is not None] == [consensus.score]
    assert consensus.revision == 1
    assert bid.tender.events.filter(kind=TenderEvent.Kind.MODERATED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_changes_from_the_same_revision_at_once_leave_one(scored, opened_bids):
    bid = opened_bids[0]
    chair = scored.chair.user
    record(bid, chair, score=3)

    def change(i):
        return record(bid, chair, score=i, reason=f"Changed {i}", revision=1).score

    results, errors = run_together(change, count=2)
    assert len(errors) == 1 and isinstance(errors[0], actions.ConsensusChanged)
    consensus = Consensus.objects.get()
    assert consensus.revision == 2
    assert consensus.reason == f"Changed {consensus.score}"


def test_a_revision_posted_for_a_question_with_no_consensus_overwrites_nothing_and_saves(
    scored, opened_bids
):
    # Nothing is stored, so nothing can be overwritten: a tampered revision is harmless.
    assert record(opened_bids[0], scored.chair.user, revision=99).revision == 1
