"""The digest's "Needs in your wards": help local groups are asking for on the social
value exchange (seed 000, R03 d), so councillors can pass it on.

The open needs are read once per run (``load``, one query, kept by ward);
``for_councillor`` then picks each councillor's share in memory: needs in their
wards, soonest due first, at most ``LISTED``, with a link per ward to every open
need there.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from heapq import merge

from django.db.models import F
from django.urls import reverse
from django.utils.http import urlencode

from accounts.emails import absolute_url
from exchange.formats import amount
from exchange.models import Need
from portal.formats import date_in_words

# A prompt to look, as "Coming soon in your wards" is: the exchange lists the rest.
LISTED = 5


class NeedItem:
    """One open need as every digest of a run shows it. What it says in words is worked
    out the first time a digest lists it: most needs of a big run are listed by none."""

    def __init__(self, *, pk, title, organisation, ward, ward_id, still_needed, unit, needed_by):
        self.pk, self.title, self.organisation = pk, title, organisation
        self.ward, self.ward_id = ward, ward_id
        self._still_needed, self._unit, self._needed_by = still_needed, unit, needed_by

    @cached_property
    def url(self):
        return absolute_url(reverse("exchange:need", args=[self.pk]))

    @cached_property
    def still_needed(self):
        return amount(self._still_needed, self._unit)

    @cached_property
    def needed_by(self):
        return date_in_words(self._needed_by)


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
    """Every need open for matching on ``today``, as ``NeedItem``s under their ward's id,
    each ward's soonest due first: one query of the few columns shown, whatever the
    number of needs."""
    needs = (
        Need.objects.open_for_matching(today)
        .annotate(left=F("quantity") - F("promised"))
        .order_by("needed_by", "-posted_at", "-pk")
        .values_list(
            "pk",
            "title",
            "organisation__name",
            "ward__name",
            "ward_id",
            "left",
            "unit",
            "needed_by",
        )
    )
    by_ward = defaultdict(list)
    for position, (pk, title, organisation, ward, ward_id, left, unit, needed_by) in enumerate(
        needs
    ):
        item = NeedItem(
            pk=pk,
            title=title,
            organisation=organisation,
            ward=ward,
            ward_id=ward_id,
            still_needed=left,
            unit=unit,
            needed_by=needed_by,
        )
        by_ward[ward_id].append((position, item))
    return dict(by_ward)


def for_councillor(wards, needs):
    """The section for a councillor with ``wards`` (``Ward``s, by name), from ``load()``'s
    ``needs``; ``None`` for a councillor without wards."""
    if not wards:
        return None
    # Each ward's list is in order already: merging keeps the run's order across wards.
    in_wards = [item for _position, item in merge(*(needs.get(ward.pk, []) for ward in wards))]
    all_needs = reverse("exchange:needs")
    return NeedsInWards(
        items=in_wards[:LISTED],
        more=max(len(in_wards) - LISTED, 0),
        ward_links=[
            WardLink(ward.name, absolute_url(f"{all_needs}?{urlencode({'ward': ward.slug})}"))
            for ward in wards
        ],
    )
