"""What goes in each councillor's weekly digest, built in memory from one load of the data.

``load_context`` reads everything a run needs in a fixed number of queries, however
many councillors and opportunities there are: every live opportunity with its
publisher, category and wards; the councillors' wards; when each last got a digest;
organisations registered in the last week; pipeline items still to come; needs open
on the social value exchange. ``build``
then sorts it for one councillor without touching the database, and ``build_all``
streams digests one councillor at a time so a run's memory does not grow with the
number of councillors.

What each opportunity shows (links, value and deadline in words) is worked out
once per run and shared by every digest that lists it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Max, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.emails import absolute_url
from councillors import coming_soon, exchange_needs
from councillors.models import Digest
from councillors.tokens import unsubscribe_token
from councillors.weeks import parse_week, week_of
from opportunities.emails import opportunity_url
from opportunities.formats import value_in_words
from opportunities.models import Opportunity
from organisations.models import Councillor, Organisation
from portal.formats import date_in_words, moment_in_words

# "Closes within 14 days" and "registered in the last 7 days", as the issue puts them.
CLOSES_SOON = datetime.timedelta(days=14)
NEW_ORGANISATION_WINDOW = datetime.timedelta(days=7)
# A councillor who never had a digest sees as new what was published in the last week.
FIRST_DIGEST_LOOKBACK = datetime.timedelta(days=7)
ORGANISATION_SUMMARY_WORDS = 30


@dataclass(frozen=True, eq=False)
class DigestItem:
    """One opportunity as a digest lists it. Shared by every digest that lists it alike."""

    opportunity: Opportunity
    url: str
    signpost_url: str
    publisher: str
    value: str
    deadline: str
    closes_soon: bool
    new: str  # what its "new" marker says, or "" when it has none

    @property
    def is_new(self):
        return bool(self.new)


@dataclass(frozen=True)
class CategoryGroup:
    name: str
    items: list[DigestItem]


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation registered in the last week in (or serving) the councillor's wards."""

    organisation: Organisation
    name: str
    url: str
    wards: list[str]  # which of the councillor's wards it is based in or serves
    summary: str


@dataclass
class DigestContent:
    """Everything one councillor's digest says, in the order it says it."""

    councillor: Councillor
    week: str  # 2026-W49
    week_label: str  # Week beginning 30 November 2026
    intro: str
    ward_names: list[str]
    in_your_wards: list[DigestItem]
    citywide: list[DigestItem]
    other_by_category: list[CategoryGroup]
    new_organisations: list[NewOrganisation]
    coming_soon: coming_soon.ComingSoon | None  # planned procurements; None without wards
    needs_in_wards: exchange_needs.NeedsInWards | None  # the exchange's; None without wards
    opportunity_count: int
    new_count: int
    web_url: str
    preferences_url: str
    unsubscribe_url: str

    @property
    def has_wards(self):
        return bool(self.ward_names)

    @property
    def items(self):
        """Every listed opportunity, in the order the digest lists them."""
        yield from self.in_your_wards
        yield from self.citywide
        for group in self.other_by_category:
            yield from group.items


@dataclass(frozen=True)
class _Listing:
    """A live opportunity as every digest of the run sees it, in each way it can be marked."""

    published_at: datetime.datetime
    ward_ids: frozenset
    citywide: bool
    category_id: int
    seen: DigestItem
    new_since_last: DigestItem
    new_this_week: DigestItem  # for a councillor's first digest: there was no last one


@dataclass
class DigestContext:
    """What ``load_context`` read for a run; ``build`` needs nothing else."""

    now: datetime.datetime
    listings: list[_Listing]  # soonest deadline first
    categories: list[tuple[int, str]]  # (id, name), alphabetical
    councillors: list[Councillor]
    wards_of: dict  # councillor id -> [Ward], by name
    last_sent: dict  # councillor id -> when their last digest was accepted for delivery
    new_organisations_in: dict  # ward id -> [Organisation], by name
    coming: list  # pipeline items still to come (``coming_soon.load``)
    needs: dict  # needs open on the exchange, by ward id (``exchange_needs.load``)


def _item(opportunity, *, now):
    return DigestItem(
        opportunity=opportunity,
        url=opportunity_url(opportunity),
        signpost_url=absolute_url(reverse("councillors:signpost", args=[opportunity.reference])),
        publisher=opportunity.publisher.name,
        value=value_in_words(opportunity),
        deadline=moment_in_words(opportunity.submission_deadline),
        closes_soon=opportunity.submission_deadline <= now + CLOSES_SOON,
        new="",
    )


def _listings(now):
    opportunities = (
        Opportunity.objects.live(now)
        .select_related("publisher", "category")
        .prefetch_related("wards")
        .order_by("submission_deadline", "reference")
    )
    listings, categories = [], {}
    for opportunity in opportunities:
        categories[opportunity.category_id] = opportunity.category.name
        seen = _item(opportunity, now=now)
        listings.append(
            _Listing(
                published_at=opportunity.published_at,
                ward_ids=frozenset(ward.pk for ward in opportunity.wards.all()),
                citywide=opportunity.citywide,
                category_id=opportunity.category_id,
                seen=seen,
                new_since_last=replace(seen, new=_("New since your last digest")),
                new_this_week=replace(seen, new=_("New this week")),
            )
        )
    ordered = sorted(categories.items(), key=lambda pair: (pair[1].casefold(), pair[0]))
    return listings, ordered


