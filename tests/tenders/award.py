"""Helpers for the award and summary tests: a moderated tender ready to award."""

from tenders.evaluation import evaluation_of, slots_of
from tenders.models import Consensus


def moderate(tender, by, score_of=lambda bid, slot: 3):
    """Record a consensus score (``score_of(bid, slot)``) for every slot of every bid,
    each with a reason naming its bid and question, so tests can find them."""
    evaluation = evaluation_of(tender, by)
    for bid in evaluation.bids:
        for slot in slots_of(bid, evaluation.criteria, evaluation.lots):
            Consensus.objects.create(
                bid=bid,
                criterion=slot.criterion,
                lot=slot.lot,
                score=score_of(bid, slot),
                reason=f"Reason for {bid.reference} on question {slot.criterion.number}.",
                recorded_by=by,
            )
