"""Helpers for the panel and scoring tests: evaluators seated on a tender's panel,
declared, and their marks for a bid."""

from tenders import actions
from tenders.evaluation import lots_of, slots_of
from tests.factories import UserFactory
from tests.tenders.conftest import open_opportunity, submitted_bids


def seat(tender, by, **fields):
    """A new evaluator put on ``tender``'s panel by the commissioner ``by``."""
    evaluator = UserFactory(is_evaluator=True)
    return actions.add_panel_member(
        tender=tender, email=evaluator.email, role=fields.pop("role", "officer"), by=by, **fields
    )


def declared(tender, by, conflicts=()):
    """A new evaluator on the panel who has declared (no conflict, or ``conflicts``)."""
    member = seat(tender, by)
    return actions.declare_interests(
        member=member,
        by=member.user,
        conflicts=conflicts,
        declaration="My sister runs it." if conflicts else "",
    )


def slots(member, bid):
    """The slots ``member`` scores ``bid`` on (the bid as ``scorable_bids`` reads it)."""
    bid = actions.scorable_bids(member).get(pk=bid.pk)
    return slots_of(bid, list(member.tender.criteria.all()), lots_of(member.tender))


def score_all(member, bid, score=3, reason="Clear evidence."):
    """Score every question of ``bid`` for ``member`` and submit the sheet."""
    marks = dict.fromkeys(slots(member, bid), (score, reason))
    actions.save_scores(member=member, bid=bid, marks=marks, by=member.user)
    return actions.submit_scores(member=member, bid=bid, by=member.user)


def opened_tender(commissioner, time_machine, prices, *, extra_questions=0):
    """A new tender of ``commissioner``'s publisher with a bid per price in ``prices``,
    its box opened. ``extra_questions`` more quality questions (the first per lot)
    take their weight from question 1. The clock stays at its deadline."""
    opportunity = open_opportunity(commissioner.memberships.get().organisation)
    tender = actions.create_tender(opportunity=opportunity, by=commissioner)
    for number in range(extra_questions):
        actions.save_criterion(
            tender=tender,
            by=commissioner,
            group="quality",
            question=f"Extra question {number}",
            weight=1,
            per_lot=number == 0,
        )
    if extra_questions:
        weights = {criterion: criterion.weight for criterion in tender.criteria.all()}
        first = min(weights, key=lambda criterion: criterion.number)
        weights[first] -= extra_questions
        actions.set_weights(
            tender=tender, by=commissioner, price_weight=tender.price_weight, weights=weights
        )
    bids = submitted_bids(tender, prices)
    time_machine.move_to(opportunity.submission_deadline, tick=False)
    tender = actions.open_box(tender=tender, by=commissioner)
    return tender, bids
