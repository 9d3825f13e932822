"""The digest's "Coming soon in your wards": planned procurements not yet published.

The pipeline is read once per run (``load``, two queries); ``for_councillor``
then picks each councillor's share in memory: items in their wards first, then
city-wide ones, each list soonest expected first, at most ``LISTED`` in all,
with a link per ward to the whole pipeline there.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from accounts.emails import absolute_url
from commissioning.queries.pipeline import coming_with_wards
from opportunities.formats import money

# A digest is about what is open now; a few plans are a prompt, not a second list.
LISTED = 5


@dataclass(frozen=True, eq=False)
class ComingItem:
    """One planned procurement as every digest of a run shows it."""

    title: str
    reference: str
    url: str
    publisher: str
    value: str
    expected: str
    citywide: bool
    ward_ids: frozenset


@dataclass(frozen=True)
class WardLink:
    name: str
    url: str


@dataclass(frozen=True)
class ComingSoon:
    """A councillor's section: ``items`` (at most ``LISTED``), how many more there are,
    and a link to the pipeline for each of their wards."""

    items: list[ComingItem]
    more: int
    ward_links: list[WardLink]


def load():
    """Every item still to come, as ``ComingItem``s soonest expected first: two queries."""
    return [
        ComingItem(
            title=item.title,
            reference=item.reference,
            url=absolute_url(item.get_absolute_url()),
            publisher=item.publisher.name,
            value=money(item.estimated_value),
            expected=item.expected_in_words,
            citywide=item.citywide,
            ward_ids=frozenset(ward.pk for ward in item.wards.all()),
        )
        for item in coming_with_wards()
    ]


def for_councillor(wards, coming):
    """The section for a councillor with ``wards`` (``Ward``s, by name), from ``load()``'s
    ``coming``; ``None`` for a councillor without wards."""
    if not wards:
        return None
    ward_ids = {ward.pk for ward in wards}
    in_wards = [item for item in coming if not ward_ids.isdisjoint(item.ward_ids)]
    citywide = [item for item in coming if item.citywide]
    listed = (in_wards + citywide)[:LISTED]
    pipeline = reverse("commissioning:pipeline")
    return ComingSoon(
        items=listed,
        more=len(in_wards) + len(citywide) - len(listed),
        ward_links=[
            WardLink(ward.name, absolute_url(f"{pipeline}?{urlencode({'ward': ward.slug})}"))
            for ward in wards
        ],
    )
