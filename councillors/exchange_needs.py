"""The digest's "Needs in your wards": help local groups are asking for on the social
value exchange (seed 000, R03 d), so councillors can pass it on.

The open needs are read once per run (``load``, one query); ``for_councillor`` then
picks each councillor's share in memory: needs in their wards, soonest due first,
at most ``LISTED``, with a link per ward to every open need there.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from accounts.emails import absolute_url
from exchange.formats import amount
from exchange.models import Need
from portal.formats import date_in_words

# A prompt to look, as "Coming soon in your wards" is: the exchange lists the rest.
LISTED = 5


@dataclass(frozen=True, eq=False)
class NeedItem:
    """One open need as every digest of a run shows it."""

    title: str
    url: str
    organisation: str
    still_needed: str
    needed_by: str
    ward: str
    ward_id: int


@dataclass(frozen=True)
class WardLink:
    name: str
    url: str


@dataclass(frozen=True)
class NeedsInWards:
    """A councillor's section: ``items`` (at most ``LISTED``), how many more there are,
    and a link to the open needs in each of their wards."""

    items: list[NeedItem]
    more: int
    ward_links: list[WardLink]


def load(*, today):
    """Every need open for matching on ``today``, as ``NeedItem``s soonest due first:
    one query, whatever the number of needs."""
    needs = (
        Need.objects.open_for_matching(today)
        .select_related("organisation", "ward")
        .order_by("needed_by", "-posted_at", "-pk")
    )
    return [
        NeedItem(
            title=need.title,
            url=absolute_url(need.get_absolute_url()),
            organisation=need.organisation.name,
            still_needed=amount(need.still_needed, need.unit),
            needed_by=date_in_words(need.needed_by),
            ward=need.ward.name,
            ward_id=need.ward_id,
        )
        for need in needs
    ]


def for_councillor(wards, needs):
    """The section for a councillor with ``wards`` (``Ward``s, by name), from ``load()``'s
    ``needs``; ``None`` for a councillor without wards."""
    if not wards:
        return None
    ward_ids = {ward.pk for ward in wards}
    in_wards = [item for item in needs if item.ward_id in ward_ids]
    all_needs = reverse("exchange:needs")
    return NeedsInWards(
        items=in_wards[:LISTED],
        more=max(len(in_wards) - LISTED, 0),
        ward_links=[
            WardLink(ward.name, absolute_url(f"{all_needs}?{urlencode({'ward': ward.slug})}"))
            for ward in wards
        ],
    )
