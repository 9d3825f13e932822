"""Reads of the exchange's public lists: open needs and offers, filtered.

Each list is what a row shows in a fixed number of queries (the organisation
and ward joined, an offer's wards prefetched), so the count of queries does not
grow with the rows.
"""

from django.db.models import Prefetch

from exchange.filters import NeedFilter, OfferFilter
from exchange.models import Need, Offer
from opportunities.filters import applied_filters
from opportunities.queries import without_nul
from organisations.models import Ward


def search_needs(params, *, today=None):
    """Apply the filters in ``params`` (a QueryDict) to the needs open for matching.

    Returns ``(filterset, queryset)``; values that are not valid are reported on
    the filterset's bound form and left out. Soonest needed first, then newest.
    """
    listed = Need.objects.open_for_matching(today).select_related("organisation", "ward")
    filterset = NeedFilter(without_nul(params), queryset=listed)
    return filterset, filterset.qs.order_by("needed_by", "-pk")


def search_offers(params, *, today=None):
    """Apply the filters in ``params`` (a QueryDict) to the offers open for matching.

    Returns ``(filterset, queryset)`` as ``search_needs`` does. Newest first; a ward
    keeps offers naming it and those across the whole city.
    """
    listed = (
        Offer.objects.open_for_matching(today)
        .select_related("organisation")
        .prefetch_related(Prefetch("wards", queryset=Ward.objects.order_by("name")))
    )
    filterset = OfferFilter(without_nul(params), queryset=listed)
    return filterset, filterset.qs.order_by("-posted_at", "-pk")


def applied(filterset):
    """The filters chosen, in words, each with the query string without it."""
    return applied_filters(filterset)
