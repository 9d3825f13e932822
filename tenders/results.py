"""Evaluation results from the method and the moderated scores alone: one pure module.

Nothing here reads the database. The results page, the CSV and the evaluation
report build a ``Method`` and a ``BidScores`` for each bid and call ``results``;
so a result can be recomputed from what was published and what the panel
agreed, and checked by hand.

For each lot, each bid that is for it gets:

- a weighted score for each quality and social value question: score ÷ top of
  the scale × weight, to two places (``rules.weighted``);
- a failure for each question scored below its minimum (Procurement Act s.23(3)(a)):
  a failed bid keeps its scores but is not ranked, and its price is not a
  valid price;
- a price score against the lowest valid price, by the tender's formula
  (``rules.price_score``), and a flag if its price is abnormally low (under the
  tender's percentage of the mean valid price): flagged for clarification,
  never rejected here;
- the total, and a rank among the bids that did not fail: higher total first,
  then the declared tie-break, and equal rank where even that ties.

Winners are then proposed lot by lot, in lot order: the best-ranked bids, up to
the number the lot may award, skipping a bidder who already holds as many lots
as one bidder may win.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from tenders import rules
from tenders.models import CriterionGroup, TieBreak

ZERO = Decimal(0)


@dataclass(frozen=True)
class CriterionSpec:
    """A question of the method: ``key`` names it in a bid's scores."""

    key: object
    group: str  # CriterionGroup
    weight: Decimal
    scale_max: int
    minimum: int | None = None
    per_lot: bool = False


@dataclass(frozen=True)
class LotSpec:
    key: object  # None for an opportunity without lots
    max_awards: int = 1


@dataclass(frozen=True)
class Method:
    criteria: tuple
    price_weight: Decimal
    price_formula: str
    abnormally_low_percent: int = 80
    tie_break: str = TieBreak.QUALITY
    max_lots_won: int | None = None


@dataclass(frozen=True)
class BidScores:
    """A bid as the results see it.

    ``prices``: lot key → its price for that lot (the lots it bid for).
    ``scores``: (criterion key, lot key or None) → the moderated score; a question
    answered once is scored under ``None`` and counts for every lot.
    """

    bid: object
    bidder: object
    prices: dict
    scores: dict


@dataclass
class Result:
    bid: object
    bidder: object
    lot: object
    price: Decimal
    by_criterion: dict = field(default_factory=dict)  # criterion key → weighted score
    quality: Decimal = ZERO
    social_value: Decimal = ZERO
    price_score: Decimal = ZERO
    total: Decimal = ZERO
    failed: list = field(default_factory=list)  # criteria scored under their minimum
    abnormally_low: bool = False
    rank: int | None = None
    proposed: bool = False

    @property
    def has_failed(self):
        return bool(self.failed)


def _score(bid, criterion, lot):
    key = (criterion.key, lot.key if criterion.per_lot else None)
    if key not in bid.scores:
        raise ValueError(f"Bid {bid.bid} has no moderated score for {key}.")
    score = bid.scores[key]
    if not 0 <= score <= criterion.scale_max:
        raise ValueError(f"Bid {bid.bid}: {score} is outside the scale 0–{criterion.scale_max}.")
    return score


def _lot_results(method, lot, bids):
    rows = []
    for bid in bids:
        if lot.key not in bid.prices:
            continue
        row = Result(
            bid=bid.bid, bidder=bid.bidder, lot=lot.key, price=Decimal(bid.prices[lot.key])
        )
        for criterion in method.criteria:
            score = _score(bid, criterion, lot)
            points = rules.weighted(score, criterion.scale_max, criterion.weight)
            row.by_criterion[criterion.key] = points
            if criterion.group == CriterionGroup.SOCIAL_VALUE:
                row.social_value += points
            else:
                row.quality += points
            if criterion.minimum is not None and score < criterion.minimum:
                row.failed.append(criterion.key)
        rows.append(row)
    valid = [row for row in rows if not row.has_failed]
    if valid and method.price_weight > 0:
        lowest = min(row.price for row in valid)
        low = rules.abnormally_low([row.price for row in valid], method.abnormally_low_percent)
        for row in valid:
            row.price_score = rules.price_score(
                row.price, lowest, method.price_weight, method.price_formula
            )
            row.abnormally_low = row.price in low
    for row in rows:
        row.total = row.quality + row.social_value + row.price_score
    _rank(method, valid)
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, -r.total, str(r.bid)))


def _tie_break_key(method, row):
    if method.tie_break == TieBreak.SOCIAL_VALUE:
        return row.social_value
    if method.tie_break == TieBreak.PRICE:
        return -row.price
    return row.quality


def _rank(method, rows):
    """Rank 1 for the best; rows equal on total and on the tie-break share a rank."""
    ordered = sorted(rows, key=lambda r: (r.total, _tie_break_key(method, r)), reverse=True)
    previous, rank = None, 0
    for position, row in enumerate(ordered, start=1):
        key = (row.total, _tie_break_key(method, row))
        if key != previous:
            rank, previous = position, key
        row.rank = rank


def results(method, lots, bids):
    """``{lot key: [Result, …]}`` ranked best first (failed bids last), winners proposed.

    Raises ``ValueError`` if a bid lacks a moderated score or has one off the scale.
    """
    by_lot = {lot.key: _lot_results(method, lot, bids) for lot in lots}
    won = {}
    for lot in lots:
        proposed = 0
        for row in by_lot[lot.key]:
            if row.rank is None or proposed >= lot.max_awards:
                continue
            if method.max_lots_won and won.get(row.bidder, 0) >= method.max_lots_won:
                continue
            row.proposed = True
            proposed += 1
            won[row.bidder] = won.get(row.bidder, 0) + 1
    return by_lot
