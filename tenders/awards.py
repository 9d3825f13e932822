"""Reads about awards: the standstill's end in words, a tender's decisions, and the
public list of confirmed awards (``/awards/``) with its filters.

Nothing here shows a decision before it is confirmed to anyone but the
publisher's commissioners (the award page) and the bidding organisations
(their assessment summaries): the public list and the opportunity's page read
``AwardDecision.objects.confirmed()`` only.
"""

import datetime
from decimal import Decimal

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opportunities.filters import publishers
from opportunities.models import Opportunity
from organisations.models import LegalForm, ServiceCategory, Ward
from portal.csv import grouped
from portal.formats import LONDON, date_in_words
from tenders.models import AssessmentSummary, AwardDecision, Bid, BidPartner, PartnerKind

# The year filter offers this many years back from this one.
YEARS_LISTED = 15


def standstill_end_in_words(ends_at):
    """``midnight at the end of 14 January 2027``: the standstill ends at midnight after
    its last working day, which said as a date would read as a day later."""
    last_day = ends_at - datetime.timedelta(microseconds=1)
    return _("midnight at the end of %(date)s") % {"date": date_in_words(last_day)}


def current_partners_of_bids():
    """Winning bids' consortium partners as they stand: registered ones that confirmed
    and named ones, less any that left after award."""
    return BidPartner.objects.filter(
        Q(organisation__isnull=True) | Q(confirmed_at__isnull=False),
        kind=PartnerKind.PARTNER,
        left_at__isnull=True,
    )


def _current_partners():
    return Prefetch(
        "partners",
        queryset=current_partners_of_bids().select_related("organisation"),
        to_attr="current_partners",
    )


def _winners():
    return Prefetch(
        "winners",
        queryset=Bid.objects.select_related("organisation")
        .prefetch_related(_current_partners())
        .order_by("organisation__name"),
    )


def decisions_of(tender):
    """``{lot id or None: current AwardDecision}`` of ``tender``, winners loaded."""
    return {
        decision.lot_id: decision
        for decision in AwardDecision.objects.current()
        .filter(tender=tender)
        .prefetch_related(
            _winners(),
            Prefetch("summaries", AssessmentSummary.objects.select_related("bid__organisation")),
        )
    }


def awarded_value(decision):
    """What the winners' prices for the lot add up to, from the decision's results;
    None when price was not part of the tender."""
    return value_of_winners(decision.results, {bid.pk for bid in decision.winners.all()})


def value_of_winners(results, winners):
    """What the bids ``winners`` (ids) priced in a decision's ``results`` add up to; None
    when price was not part of the tender."""
    total = sum(
        (Decimal(row["price"]) for row in results.get("bids", []) if row["bid"] in winners),
        Decimal(0),
    )
    return total or None


def confirmed_awards_of(opportunity):
    """The confirmed awards of a published ``opportunity``, lot by lot."""
    if opportunity.published_at is None:
        return []
    awards = list(
        AwardDecision.objects.confirmed()
        .filter(tender__opportunity=opportunity)
        .select_related("lot")
        .prefetch_related(_winners())
        .order_by("lot__number")
    )
    for award in awards:
        award.value = awarded_value(award)
    return awards


def _years():
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year, this_year - YEARS_LISTED, -1)]


