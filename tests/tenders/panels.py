"""Helpers for the panel and scoring tests: evaluators seated on a tender's panel,
declared, and their marks for a bid."""

from tenders import actions
from tenders.evaluation import lots_of, slots_of
from tests.factories import UserFactory


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
