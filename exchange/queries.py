"""Reads of the exchange: suggestions for an organisation, best first.

A need and an offer fit when they are of the same kind and unit, the offer
reaches the need's ward (the whole city, the ward itself, or online when the
need can be met online), the offer starts by the date the help is needed, and
both are still open for matching, with no live match between them already.
Best first means an offer made for the need's own ward before a city-wide or
online one; then, for needs, the soonest due, and for offers, the most left;
then the newest.
"""

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from commissioning.models import Pledge
from commissioning.social_value import ZERO
from exchange.models import Match, Need, Offer

WardOfOffer = Offer.wards.through


def _no_live_match_with(field, others):
    """Rows with no live match to any of ``others`` (``field`` names this side)."""
    other = "offer__in" if field == "need" else "need__in"
    live = Match.objects.filter(
        **{field: OuterRef("pk"), other: others, "declined_at__isnull": True}
    )
    return ~Exists(live)


def _any(conditions):
    """``conditions`` (``None`` for none) joined with OR; ``None`` when there are none."""
    joined = None
    for condition in filter(None, conditions):
        joined = condition if joined is None else joined | condition
    return joined


def _flag(condition):
    if condition is None:
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(condition, output_field=BooleanField())


def suggested_needs(organisation, *, offers=None, today=None):
    """Open needs of other organisations that fit one of ``organisation``'s open offers
    (or one of ``offers``), best first, each with ``in_ward``: a fitting offer names
    the need's ward.

    The offers are read first (two small queries) and turned into plain conditions on
    the need: one per kind, unit and start date, where every start up to today is
    today (an open need is never due before today). So the needs are searched once,
    with no subquery per need, however many there are.
    """
    today = today or timezone.localdate()
    own = Offer.objects.filter(organisation=organisation) if offers is None else offers
    open_offers = list(
        own.open_for_matching(today).values(
            "pk", "kind", "unit", "citywide", "online", "available_from"
        )
    )
    wards = {}
    for offer_id, ward_id in WardOfOffer.objects.filter(
        offer_id__in=[offer["pk"] for offer in open_offers]
    ).values_list("offer_id", "ward_id"):
        wards.setdefault(offer_id, set()).add(ward_id)
    buckets = {}
    for offer in open_offers:
        key = (offer["kind"], offer["unit"], max(offer["available_from"], today))
        bucket = buckets.setdefault(key, {"citywide": False, "online": False, "wards": set()})
        bucket["citywide"] |= offer["citywide"]
        bucket["online"] |= offer["online"]
        bucket["wards"] |= wards.get(offer["pk"], set())
    fits, named = [], []
    for (kind, unit, starts), bucket in buckets.items():
        base = Q(kind=kind, unit=unit, needed_by__gte=starts)
        in_ward = Q(ward_id__in=sorted(bucket["wards"])) if bucket["wards"] else None
        if in_ward is not None:
            named.append(base & in_ward)
        if bucket["citywide"]:
            fits.append(base)
            continue
        reach = _any([in_ward, Q(online=True) if bucket["online"] else None])
        if reach is not None:
            fits.append(base & reach)
    fit = _any(fits)
    if fit is None:
        return Need.objects.none()
    return (
        Need.objects.open_for_matching(today)
        .exclude(organisation=organisation)
        .filter(fit, _no_live_match_with("need", [offer["pk"] for offer in open_offers]))
        .annotate(in_ward=_flag(_any(named)))
        .select_related("organisation", "ward")
        .order_by("-in_ward", "needed_by", "-posted_at", "-pk")
    )


def suggested_offers(organisation, *, needs=None, today=None):
    """Open offers of other organisations that fit one of ``organisation``'s open needs
    (or one of ``needs``), best first, each with ``in_ward`` and ``remaining_now``.

    The needs are read first (one small query) and turned into conditions on the
    offer, one per kind and unit: the offer reaches one of those needs' wards (one
    hashed lookup of the offers naming them), the whole city, or online for needs
    that can be met online, and starts by the latest date any of them is needed.
    An offer starting in the future can so be suggested for a need due before it
    starts in another ward; proposing it says so.
    """
    today = today or timezone.localdate()
    own = Need.objects.filter(organisation=organisation) if needs is None else needs
    open_needs = list(
        own.open_for_matching(today).values("pk", "kind", "unit", "ward_id", "online", "needed_by")
    )
    buckets = {}
    for need in open_needs:
        bucket = buckets.setdefault(
            (need["kind"], need["unit"]),
            {"wards": set(), "online": False, "latest": need["needed_by"]},
        )
        bucket["wards"].add(need["ward_id"])
        bucket["online"] |= need["online"]
        bucket["latest"] = max(bucket["latest"], need["needed_by"])
    fits, named = [], []
    for (kind, unit), bucket in buckets.items():
        base = Q(kind=kind, unit=unit, available_from__lte=bucket["latest"])
        in_ward = Q(
            pk__in=WardOfOffer.objects.filter(ward_id__in=sorted(bucket["wards"])).values(
                "offer_id"
            )
        )
        named.append(base & in_ward)
        reach = Q(citywide=True) | in_ward
        if bucket["online"]:
            reach |= Q(online=True)
        fits.append(base & reach)
    fit = _any(fits)
    if fit is None:
        return Offer.objects.none()
    return (
        Offer.objects.open_for_matching(today)
        .exclude(organisation=organisation)
        .filter(fit, _no_live_match_with("offer", [need["pk"] for need in open_needs]))
        .annotate(in_ward=_flag(_any(named)), remaining_now=F("capacity") - F("committed"))
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
