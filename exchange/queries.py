"""Reads of the exchange: suggestions for an organisation, best first.

A need and an offer fit when they are of the same kind and unit, the offer
reaches the need's ward (the whole city, the ward itself, or online when the
need can be met online), the offer starts by the date the help is needed, and
both are still open for matching, with no live match between them already.
Best first means an offer made for the need's own ward before a city-wide or
online one; then, for needs, the soonest due, and for offers, the most left;
then the newest.
"""

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from commissioning.models import Pledge
from commissioning.social_value import ZERO
from exchange.models import Match, Need, Offer

WardOfOffer = Offer.wards.through


def _no_live_match(need, offer):
    return ~Exists(Match.objects.filter(need=need, offer=offer, declined_at__isnull=True))


def suggested_needs(organisation, *, offers=None, today=None):
    """Open needs of other organisations that fit one of ``organisation``'s open offers
    (or one of ``offers``), best first, each with ``in_ward``: a fitting offer names
    the need's ward. One query, whatever the numbers of needs and offers."""
    today = today or timezone.localdate()
    own = Offer.objects.filter(organisation=organisation) if offers is None else offers
    fitting = Offer.objects.open_for_matching(today).filter(
        _no_live_match(OuterRef(OuterRef("pk")), OuterRef("pk")),
        pk__in=own.values("pk"),
        kind=OuterRef("kind"),
        unit=OuterRef("unit"),
        available_from__lte=OuterRef("needed_by"),
    )
    named = Exists(
        WardOfOffer.objects.filter(offer=OuterRef("pk"), ward=OuterRef(OuterRef("ward")))
    )
    reaches = Q(citywide=True) | named | Q(online=True) & Q(Exact(OuterRef("online"), True))
    return (
        Need.objects.open_for_matching(today)
        .exclude(organisation=organisation)
        .filter(Exists(fitting.filter(reaches)))
        .annotate(in_ward=Exists(fitting.filter(named)))
        .select_related("organisation", "ward")
        .order_by("-in_ward", "needed_by", "-posted_at", "-pk")
    )


def suggested_offers(organisation, *, needs=None, today=None):
    """Open offers of other organisations that fit one of ``organisation``'s open needs
    (or one of ``needs``), best first, each with ``in_ward`` and ``remaining``. One
    query, whatever the numbers."""
    today = today or timezone.localdate()
    own = Need.objects.filter(organisation=organisation) if needs is None else needs
    fitting = Need.objects.open_for_matching(today).filter(
        _no_live_match(OuterRef("pk"), OuterRef(OuterRef("pk"))),
        pk__in=own.values("pk"),
        kind=OuterRef("kind"),
        unit=OuterRef("unit"),
        needed_by__gte=OuterRef("available_from"),
    )
    named = Exists(
        WardOfOffer.objects.filter(offer=OuterRef(OuterRef("pk")), ward=OuterRef("ward"))
    )
    reaches = (
        Q(Exact(OuterRef("citywide"), True))
        | named
        | Q(online=True) & Q(Exact(OuterRef("online"), True))
    )
    return (
        Offer.objects.open_for_matching(today)
        .exclude(organisation=organisation)
        .filter(Exists(fitting.filter(reaches)))
        .annotate(
            in_ward=Exists(fitting.filter(named)), remaining_now=F("capacity") - F("committed")
        )
        .select_related("organisation", "pledge__contract")
        .order_by("-in_ward", "-remaining_now", "-posted_at", "-pk")
    )


def pledges_owed_by(organisation):
    """The pledges of contracts ``organisation`` delivers now, each with ``delivered`` (every
    return line, from the exchange or reported directly), for its page to show what is
    still owed. One query."""
    return pledges_offerable_by(organisation).annotate(
        delivered=Coalesce(Sum("returns__lines__quantity"), ZERO)
    )


def pledges_offerable_by(organisation, today=None):
    """The pledges of contracts ``organisation`` delivers now (not ended), an offer can
    count towards."""
    today = today or timezone.localdate()
    return (
        Pledge.objects.filter(
            contract__suppliers__organisation=organisation,
            contract__suppliers__left_on__isnull=True,
        )
        .exclude(contract__ended_on__lt=today)
        .exclude(contract__ends_on__lt=today)
        .select_related("contract")
        .distinct()
        .order_by("contract__reference", "pk")
    )
