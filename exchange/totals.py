"""The help the exchange has delivered, in public: totals by ward and by kind.

Only confirmed deliveries count: help the giver recorded and the recipient has
not confirmed counts for nothing. A delivery is in its need's ward and of its
need's kind and unit. Hours, items and places are different things and are
never added together; the value in pounds is the sum of the values given (a
delivery without one adds nothing). Every figure is one SQL aggregate: no row of
a delivery is read into Python.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from exchange.models import ZERO, Delivery, Kind, Unit


@dataclass(frozen=True)
class Measure:
    """One thing the totals add up: a unit of help, or the value in pounds."""

    key: str
    label: str
    unit: str | None  # None for the value in pounds


MEASURES = [
    Measure("hours", _("Hours"), Unit.HOURS),
    Measure("items", _("Items"), Unit.ITEMS),
    Measure("places", _("Places"), Unit.PLACES),
    Measure("value", _("Value in pounds"), None),
]
MEASURE = {measure.key: measure for measure in MEASURES}


def confirmed_deliveries():
    """Deliveries the recipient has confirmed: the only ones that count."""
    return Delivery.objects.filter(confirmed_at__isnull=False)


def _sums():
    sums = {
        m.key: Sum("quantity", filter=Q(match__need__unit=m.unit), default=ZERO)
        for m in MEASURES
        if m.unit
    }
    return {**sums, "value": Sum("value", default=ZERO), "deliveries": Count("pk")}


def overall():
    """``{"hours", "items", "places", "value", "deliveries"}`` over every confirmed delivery."""
    return confirmed_deliveries().aggregate(**_sums())


def by_ward():
    """One dict per ward with confirmed help (``name``, ``slug`` and the sums of
    ``overall``), by ward name."""
    return list(
        confirmed_deliveries()
        .values(name=F("match__need__ward__name"), slug=F("match__need__ward__slug"))
        .annotate(**_sums())
        .order_by("name")
    )


def by_kind():
    """One dict per kind of help with confirmed help (``kind``, ``name`` and the sums of
    ``overall``), in the order of ``Kind``."""
    rows = {
        row["kind"]: row
        for row in confirmed_deliveries()
        .values(kind=F("match__need__kind"))
        .annotate(**_sums())
        .order_by()
    }
    return [{**rows[kind], "name": kind.label} for kind in Kind if kind in rows]


def largest(rows, measure, count=None):
    """The rows with some of ``measure``, largest first (by name among equals), at most
    ``count``: what a chart of that measure shows."""
    chosen = sorted(
        (row for row in rows if row[measure.key]), key=lambda row: (-row[measure.key], row["name"])
    )
    return chosen[:count] if count else chosen


def recent_testimonials(count=3):
    """The newest ``count`` confirmed deliveries with a testimonial, with the need, its
    organisation and the offering organisation; plain text, for the page to escape."""
    return list(
        confirmed_deliveries()
        .exclude(testimonial="")
        .select_related("match__need__organisation", "match__offer__organisation")
        .only(
            "testimonial",
            "confirmed_at",
            "match__need__title",
            "match__need__kind",
            "match__need__organisation__name",
            "match__need__organisation__slug",
            "match__offer__organisation__name",
            "match__offer__organisation__slug",
        )
        .order_by("-confirmed_at", "-pk")[:count]
    )
