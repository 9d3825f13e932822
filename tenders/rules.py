"""The tender rules that are plain arithmetic: words, weights and the price formulas.

Kept free of the database so the public method page, the bid forms and (in the
evaluation) the scoring all count the same way.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from tenders.models import PriceFormula

TOTAL_WEIGHT = Decimal(100)
_WORD = re.compile(r"\S+")


def word_count(text):
    """Words as GOV.UK's character count component counts them: runs of non-spaces."""
    return len(_WORD.findall(text or ""))


def weighted(score, scale_max, weight):
    """``score ÷ scale_max × weight``, to two places: a criterion's share of the total."""
    return (Decimal(score) / Decimal(scale_max) * Decimal(weight)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )


def price_score(price, lowest, weight, formula):
    """The price score of ``price`` when ``lowest`` is the lowest valid price.

    ``LOWEST_RATIO``: lowest ÷ price × weight. ``DEVIATION``: weight × (1 − (price −
    lowest) ÷ lowest), never below 0. A price of 0 scores the full weight.
    """
    price, lowest, weight = Decimal(price), Decimal(lowest), Decimal(weight)
    if price <= 0 or lowest <= 0:
        share = Decimal(1) if price <= lowest else Decimal(0)
    elif formula == PriceFormula.DEVIATION:
        share = max(Decimal(0), 1 - (price - lowest) / lowest)
    else:
        share = lowest / price
    return (share * weight).quantize(Decimal("0.01"), ROUND_HALF_UP)


def abnormally_low(prices, percent):
    """The prices under ``percent``% of the mean of ``prices``: flagged for clarification,
    never rejected on that ground alone."""
    prices = [Decimal(price) for price in prices]
    if len(prices) < 2:
        return set()
    threshold = sum(prices) / len(prices) * Decimal(percent) / 100
    return {price for price in prices if price < threshold}