class AwardSearchFilter(django_filters.FilterSet):
    """The filters of ``/awards/``: they combine with AND, and a value that is not valid
    is reported and left out, as the opportunity search does."""

    q = django_filters.CharFilter(
        label=_("Search by title, reference or winner"), method="search", max_length=200
    )
    publisher = django_filters.ModelChoiceFilter(
        label=_("Published by"),
        queryset=publishers,
        field_name="tender__opportunity__publisher",
        to_field_name="slug",
        empty_label=_("Any publisher"),
        error_messages={"invalid_choice": _("Select a publisher from the list")},
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=ServiceCategory.objects.order_by("name"),
        field_name="tender__opportunity__category",
        to_field_name="slug",
        empty_label=_("Any category"),
        error_messages={"invalid_choice": _("Select a category from the list")},
    )
    ward = django_filters.ModelChoiceFilter(
        label=_("Ward"),
        queryset=Ward.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Any ward"),
        method="filter_ward",
        error_messages={"invalid_choice": _("Select a ward from the list")},
    )
    year = django_filters.ChoiceFilter(
        label=_("Year awarded"),
        choices=_years,
        empty_label=_("Any year"),
        method="filter_year",
        error_messages={"invalid_choice": _("Select a year from the list")},
    )
    winner_type = django_filters.ChoiceFilter(
        label=_("Type of winning organisation"),
        choices=LegalForm.choices,
        empty_label=_("Any type"),
        method="filter_winner_type",
        error_messages={"invalid_choice": _("Select a type of organisation from the list")},
    )

    class Meta:
        model = AwardDecision
        fields = []

    def search(self, queryset, name, words):
        won_by = AwardDecision.winners.through.objects.filter(
            awarddecision=OuterRef("pk"), bid__organisation__name__icontains=words
        )
        return queryset.filter(
            Q(tender__opportunity__title__icontains=words)
            | Q(tender__opportunity__reference__iexact=words)
            | Exists(won_by)
        )

    def filter_ward(self, queryset, name, ward):
        """In the ward, or across the whole city."""
        covers = Opportunity.wards.through.objects.filter(
            opportunity=OuterRef("tender__opportunity"), ward=ward
        )
        return queryset.filter(Q(tender__opportunity__citywide=True) | Exists(covers))

    def filter_year(self, queryset, name, year):
        """Confirmed in that calendar year, on London's clock."""
        start = datetime.datetime(int(year), 1, 1, tzinfo=LONDON)
        end = datetime.datetime(int(year) + 1, 1, 1, tzinfo=LONDON)
        return queryset.filter(confirmed_at__gte=start, confirmed_at__lt=end)

    def filter_winner_type(self, queryset, name, legal_form):
        won_by = AwardDecision.winners.through.objects.filter(
            awarddecision=OuterRef("pk"), bid__organisation__legal_form=legal_form
        )
        return queryset.filter(Exists(won_by))


def search_awards(params):
    """``(filterset, confirmed awards matching params)``, newest first, each with what a row
    of the list shows loaded in a fixed number of queries."""
    awards = (
        AwardDecision.objects.confirmed()
        .filter(tender__opportunity__published_at__isnull=False)
        .select_related("tender__opportunity__publisher", "lot")
        # A row shows the opportunity's title and reference, never its long description.
        .defer("tender__opportunity__description", "tender__opportunity__description_html")
        .prefetch_related(_winners())
        .order_by("-confirmed_at", "-id")
    )
    filterset = AwardSearchFilter(params, queryset=awards)
    return filterset, filterset.qs


# What a row of the CSV download reads of each award, in this order.
DOWNLOAD_FIELDS = (
    "pk",
    "tender__opportunity__reference",
    "tender__opportunity__title",
    "tender__opportunity__publisher__name",
    "tender__opportunity__category__name",
    "lot__number",
    "lot__title",
    "results",
    "confirmed_at",
)


def download_awards(params):
    """Every confirmed award the search in ``params`` finds, for the CSV download: the
    list's own query (``search_awards``), not a page of it, as tuples of
    ``DOWNLOAD_FIELDS``, without the list's model instances. Read it in chunks
    (``portal.csv.chunks``) with each chunk's ``winners_of``."""
    _, awards = search_awards(params)
    return awards.prefetch_related(None).values_list(*DOWNLOAD_FIELDS)


def winners_of(award_ids):
    """``(winners, partners)`` of the awards ``award_ids``, in two queries: for each award
    id, its winning bids as ``(bid id, organisation name)`` by name; for each of those
    bids, the names of its consortium partners as they stand."""
    won = (
        AwardDecision.winners.through.objects.filter(awarddecision__in=award_ids)
        .order_by("bid__organisation__name")
        .values_list("awarddecision_id", "bid_id", "bid__organisation__name")
    )
    winners = grouped((award, (bid, name)) for award, bid, name in won)
    bids = [bid for of_award in winners.values() for bid, _name in of_award]
    partnered = (
        current_partners_of_bids()
        .filter(bid__in=bids)
        .order_by("pk")
        .values_list("bid_id", "organisation__name", "name")
    )
    partners = grouped((bid, registered or named) for bid, registered, named in partnered)
    return winners, partners


def feed_awards(*, limit=50):
    """The ``limit`` most recently confirmed awards, newest first, for the Atom feed.

    Read through the ``award_confirmed_newest`` index, stopping at ``limit``; three
    queries (the awards, their winners, the winners' partners). Only awards of
    published opportunities whose bid box was opened: a confirmed award cannot be
    otherwise, and if one were, nothing about its bids is told.
    """
    return (
        AwardDecision.objects.confirmed()
        .filter(
            tender__opportunity__published_at__isnull=False,
            tender__opened_at__isnull=False,
        )
        .select_related("tender__opportunity__publisher", "lot")
        .defer("tender__opportunity__description", "tender__opportunity__description_html")
        .prefetch_related(_winners())
        .order_by("-confirmed_at", "-id")[:limit]
    )
