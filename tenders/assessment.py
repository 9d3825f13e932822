"""Assessment summaries (Procurement Act 2023, section 50): what a bidder is told about
its bid when the notice of intention to award is sent.

One ``AssessmentSection`` per decision of a lot the bid was assessed for: the
bid's scores and the panel's consensus reasons as the decision recorded them
(``AwardDecision.results``), the winning bids' scores beside them (scores only:
never another bid's answers or reasons), its rank among the bids assessed, why
it failed if it did, whether its price was flagged abnormally low, when the
standstill ends and whom to ask. Two queries, however many decisions.

``results_snapshot`` writes the decision's copy of the results when the notice is
sent; the sections here read it, so its format is kept in this one module.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from tenders.awards import standstill_end_in_words
from tenders.models import AssessmentSummary, CriterionGroup

PENNY = Decimal("0.01")


def _money(value):
    """A score, weight or price for the JSON snapshot: a string to two places, so it
    stays exact and reads alike (a failed bid's price score is 0.00, not 0)."""
    return str(Decimal(value).quantize(PENNY))


def results_snapshot(evaluation, rows):
    """One lot's results as JSON: the questions as they were, and per bid its rank,
    moderated scores with their reasons, weighted scores, total, failures,
    abnormally-low flag and price. Kept with the decision, never published: a
    bidder is shown its own reasons and only the winners' scores."""
    return {
        "criteria": [
            {
                "id": criterion.pk,
                "number": criterion.number,
                "question": criterion.question,
                "group": criterion.group,
                "weight": _money(criterion.weight),
                "scale_max": criterion.scale_max,
                "minimum": criterion.minimum_score,
                "per_lot": criterion.per_lot,
            }
            for criterion in evaluation.criteria
        ],
        "price_weight": _money(evaluation.tender.price_weight),
        "bids": [_bid_snapshot(evaluation, row) for row in rows],
    }


def _bid_snapshot(evaluation, row):
    def consensus(criterion):
        lot_id = row.lot if criterion.per_lot else None
        return evaluation.consensus[(row.bid.pk, criterion.pk, lot_id)]

    return {
        "bid": row.bid.pk,
        "reference": row.bid.reference,
        "organisation": row.bid.organisation.name,
        "rank": row.rank,
        "scores": {
            str(criterion.pk): {
                "score": consensus(criterion).score,
                "reason": consensus(criterion).reason,
                "weighted": _money(row.by_criterion[criterion.pk]),
            }
            for criterion in evaluation.criteria
        },
        "quality": _money(row.quality),
        "social_value": _money(row.social_value),
        "price_score": _money(row.price_score),
        "total": _money(row.total),
        "failed": list(row.failed),
        "abnormally_low": row.abnormally_low,
        "price": _money(row.price),
        "proposed": row.proposed,
    }


@dataclass
class QuestionRow:
    number: int
    question: str
    group: str
    weight: Decimal
    scale_max: int
    minimum: int | None
    score: int
    weighted: Decimal
    reason: str
    winners: list = field(default_factory=list)  # [(score, weighted)] in winners' order

    @property
    def failed(self):
        return self.minimum is not None and self.score < self.minimum


@dataclass
class Standing:
    """A bid's totals in a decision's results."""

    organisation: str
    quality: Decimal
    social_value: Decimal
    price_score: Decimal
    total: Decimal
    rank: int | None


@dataclass
class AssessmentSection:
    decision: object
    opportunity: object
    lot: object
    own: Standing
    winners: list  # [Standing]
    questions: list  # [QuestionRow]
    assessed: int
    is_winner: bool
    abnormally_low: bool
    price_weight: Decimal
    standstill_end: str

    @property
    def failed(self):
        return [row for row in self.questions if row.failed]


def _standing(row):
    return Standing(
        organisation=row["organisation"],
        quality=Decimal(row["quality"]),
        social_value=Decimal(row["social_value"]),
        price_score=Decimal(row["price_score"]),
        total=Decimal(row["total"]),
        rank=row["rank"],
    )


def _section(summary):
    decision = summary.decision
    results = decision.results
    by_bid = {row["bid"]: row for row in results["bids"]}
    own = by_bid[summary.bid_id]
    winner_ids = [bid.pk for bid in decision.winners.all()]
    # Best first, so "winning bid 1" is the one that ranked highest.
    winners = sorted((by_bid[pk] for pk in winner_ids if pk in by_bid), key=lambda row: row["rank"])
    questions = []
    for criterion in results["criteria"]:
        key = str(criterion["id"])
        questions.append(
            QuestionRow(
                number=criterion["number"],
                question=criterion["question"],
                group=CriterionGroup(criterion["group"]).label,
                weight=Decimal(criterion["weight"]),
                scale_max=criterion["scale_max"],
                minimum=criterion["minimum"],
                score=own["scores"][key]["score"],
                weighted=Decimal(own["scores"][key]["weighted"]),
                reason=own["scores"][key]["reason"],
                winners=[
                    (row["scores"][key]["score"], Decimal(row["scores"][key]["weighted"]))
                    for row in winners
                ],
            )
        )
    return AssessmentSection(
        decision=decision,
        opportunity=decision.tender.opportunity,
        lot=decision.lot,
        own=_standing(own),
        winners=[_standing(row) for row in winners],
        questions=questions,
        assessed=len(results["bids"]),
        is_winner=summary.bid_id in winner_ids,
        abnormally_low=own["abnormally_low"],
        price_weight=Decimal(results["price_weight"]),
        standstill_end=standstill_end_in_words(decision.standstill_ends_at),
    )


def assessment_of(bid):
    """The assessment summary sections of ``bid``, lot by lot; empty until a notice of
    intention to award was sent for a lot it was assessed for.

    The caller has checked the reader is one of the bidding organisations
    (``Bid.objects.of_bidders``).
    """
    summaries = list(
        AssessmentSummary.objects.filter(bid=bid)
        .select_related("decision__tender__opportunity", "decision__lot")
        .prefetch_related("decision__winners")
        .order_by("decision__lot__number", "decision__intention_sent_at")
    )
    return [_section(summary) for summary in summaries]
