"""A tender's evaluation method arranged for reading: the commissioner's tender page and
the public "How bids will be scored" both show it.

Three queries at most (criteria, price lines with their lots, and the
opportunity's lots unless they were prefetched), however many questions there are.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from tenders import rules
from tenders.models import CriterionGroup, PriceFormula

# The worked example of the price formula: two bids for the same lot.
EXAMPLE_LOWEST = Decimal(80000)
EXAMPLE_PRICE = Decimal(100000)


@dataclass
class Group:
    name: str
    weight: Decimal
    criteria: list = field(default_factory=list)


@dataclass
class Summary:
    tender: object
    groups: list
    total: Decimal
    criteria: list
    price_lines: list
    lots: list
    price_schedule: list  # [(lot or None, [lines])]
    example: dict | None

    @property
    def minimums(self):
        return [c for c in self.criteria if c.minimum_score is not None]


def _number(value):
    text = f"{Decimal(value).normalize():f}"
    return text


def _money(value):
    return f"£{value:,.0f}"


def price_example(tender):
    """The price formula worked through for a bid of £100,000 when the lowest is £80,000."""
    weight = tender.price_weight
    if weight <= 0:
        return None
    score = rules.price_score(EXAMPLE_PRICE, EXAMPLE_LOWEST, weight, tender.price_formula)
    values = {
        "lowest": _money(EXAMPLE_LOWEST),
        "price": _money(EXAMPLE_PRICE),
        "weight": _number(weight),
        "score": _number(score),
    }
    if tender.price_formula == PriceFormula.DEVIATION:
        words = _(
            "The lowest valid price gets all %(weight)s marks. Each other price loses marks in "
            "proportion to how far it is above the lowest: the marks are %(weight)s × (1 − "
            "(price − lowest) ÷ lowest), and never below 0. A price twice the lowest or more "
            "gets no marks."
        )
        sum_ = _("%(weight)s × (1 − (%(price)s − %(lowest)s) ÷ %(lowest)s) = %(score)s")
    else:
        words = _(
            "The lowest valid price gets all %(weight)s marks. Each other price gets the lowest "
            "price divided by its own price, times %(weight)s: a price twice the lowest gets half "
            "the marks."
        )
        sum_ = _("%(lowest)s ÷ %(price)s × %(weight)s = %(score)s")
    return {
        "words": words % values,
        "example": _(
            "For example, if the lowest valid price is %(lowest)s, a bid of %(price)s scores "
            "%(sum)s out of %(weight)s."
        )
        % (values | {"sum": sum_ % values}),
    }


def method_summary(tender):
    """``tender``'s method grouped for display: Quality, Social value and Price with their
    weights, the questions in each, the price lines by lot and the formula in words."""
    criteria = list(tender.criteria.all())
    price_lines = list(tender.price_lines.select_related("lot"))
    lots = list(tender.opportunity.lots.all())
    groups = [
        Group(
            name=str(label),
            weight=sum((c.weight for c in criteria if c.group == value), Decimal(0)),
            criteria=[c for c in criteria if c.group == value],
        )
        for value, label in CriterionGroup.choices
    ]
    groups.append(Group(name=_("Price"), weight=tender.price_weight))
    schedule = [
        (lot, [line for line in price_lines if line.lot_id == (lot.pk if lot else None)])
        for lot in (lots or [None])
    ]
    return Summary(
        tender=tender,
        groups=groups,
        total=sum((g.weight for g in groups), Decimal(0)),
        criteria=criteria,
        price_lines=price_lines,
        lots=lots,
        price_schedule=schedule,
        example=price_example(tender),
    )
