"""Reads of social value: a contract's pledges against what was delivered, by ward.

Pledges count different things (hours, jobs, apprenticeships), so quantities
are only ever added up within one pledge or one unit.
"""

from django.db.models import Count, DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from commissioning.models import Pledge, SocialValueLine, SocialValueReturn

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def pledges_of(contract):
    """The contract's pledges, each with ``delivered`` (the sum of its return lines) and its
    wards loaded; two queries."""
    return list(
        Pledge.objects.filter(contract=contract)
        .annotate(delivered=Coalesce(Sum("returns__lines__quantity"), ZERO))
        .prefetch_related("wards")
        .order_by("pk")
    )


def delivered_by_ward(lines):
    """``lines`` (a SocialValueLine queryset) added up by ward and unit, by ward name:
    dicts of ``ward__name``, ``ward__slug``, ``unit``, ``quantity`` and ``districts``."""
    return list(
        lines.values("ward__name", "ward__slug", unit=F("social_value_return__pledge__unit"))
        .annotate(quantity=Sum("quantity"), districts=Count("postcode_district", distinct=True))
        .order_by("ward__name", "unit")
    )


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
