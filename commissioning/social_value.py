"""Reads of social value: a contract's pledges against what was delivered, by ward.

Pledges count different things (hours, jobs, apprenticeships), so quantities
are only ever added up within one pledge or one unit.
"""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from commissioning.models import Pledge, SocialValueLine, SocialValueReturn

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
QUANTITY = DecimalField(max_digits=16, decimal_places=4)


def pledges_of(contract):
    """The contract's pledges, each with ``delivered`` (the sum of its return lines),
    ``outstanding`` (what is still owed, never below 0) and its wards loaded; two queries."""
    pledges = list(
        Pledge.objects.filter(contract=contract)
        .annotate(delivered=Coalesce(Sum("returns__lines__quantity"), ZERO))
        .prefetch_related("wards")
        .order_by("pk")
    )
    for pledge in pledges:
        pledge.outstanding = max(pledge.quantity - pledge.delivered, Decimal(0))
    return pledges


def contract_delivered_by_ward(contract):
    """What the contract's suppliers delivered, by ward and pledge."""
    return list(
        SocialValueLine.objects.filter(social_value_return__pledge__contract=contract)
        .values(
            "ward__name",
            "ward__slug",
            "social_value_return__pledge",
            "social_value_return__pledge__measure",
            "social_value_return__pledge__unit",
        )
        .annotate(quantity=Sum("quantity"))
        .order_by("ward__name", "social_value_return__pledge")
    )


def returns_of(contract):
    """The contract's returns, newest period first, each with ``total`` and ``line_count``."""
    return list(
        SocialValueReturn.objects.filter(pledge__contract=contract)
        .select_related("pledge", "submitted_by")
        .annotate(total=Coalesce(Sum("lines__quantity"), ZERO), line_count=Count("lines"))
        .order_by("-period_start", "-pk")
    )


def pledged_and_delivered_by_unit(contracts):
    """Rows of ``unit``, ``pledged`` and ``delivered`` for the matching contracts' pledges."""
    pledged = Pledge.objects.filter(contract__in=contracts.values("pk"))
    rows = {
        row["unit"]: {"unit": row["unit"], "pledged": row["pledged"], "delivered": Decimal(0)}
        for row in pledged.values("unit").annotate(pledged=Sum("quantity")).order_by("unit")
    }
    delivered = (
        SocialValueLine.objects.filter(social_value_return__pledge__in=pledged)
        .values(unit=F("social_value_return__pledge__unit"))
        .annotate(delivered=Sum("quantity"))
        .order_by()
    )
    for row in delivered:
        rows[row["unit"]]["delivered"] = row["delivered"]
    return [_with_percent(row) for row in rows.values()]


def pledged_and_delivered_by_ward(contracts):
    """Rows of ward ``name``, ``slug``, ``unit``, ``pledged`` (pledges for named wards, split
    equally) and ``delivered`` (every return line in the ward), by ward then unit."""
    pledged = Pledge.objects.filter(contract__in=contracts.values("pk"))
    through = Pledge.wards.through
    split = ExpressionWrapper(
        F("pledge__quantity") / _ward_count_of_pledge(through), output_field=QUANTITY
    )
    rows = {}
    for row in (
        through.objects.filter(pledge__in=pledged, pledge__citywide=False)
        .alias(split=split)
        .values(name=F("ward__name"), slug=F("ward__slug"), unit=F("pledge__unit"))
        .annotate(pledged=Sum("split"))
        .order_by()
    ):
        rows[row["name"], row["unit"]] = {**row, "delivered": Decimal(0)}
    for row in (
        SocialValueLine.objects.filter(social_value_return__pledge__in=pledged)
        .values(
            name=F("ward__name"), slug=F("ward__slug"), unit=F("social_value_return__pledge__unit")
        )
        .annotate(delivered=Sum("quantity"))
        .order_by()
    ):
        key = row["name"], row["unit"]
        rows.setdefault(key, {**row, "pledged": None})["delivered"] = row["delivered"]
    return [_with_percent(rows[key]) for key in sorted(rows)]


def _with_percent(row):
    pledged = row.get("pledged")
    row["percent"] = round(row["delivered"] * 100 / pledged) if pledged else None
    return row


def _ward_count_of_pledge(through):
    """A subquery counting the wards of the outer row's pledge."""
    from commissioning.spend import ward_count  # spend reads this module

    return ward_count(through, "pledge", "pledge")