def _new_organisations_by_ward(now):
    """Organisations registered in the last week, under each ward they are based in or serve.

    Every registered organisation is public in the directory, so none is left out.
    """
    organisations = (
        Organisation.objects.filter(created_at__gte=now - NEW_ORGANISATION_WINDOW)
        .prefetch_related("wards_served")
        .order_by("name", "pk")
    )
    by_ward = defaultdict(list)
    for organisation in organisations:
        ward_ids = {ward.pk for ward in organisation.wards_served.all()}
        if organisation.ward_id:
            ward_ids.add(organisation.ward_id)
        for ward_id in ward_ids:
            by_ward[ward_id].append(organisation)
    return dict(by_ward)


def load_context(*, now, councillors):
    """Read everything needed to build digests at ``now`` for ``councillors``.

    ``councillors`` is a queryset or an iterable of ``Councillor``. Ten queries
    at most (two of them the pipeline, one the exchange's needs), whatever the
    number of councillors, opportunities or needs: wards already prefetched on the
    councillors are not read again.
    """
    councillors = list(councillors)
    prefetch_related_objects(councillors, "wards")
    ids = [councillor.pk for councillor in councillors]
    last_sent = dict(
        Digest.objects.filter(councillor_id__in=ids, sent_at__isnull=False)
        .values_list("councillor_id")
        .annotate(last=Max("sent_at"))
        .order_by()
    )
    listings, categories = _listings(now)
    return DigestContext(
        now=now,
        listings=listings,
        categories=categories,
        councillors=councillors,
        wards_of={c.pk: sorted(c.wards.all(), key=lambda ward: ward.name) for c in councillors},
        last_sent=last_sent,
        new_organisations_in=_new_organisations_by_ward(now),
        coming=coming_soon.load(),
        needs=exchange_needs.load(today=timezone.localdate(now)),
    )


def _intro(count, in_wards, *, has_wards):
    if count == 0:
        return _("No opportunities are open for bids this week.")
    opening = ngettext(
        "%(count)s opportunity is open for bids this week",
        "%(count)s opportunities are open for bids this week",
        count,
    ) % {"count": count}
    if not has_wards:
        where = "."
    elif in_wards == 0:
        where = _(", none of them in your wards.") if count > 1 else _(", not in your wards.")
    elif in_wards == count:
        where = _(", all of them in your wards.") if count > 1 else _(", in your wards.")
    else:
        where = _(", %(count)s of them in your wards.") % {"count": in_wards}
    return opening + where + " " + _("Please tell local groups about any that suit them.")


def _new_organisations(wards, context):
    names = {ward.pk: ward.name for ward in wards}
    found = {}
    for ward in wards:
        for organisation in context.new_organisations_in.get(ward.pk, []):
            found.setdefault(organisation.pk, (organisation, []))[1].append(names[ward.pk])
    return [
        NewOrganisation(
            organisation=organisation,
            name=organisation.name,
            url=absolute_url(reverse("organisations:profile", args=[organisation.slug])),
            wards=sorted(ward_names),
            summary=Truncator(" ".join(organisation.description.split())).words(
                ORGANISATION_SUMMARY_WORDS
            ),
        )
        for organisation, ward_names in sorted(
            found.values(), key=lambda pair: (pair[0].name.casefold(), pair[0].pk)
        )
    ]


def build(councillor, context, *, week=None):
    """``week``'s digest (``2026-W49``, by default the week of ``context.now``) for
    ``councillor``, one of those ``context`` was loaded for; reads nothing from the
    database.

    Opportunities in one of the councillor's wards come first, then city-wide ones,
    then the rest under their category (alphabetical); each list soonest deadline
    first. An opportunity is new if published since the councillor's last digest
    was sent, or in the last week if they never had one (marked "new this week",
    then, since there was no last digest). A councillor without
    wards gets every opportunity, with no ward section.
    """
    now = context.now
    wards = context.wards_of[councillor.pk]
    ward_ids = {ward.pk for ward in wards}
    last_sent = context.last_sent.get(councillor.pk)
    since = last_sent or now - FIRST_DIGEST_LOOKBACK

    in_your_wards, citywide, by_category = [], [], defaultdict(list)
    new_count = 0
    for listing in context.listings:
        is_new = listing.published_at > since
        new_count += is_new
        if not is_new:
            item = listing.seen
        else:
            item = listing.new_since_last if last_sent else listing.new_this_week
        if not ward_ids.isdisjoint(listing.ward_ids):
            in_your_wards.append(item)
        elif listing.citywide:
            citywide.append(item)
        else:
            by_category[listing.category_id].append(item)

    week = week or week_of(now)
    count = len(context.listings)
    return DigestContent(
        councillor=councillor,
        week=week,
        week_label=_("Week beginning %(date)s") % {"date": date_in_words(parse_week(week))},
        intro=_intro(count, len(in_your_wards), has_wards=bool(wards)),
        ward_names=[ward.name for ward in wards],
        in_your_wards=in_your_wards,
        citywide=citywide,
        other_by_category=[
            CategoryGroup(name=name, items=by_category[category_id])
            for category_id, name in context.categories
            if by_category.get(category_id)
        ],
        new_organisations=_new_organisations(wards, context),
        coming_soon=coming_soon.for_councillor(wards, context.coming),
        needs_in_wards=exchange_needs.for_councillor(wards, context.needs),
        opportunity_count=count,
        new_count=new_count,
        web_url=absolute_url(reverse("councillors:digest", args=[week])),
        preferences_url=absolute_url(reverse("councillors:preferences")),
        unsubscribe_url=absolute_url(
            reverse("councillors:unsubscribe", args=[unsubscribe_token(councillor)])
        ),
    )


def build_all(councillors, *, now):
    """Yield ``(councillor, DigestContent)`` for each of ``councillors``, from one load.

    A generator: each digest is built when asked for, so a caller that sends and
    forgets them keeps one in memory at a time.
    """
    context = load_context(now=now, councillors=councillors)
    for councillor in context.councillors:
        yield councillor, build(councillor, context)
