"""Reads of the exchange: suggestions for an organisation, best first.

A need and an offer fit when they are of the same kind and unit, the offer
reaches the need's ward (the whole city, the ward itself, or online when the
need can be met online), the offer starts by the date the help is needed, and
both are still open for matching, with no live match between them already.
Best first means an offer made for the need's own ward (and starting in time
for a need there) before a city-wide or online one; then, for needs, the
soonest due, and for offers, the most left; then the newest.

``suggested_needs`` and ``suggested_offers`` are every suggestion, for pages
that filter or count them; ``first_suggested_needs`` and
``first_suggested_offers`` are the first few in the same order, found without
reading the rest (the organisation's own page lists them).
"""

import datetime
import itertools
from typing import NamedTuple

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from commissioning.models import Pledge
from commissioning.social_value import ZERO
from exchange.models import Match, Need, Offer

WardOfOffer = Offer.wards.through
NEEDS_ORDER = ("needed_by", "-posted_at", "-pk")
OFFERS_ORDER = ("-remaining_now", "-posted_at", "-pk")


class Reach(NamedTuple):
    """Conditions on the other side's rows of one kind and unit that fit: ``in_ward``
    (those the fit names the ward of) and ``elsewhere`` (those that fit city-wide or
    online, some of them in the ward too); ``None`` for none."""

    in_ward: Q | None
    elsewhere: Q | None

    @property
    def fit(self):
        return _any([self.in_ward, self.elsewhere])


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


def _row_by_row(condition):
    """``condition`` (an EXISTS) tested on each row as an index is read in order. Alone in
    a WHERE, an EXISTS becomes a join, and a join PostgreSQL misjudges may be hashed
    and sorted whole (it was once: 30 rows estimated, 1,282 found, 42 ms) rather than
    read in order up to the first few."""
    return Case(When(condition, then=Value(True)), default=Value(False))


def _by_kind(reaches, part):
    """One condition over every kind and unit: ``part`` of each ``Reach``."""
    return _any(
        Q(kind=kind, unit=unit) & getattr(reach, part)
        for (kind, unit), reach in reaches.items()
        if getattr(reach, part) is not None
    )


def _sort_key(order):
    """A key putting rows ``(pk, in_ward, *fields of order)`` in ``-in_ward, *order``."""

    def descending(value):
        return -value.timestamp() if isinstance(value, datetime.datetime) else -value

    def key(row):
        pk, in_ward, *values = row
        values.append(pk)
        return (not in_ward,) + tuple(
            descending(value) if field.startswith("-") else value
            for field, value in zip(order, values, strict=True)
        )

    return key


def _first(parts, order, limit):
    """The pks and ``in_ward`` of the first ``limit`` rows of ``parts`` in ``-in_ward``,
    then ``order``: querysets of one kind and unit each, with a constant ``in_ward``, in
    the ward or city-wide and online (where a row may be in the ward too). Each part
    takes its own first ``limit``, an index read in ``order`` that stops there, and
    one query unites them. A row in both keeps ``in_ward``; a part of rows in the ward
    that has all of them tells which of the others are, and one that has ``limit``
    fills the list before any other of its kind is needed."""
    columns = ["pk", "in_ward", *(field.lstrip("-") for field in order if field != "-pk")]
    firsts = [part.order_by(*order).values_list(*columns)[:limit] for part in parts]
    if not firsts:
        return []
    if len(firsts) > 1 and connections[firsts[0].db].features.supports_slicing_ordering_in_compound:
        rows = firsts[0].union(*firsts[1:], all=True)
    else:
        # SQLite cannot order and limit the parts of a UNION: one query a part there.
        rows = itertools.chain.from_iterable(firsts)
    best = {}
    for row in rows:
        if row[0] not in best or row[1]:
            best[row[0]] = row
    ranked = sorted(best.values(), key=_sort_key(order))[:limit]
    return [(pk, in_ward) for pk, in_ward, *_ in ranked]


