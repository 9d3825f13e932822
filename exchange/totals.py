"""The help the exchange has delivered, in public: totals by ward and by kind.

Only confirmed deliveries count: help the giver recorded and the recipient has
not confirmed counts for nothing. A delivery is in its need's ward and of its
need's kind and unit. Hours, items and places are different things and are
never added together; the value in pounds is the sum of the values given (a
delivery without one adds nothing). The figures come from one SQL aggregate: no
row of a delivery is read into Python.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from exchange.models import ZERO, Delivery, Kind, Unit

logger = logging.getLogger(__name__)
GENERATION = "exchange:totals:generation"
KEPT_FOR_SECONDS = 3600


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


FIGURES = ("hours", "items", "places", "value", "deliveries")


def _nothing():
    return dict.fromkeys(FIGURES, ZERO) | {"deliveries": 0}


def _added(groups, key=None):
    """The subtotals in ``groups`` added up by the field ``key`` (all together without
    one): ``{its value: row}``."""
    added = {}
    for group in groups:
        row = added.setdefault(group[key] if key else None, _nothing())
        for name in FIGURES:
            row[name] += group[name]
    return added


def _made():
    # One aggregate over the confirmed deliveries, by ward and kind (at most wards x
    # kinds subtotals); the totals by ward, by kind and overall add up those
    # subtotals, so the deliveries are read once, never into Python.
    groups = list(
        confirmed_deliveries()
        .values(
            name=F("match__need__ward__name"),
            slug=F("match__need__ward__slug"),
            kind=F("match__need__kind"),
        )
        .annotate(**_sums())
        .order_by()
    )
    wards = _added(groups, "slug")
    names = {group["slug"]: group["name"] for group in groups}
    kinds = _added(groups, "kind")
    return {
        "overall": _added(groups).get(None, _nothing()),
        "by_ward": sorted(
            ({**row, "slug": slug, "name": names[slug]} for slug, row in wards.items()),
            key=lambda row: row["name"],
        ),
        "by_kind": [{**kinds[k], "kind": k, "name": k.label} for k in Kind if k in kinds],
    }


def _key():
    """Confirmed deliveries are only ever added: their number and the latest
    confirmation change with every one, so figures kept under them are never out of date."""
    seen = confirmed_deliveries().aggregate(count=Count("*"), last=Max("confirmed_at"))
    last = seen["last"].isoformat() if seen["last"] else "-"
    return f"exchange:totals:{cache.get(GENERATION, 0)}:{seen['count']}:{last}"


def figures():
    """The help delivered: ``{"overall": row, "by_ward": [row], "by_kind": [row]}``.

    Each row has ``hours``, ``items``, ``places``, ``value`` (pounds) and
    ``deliveries``; a ward's also ``name`` and ``slug`` (by name), a kind's ``kind``
    and ``name`` (in the order of ``Kind``). Only wards and kinds with confirmed help
    are listed. Kept in the cache until another delivery is confirmed (at most
    ``KEPT_FOR_SECONDS``); made afresh when the cache does not answer.
    """
    try:
        key = _key()
        kept = cache.get(key)
    except Exception as error:  # whatever the cache backend raises when it is away
        logger.warning("The exchange totals are made afresh: the cache did not answer (%r)", error)
        return _made()
    if kept is None:
        kept = _made()
        try:
            cache.set(key, kept, timeout=KEPT_FOR_SECONDS)
        except Exception as error:
            logger.warning("The exchange totals were not kept: %r", error)
    return kept


def forget():
    """Drop the kept figures now (tests that go back in time call it)."""
    try:
        try:
            cache.incr(GENERATION)
        except ValueError:  # not set yet, or dropped by the cache
            cache.set(GENERATION, 1, timeout=None)
    except Exception as error:
        logger.warning("The kept exchange totals were not dropped: %r", error)


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
