"""Independent scoring: entering, changing and submitting scores (tenders.actions.scoring)."""

import pytest
from django.core.exceptions import ValidationError

from tenders import actions
from tenders.models import Consensus, Score, ScoreSheet, TenderEvent
from tests.tenders.panels import declared, score_all, seat, slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(opened_bids, tender, publisher_member):
    return declared(tender, publisher_member)


@pytest.fixture
def per_lot(tender):
    """Question 1 answered for each lot (before the bids are made)."""
    tender.criteria.filter(number=1).update(per_lot=True)


def _save(member, bid, marks):
    return actions.save_scores(member=member, bid=bid, marks=marks, by=member.user)


def test_a_bid_is_scored_on_each_question_and_each_lot_of_a_per_lot_question(
    per_lot, member, opened_bids, tender
):
    lots = list(tender.opportunity.lots.all())
    assert [(slot.criterion.number, slot.lot) for slot in slots(member, opened_bids[0])] == [
        (1, lots[0]),
        (1, lots[1]),
        *[(c.number, None) for c in tender.criteria.all()[1:]],
    ]


def test_a_draft_is_saved_and_each_score_logged(member, opened_bids, tender):
    first, second = slots(member, opened_bids[0])[:2]
    sheet = _save(member, opened_bids[0], {first: (4, "Strong plan."), second: (None, "")})
    assert sheet.submitted_at is None
    assert [(s.score, s.reason) for s in sheet.scores.all()] == [(4, "Strong plan.")]
    event = tender.events.get(kind=TenderEvent.Kind.SCORE_ENTERED)
    assert event.bid == opened_bids[0]
    assert event.detail["score"] == 4 and event.detail["criterion"] == first.criterion.number


def test_a_change_is_logged_with_the_old_and_new_values(member, opened_bids, tender):
    (first,) = slots(member, opened_bids[0])[:1]
    _save(member, opened_bids[0], {first: (4, "Strong plan.")})
    _save(member, opened_bids[0], {first: (4, "Strong plan.")})  # unchanged: nothing logged
    _save(member, opened_bids[0], {first: (2, "Missed the staffing.")})
    event = tender.events.get(kind=TenderEvent.Kind.SCORE_CHANGED)
    assert {
        "score": 2,
        "old_score": 4,
        "reason": "Missed the staffing.",
        "old_reason": "Strong plan.",
    }.items() <= event.detail.items()
    assert event.summary == f"Score for question {first.criterion.number} changed from 4 to 2"


def test_a_score_off_the_scale_or_without_a_reason_is_refused_naming_the_question(
    member, opened_bids
):
    first, second, third = slots(member, opened_bids[0])[:3]
    n1, n2, n3 = (slot.criterion.number for slot in (first, second, third))
    with pytest.raises(ValidationError) as refused:
        _save(
            member,
            opened_bids[0],
            {first: (6, "Too high."), second: (3, "  "), third: (None, "A reason alone.")},
        )
    assert sorted(m for ms in refused.value.message_dict.values() for m in ms) == sorted(
        [
            f"The score for question {n1} must be between 0 and 5",
            f"Give a reason for your score for question {n2}",
            f"Choose a score for question {n3}",
        ]
    )
    assert not Score.objects.exists()  # nothing saved while anything is wrong


def test_a_per_lot_question_is_named_with_its_lot(per_lot, member, opened_bids):
    lot_slot = next(slot for slot in slots(member, opened_bids[0]) if slot.lot)
    with pytest.raises(ValidationError) as refused:
        _save(member, opened_bids[0], {lot_slot: (3, "")})
    (message,) = [m for ms in refused.value.message_dict.values() for m in ms]
    assert message == (
        f"Give a reason for your score for question {lot_slot.criterion.number}, {lot_slot.lot}"
    )


def test_submitting_needs_every_question_scored(member, opened_bids, tender):
    every = slots(member, opened_bids[0])
    _save(member, opened_bids[0], dict.fromkeys(every[1:], (3, "Fine.")))
    with pytest.raises(ValidationError) as refused:
        actions.submit_scores(member=member, bid=opened_bids[0], by=member.user)
    assert refused.value.messages == [f"Score question {every[0].criterion.number}"]
    _save(member, opened_bids[0], {every[0]: (3, "Fine.")})
    sheet = actions.submit_scores(member=member, bid=opened_bids[0], by=member.user)
    assert sheet.submitted_at == tender.opened_at
    assert tender.events.filter(kind=TenderEvent.Kind.SCORES_SUBMITTED).count() == 1
    actions.submit_scores(member=member, bid=opened_bids[0], by=member.user)
    assert tender.events.filter(kind=TenderEvent.Kind.SCORES_SUBMITTED).count() == 1


def test_a_score_changes_after_submitting_until_the_chair_records_the_consensus(
    member, opened_bids, publisher_member
):
    score_all(member, opened_bids[0])
    first, second = slots(member, opened_bids[0])[:2]
    _save(member, opened_bids[0], {first: (5, "On reflection, excellent.")})
    Consensus.objects.create(
        bid=opened_bids[0],
        criterion=first.criterion,
        lot=first.lot,
        score=4,
        reason="Agreed.",
        recorded_by=publisher_member,
    )
    with pytest.raises(ValidationError) as refused:
        _save(member, opened_bids[0], {first: (2, "Changed my mind.")})
    assert refused.value.messages == [
        f"The chair has recorded the panel's consensus score for question "
        f"{first.criterion.number}, so your score for it can no longer change"
    ]
    _save(member, opened_bids[0], {first: (5, "On reflection, excellent."), second: (1, "Weak.")})
    assert ScoreSheet.objects.get(member=member).scores.get(criterion=second.criterion).score == 1


def test_only_a_declared_member_without_a_conflict_scores_and_only_their_own_sheet(
    opened_bids, tender, publisher_member
):
    undeclared = seat(tender, publisher_member)
    conflicted = declared(tender, publisher_member, conflicts=[opened_bids[0]])
    other = declared(tender, publisher_member)
    for member, by in ((undeclared, undeclared.user), (conflicted, conflicted.user)):
        with pytest.raises(PermissionError):
            actions.save_scores(member=member, bid=opened_bids[0], marks={}, by=by)
    with pytest.raises(PermissionError):
        actions.save_scores(member=other, bid=opened_bids[0], marks={}, by=conflicted.user)
    with pytest.raises(PermissionError):
        actions.submit_scores(member=conflicted, bid=opened_bids[0], by=conflicted.user)
    assert not ScoreSheet.objects.exists()


def test_a_question_the_bid_does_not_answer_is_refused(per_lot, member, opened_bids):
    lot_slot = next(slot for slot in slots(member, opened_bids[0]) if slot.lot)
    stray = type(lot_slot)(lot_slot.criterion, None)  # per lot, so never without one
    with pytest.raises(ValidationError, match="Score only the questions"):
        _save(member, opened_bids[0], {stray: (3, "x")})