def _fetch(queryset, firsts):
    """The rows of ``firsts`` (pk, in_ward) from ``queryset``, in that order, each with
    ``in_ward``."""
    rows = queryset.in_bulk([pk for pk, _ in firsts])
    found = []
    for pk, in_ward in firsts:
        row = rows[pk]
        row.in_ward = in_ward
        found.append(row)
    return found


def _open_offers(organisation, offers, today):
    """``organisation``'s open offers (or those of ``offers``) as dicts, each with the set
    of ``wards`` it names. Two queries."""
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
    for offer in open_offers:
        offer["wards"] = wards.get(offer["pk"], set())
    return open_offers


def _needs_reached(open_offers, today):
    """How ``open_offers`` reach needs, as plain conditions on the need by kind and unit:
    one per start date, where every start up to today is today (an open need is never
    due before today). So needs are searched with no subquery per need."""
    starts = {}
    for offer in open_offers:
        by_start = starts.setdefault((offer["kind"], offer["unit"]), {})
        bucket = by_start.setdefault(
            max(offer["available_from"], today),
            {"citywide": False, "online": False, "wards": set()},
        )
        bucket["citywide"] |= offer["citywide"]
        bucket["online"] |= offer["online"]
        bucket["wards"] |= offer["wards"]
    reaches = {}
    for key, by_start in starts.items():
        named, elsewhere = [], []
        for start, bucket in by_start.items():
            due = Q(needed_by__gte=start)
            if bucket["wards"]:
                named.append(due & Q(ward_id__in=sorted(bucket["wards"])))
            if bucket["citywide"]:
                elsewhere.append(due)
            elif bucket["online"]:
                elsewhere.append(due & Q(online=True))
        reach = Reach(_any(named), _any(elsewhere))
        if reach.fit is not None:
            reaches[key] = reach
    return reaches


def _open_needs_of_others(organisation, open_offers, today):
    return (
        Need.objects.open_for_matching(today)
        .exclude(organisation=organisation)
        .filter(_no_live_match_with("need", [offer["pk"] for offer in open_offers]))
    )


def suggested_needs(organisation, *, offers=None, today=None):
    """Open needs of other organisations that fit one of ``organisation``'s open offers
    (or one of ``offers``), best first, each with ``in_ward``: a fitting offer names
    the need's ward.

    The offers are read first (two small queries) and turned into plain conditions on
    the need, so the needs are searched once, with no subquery per need.
    """
    today = today or timezone.localdate()
    open_offers = _open_offers(organisation, offers, today)
    reaches = _needs_reached(open_offers, today)
    fit = _by_kind(reaches, "fit")
    if fit is None:
        return Need.objects.none()
    return (
        _open_needs_of_others(organisation, open_offers, today)
        .filter(fit)
        .annotate(in_ward=_flag(_by_kind(reaches, "in_ward")))
        .select_related("organisation", "ward")
        .order_by("-in_ward", *NEEDS_ORDER)
    )


def first_suggested_needs(organisation, *, limit, offers=None, today=None):
    """The first ``limit`` of ``suggested_needs``, in its order: a list. Four queries on
    PostgreSQL (three when nothing fits) however many needs fit: of each kind and unit, at most
    ``limit`` in the ward and as many city-wide or online are read, each through the
    index of open needs by kind, unit and date."""
    today = today or timezone.localdate()
    open_offers = _open_offers(organisation, offers, today)
    needs = _open_needs_of_others(organisation, open_offers, today)
    parts = []
    for (kind, unit), reach in _needs_reached(open_offers, today).items():
        for in_ward, condition in ((True, reach.in_ward), (False, reach.elsewhere)):
            if condition is not None:
                part = needs.filter(condition, kind=kind, unit=unit)
                parts.append(part.annotate(in_ward=Value(in_ward)))
    firsts = _first(parts, NEEDS_ORDER, limit)
    return _fetch(Need.objects.select_related("organisation", "ward"), firsts)


def _open_needs(organisation, needs, today):
    """``organisation``'s open needs (or those of ``needs``): the queryset, and its rows as
    dicts. One query."""
    own = Need.objects.filter(organisation=organisation) if needs is None else needs
    own = own.open_for_matching(today)
    return own, list(own.values("pk", "kind", "unit", "ward_id", "online", "needed_by"))


