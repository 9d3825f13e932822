"""Evaluation results, checked against examples worked out by hand."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from tenders.models import CriterionGroup, PriceFormula, TieBreak
from tenders.results import BidScores, CriterionSpec, LotSpec, Method, results

Q, SV = CriterionGroup.QUALITY, CriterionGroup.SOCIAL_VALUE
WHOLE = LotSpec(None)

# The 60/20/20 default: three quality questions of 20, one social value of 20, price 20.
DEFAULT = Method(
    criteria=(
        CriterionSpec("Q1", Q, D(20), 5),
        CriterionSpec("Q2", Q, D(20), 5),
        CriterionSpec("Q3", Q, D(20), 5),
        CriterionSpec("S1", SV, D(20), 5),
    ),
    price_weight=D(20),
    price_formula=PriceFormula.LOWEST_RATIO,
)


def bid(name, price, *scores, lot=None):
    keys = [c.key for c in DEFAULT.criteria]
    return BidScores(
        name, name, {lot: D(price)}, {(key, None): s for key, s in zip(keys, scores, strict=True)}
    )


def by_bid(rows):
    return {row.bid: row for row in rows}


def test_the_60_20_20_default_with_three_bidders():
    rows = results(
        DEFAULT,
        [WHOLE],
        [
            bid("A", 100_000, 4, 3, 5, 3),
            bid("B", 80_000, 3, 3, 3, 4),
            bid("C", 120_000, 5, 4, 4, 2),
        ],
    )[None]
    # A: quality 16 + 12 + 20 = 48, social value 12, price 80,000 ÷ 100,000 × 20 = 16: 76.
    # B: quality 36, social value 16, price 20 (the lowest): 72.
    # C: quality 52, social value 8, price 80,000 ÷ 120,000 × 20 = 13.33: 73.33.
    assert [(r.bid, r.quality, r.social_value, r.price_score, r.total, r.rank) for r in rows] == [
        ("A", D(48), D(12), D(16), D(76), 1),
        ("C", D(52), D(8), D("13.33"), D("73.33"), 2),
        ("B", D(36), D(16), D(20), D(72), 3),
    ]
    assert by_bid(rows)["A"].by_criterion == {"Q1": 16, "Q2": 12, "Q3": 20, "S1": 12}
    # The mean valid price is 100,000; 80,000 is not under 80% of it.
    assert not any(r.abnormally_low for r in rows)
    assert [r.bid for r in rows if r.proposed] == ["A"]


TWO_QUESTIONS = Method(
    criteria=(CriterionSpec("Q1", Q, D(60), 5), CriterionSpec("S1", SV, D(20), 5)),
    price_weight=D(20),
    price_formula=PriceFormula.LOWEST_RATIO,
)


def pair(q1, s1, price, name):
    return BidScores(name, name, {None: D(price)}, {("Q1", None): q1, ("S1", None): s1})


@pytest.mark.parametrize(
    ("tie_break", "ranks"),
    [
        (TieBreak.QUALITY, {"X": 2, "Y": 1}),
        (TieBreak.SOCIAL_VALUE, {"X": 1, "Y": 2}),
        (TieBreak.PRICE, {"X": 1, "Y": 1}),  # the same price: still a tie
    ],
)
def test_a_tie_is_settled_by_the_declared_tie_break(tie_break, ranks):
    # X: 36 + 20 + 20 = 76. Y: 48 + 8 + 20 = 76.
    method = replace(TWO_QUESTIONS, tie_break=tie_break)
    rows = results(method, [WHOLE], [pair(3, 5, 1000, "X"), pair(4, 2, 1000, "Y")])[None]
    assert {r.bid: r.total for r in rows} == {"X": 76, "Y": 76}
    assert {r.bid: r.rank for r in rows} == ranks


def test_a_bid_under_a_minimum_score_fails_and_its_price_is_not_valid():
    method = Method(
        criteria=(CriterionSpec("Q1", Q, D(60), 5, minimum=2), CriterionSpec("S1", SV, D(20), 5)),
        price_weight=D(20),
        price_formula=PriceFormula.LOWEST_RATIO,
    )
    rows = by_bid(
        results(
            method,
            [WHOLE],
            [pair(1, 5, 50_000, "F"), pair(3, 3, 80_000, "G"), pair(4, 3, 100_000, "H")],
        )[None]
    )
    assert rows["F"].failed == ["Q1"] and rows["F"].rank is None and not rows["F"].proposed
    assert rows["F"].price_score == 0
    # The lowest valid price is G's 80,000, not F's 50,000.
    assert rows["G"].price_score == 20 and rows["H"].price_score == 16
    # G: 36 + 12 + 20 = 68; H: 48 + 12 + 16 = 76.
    assert (rows["H"].rank, rows["G"].rank) == (1, 2)


def test_an_abnormally_low_price_is_flagged_and_still_ranked():
    rows = by_bid(
        results(
            TWO_QUESTIONS,
            [WHOLE],
            [pair(3, 3, 100_000, "A"), pair(3, 3, 95_000, "B"), pair(3, 3, 60_000, "C")],
        )[None]
    )
    # The mean is 85,000; 80% of it is 68,000; 60,000 is under it.
    assert [name for name, row in rows.items() if row.abnormally_low] == ["C"]
    assert rows["C"].rank == 1 and rows["C"].price_score == 20
    assert rows["B"].price_score == D("12.63")  # 60,000 ÷ 95,000 × 20
    assert rows["A"].price_score == 12


def test_the_proportional_deviation_formula_stops_at_zero():
    method = replace(TWO_QUESTIONS, price_formula=PriceFormula.DEVIATION)
    rows = by_bid(
        results(
            method,
            [WHOLE],
            [pair(3, 3, 80_000, "A"), pair(3, 3, 100_000, "B"), pair(3, 3, 200_000, "C")],
        )[None]
    )
    # B is 25% above the lowest: 20 × 0.75 = 15. C is 150% above: below 0, so 0.
    assert [rows[n].price_score for n in "ABC"] == [20, 15, 0]


def lots_method(max_lots_won=None):
    return Method(
        criteria=(CriterionSpec("Q1", Q, D(80), 5),),
        price_weight=D(20),
        price_formula=PriceFormula.LOWEST_RATIO,
        max_lots_won=max_lots_won,
    )


def lot_bid(name, **prices):
    return BidScores(name, name, {lot: D(p) for lot, p in prices.items()}, {("Q1", None): 5})


LOTS = [LotSpec("L1", max_awards=2), LotSpec("L2", max_awards=2)]
LOT_BIDS = [
    lot_bid("A", L1=100, L2=200),
    lot_bid("B", L1=90),
    lot_bid("C", L1=120, L2=150),
    lot_bid("D", L2=300),
]


def test_two_lots_with_two_winners_each():
    by_lot = results(lots_method(), LOTS, LOT_BIDS)
    # Lot 1: B 80 + 20 = 100, A 80 + 18 = 98, C 80 + 15 = 95.
    assert [(r.bid, r.total, r.proposed) for r in by_lot["L1"]] == [
        ("B", D(100), True),
        ("A", D(98), True),
        ("C", D(95), False),
    ]
    # Lot 2: C 80 + 20 = 100, A 80 + 15 = 95, D 80 + 10 = 90.
    assert [(r.bid, r.proposed) for r in by_lot["L2"]] == [("C", True), ("A", True), ("D", False)]


def test_a_limit_on_lots_won_passes_a_lot_to_the_next_bid():
    by_lot = results(lots_method(max_lots_won=1), LOTS, LOT_BIDS)
    assert [r.bid for r in by_lot["L1"] if r.proposed] == ["B", "A"]
    # A already holds lot 1, so lot 2's second place goes to D.
    assert [r.bid for r in by_lot["L2"] if r.proposed] == ["C", "D"]
    assert next(r for r in by_lot["L2"] if r.bid == "A").rank == 2


def test_a_score_off_the_scale_or_missing_is_refused():
    with pytest.raises(ValueError, match="outside the scale"):
        results(TWO_QUESTIONS, [WHOLE], [pair(6, 3, 100, "A")])
    with pytest.raises(ValueError, match="no moderated score"):
        results(TWO_QUESTIONS, [WHOLE], [BidScores("A", "A", {None: D(1)}, {("Q1", None): 3})])