def _named_by_offer(own):
    """Offers that name the ward of one of ``own`` (open needs) of their kind and unit and
    start by the date it is due: a lookup of those needs by the offer's wards, through
    the index of open needs by organisation, kind, unit and ward."""
    wards = WardOfOffer.objects.filter(offer_id=OuterRef(OuterRef("pk"))).values("ward_id")
    return Q(
        Exists(
            own.filter(
                kind=OuterRef("kind"),
                unit=OuterRef("unit"),
                needed_by__gte=OuterRef("available_from"),
                ward_id__in=wards,
            )
        )
    )


def _offers_reached(own, open_needs):
    """How offers reach ``open_needs`` (the rows of ``own``), by kind and unit: an offer
    names the ward of one it starts in time for (``_named_by_offer``), or it is
    city-wide, or online for one that can be met online, and starts by the latest
    date such a need is due. Each need counts with its own date."""
    buckets = {}
    for need in open_needs:
        due = need["needed_by"]
        bucket = buckets.setdefault((need["kind"], need["unit"]), {"latest": due, "online": None})
        bucket["latest"] = max(bucket["latest"], due)
        if need["online"]:
            bucket["online"] = max(bucket["online"] or due, due)
    named = _named_by_offer(own)
    reaches = {}
    for key, bucket in buckets.items():
        elsewhere = Q(citywide=True, available_from__lte=bucket["latest"])
        if bucket["online"]:
            elsewhere |= Q(online=True, available_from__lte=bucket["online"])
        reaches[key] = Reach(named, elsewhere)
    return reaches


def _open_offers_of_others(organisation, open_needs, today):
    return (
        Offer.objects.open_for_matching(today)
        .exclude(organisation=organisation)
        .filter(_no_live_match_with("offer", [need["pk"] for need in open_needs]))
        .annotate(remaining_now=F("capacity") - F("committed"))
    )


def suggested_offers(organisation, *, needs=None, today=None):
    """Open offers of other organisations that fit one of ``organisation``'s open needs
    (or one of ``needs``), best first, each with ``in_ward`` and ``remaining_now``.

    The needs are read first (one small query) and turned into conditions on the
    offer, one per kind and unit, and one lookup of the needs in the offer's wards
    (``_offers_reached``). Every offer is looked up, so pages take it filtered (a
    week's postings, one organisation's offers) or take ``first_suggested_offers``.
    """
    today = today or timezone.localdate()
    own, open_needs = _open_needs(organisation, needs, today)
    elsewhere = _by_kind(_offers_reached(own, open_needs), "elsewhere")
    if elsewhere is None:
        return Offer.objects.none()
    named = _named_by_offer(own)
    return (
        _open_offers_of_others(organisation, open_needs, today)
        .filter(elsewhere | named)
        .annotate(in_ward=_flag(named))
        .select_related("organisation", "pledge__contract")
        .order_by("-in_ward", *OFFERS_ORDER)
    )


def first_suggested_offers(organisation, *, limit, needs=None, today=None):
    """The first ``limit`` of ``suggested_offers``, in its order: a list. Three queries on
    PostgreSQL (two when nothing fits) however many offers fit: of each kind and unit, at most
    ``limit`` in the ward and as many city-wide or online are read, each through the
    index of open offers by kind, unit and what is left."""
    today = today or timezone.localdate()
    own, open_needs = _open_needs(organisation, needs, today)
    offers = _open_offers_of_others(organisation, open_needs, today)
    parts = []
    for (kind, unit), reach in _offers_reached(own, open_needs).items():
        same = offers.filter(kind=kind, unit=unit)
        parts.append(same.filter(_row_by_row(reach.in_ward)).annotate(in_ward=Value(True)))
        parts.append(same.filter(reach.elsewhere).annotate(in_ward=Value(False)))
    firsts = _first(parts, OFFERS_ORDER, limit)
    return _fetch(
        Offer.objects.select_related("organisation", "pledge__contract").annotate(
            remaining_now=F("capacity") - F("committed")
        ),
        firsts,
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
