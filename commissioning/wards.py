"""What the portal knows about one ward (R03 d): what is open and coming there, what
was awarded, the spend with organisations based or working there, and the social
value delivered to people living there. Each read is one query (or a fixed few),
whatever the number of opportunities, contracts or returns.

The spend and social value figures are aggregates over every contract, supplier
and return (a quarter of a second at 100,000 contracts), so ``figures`` keeps them
as the spend page keeps its own: until ``spend.forget_figures`` (every change to
contracts, their suppliers or wards, pledges and returns) moves the generation on.
"""

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from commissioning import spend
from commissioning.models import Contract, PipelineItem, SocialValueLine
from opportunities.queries import search_opportunities
from organisations.models import Organisation
from portal.pagination import BoundedPaginator
from tenders.awards import awarded_value, search_awards

LISTED = 10


def open_opportunities(ward, *, listed=LISTED):
    """``(count, the first listed)`` of opportunities open now in the ward or citywide,
    closing soonest first."""
    _filterset, opportunities = search_opportunities({"ward": ward.slug})
    return opportunities.count(), list(opportunities[:listed])


def coming_pipeline(ward, *, listed=LISTED, limit=None):
    """``(count, more, the first listed)`` of planned procurements not yet published,
    for the ward or the whole city. As the lists count (``BoundedPaginator``), at
    most ``limit`` are counted; ``more`` says whether there are others."""
    covers = PipelineItem.wards.through.objects.filter(ward=ward).values("pipelineitem")
    items = (
        PipelineItem.objects.coming()
        .filter(Q(citywide=True) | Q(pk__in=covers))
        .select_related("publisher", "category")
        .order_by("expected_year", "expected_quarter", "pk")
    )
    counted = BoundedPaginator(items, listed, limit=limit)
    return counted.count, counted.more, list(items[:listed])


def recent_awards(ward, *, listed=LISTED):
    """The latest confirmed awards of opportunities in the ward or citywide."""
    _filterset, awards = search_awards({"ward": ward.slug})
    awards = list(awards[:listed])
    for award in awards:
        award.value = awarded_value(award)
    return awards


def figures(ward):
    """``{"local": ..., "in_ward": ..., "social_value": ...}``: the ward's spend with
    local organisations, its share of contracts and the social value delivered there,
    kept until the next change (``spend.forget_figures``)."""

    def make():
        return {
            "local": spend_with_local_organisations(ward),
            "in_ward": spend_in_ward(ward),
            "social_value": social_value_delivered(ward),
        }

    return spend.kept_for_this_generation("commissioning:ward", [ward.pk], make)


def _organisations_of(ward):
    return Organisation.objects.filter(Q(ward=ward) | Q(wards_served=ward)).values("pk")


def spend_with_local_organisations(ward, *, listed=LISTED):
    """Contract value whose lead supplier is based in the ward (``based``), works there
    (``working``: in its wards served, wherever it is based), and the organisations
    based or working there with the most contract value (``organisations``)."""
    contracts = spend.with_lead(Contract.objects.all())
    based = contracts.filter(lead__organisation__ward=ward).aggregate(**spend.figures())
    serving = Organisation.wards_served.through.objects.filter(ward=ward).values("organisation")
    working = contracts.filter(lead__organisation__in=serving).aggregate(**spend.figures())
    organisations = list(
        contracts.filter(lead__organisation__in=_organisations_of(ward))
        .values(name=F("lead__organisation__name"), slug=F("lead__organisation__slug"))
        .annotate(value=Sum("value"), contracts=Count("pk"))
        .order_by("-value", "name")[:listed]
    )
    return {"based": based, "working": working, "organisations": organisations}


def spend_in_ward(ward):
    """Contracts for the ward: its equal share of contracts in named wards (``value``,
    ``contracts``), and how many contracts cover the whole city (``citywide``)."""
    through = Contract.wards.through
    share = F("contract__value") / spend.ward_count(through, "contract", "contract")
    named = (
        through.objects.filter(ward=ward)
        .annotate(share=share)
        .aggregate(
            value=Coalesce(Sum("share", output_field=spend.MONEY), spend.ZERO),
            contracts=Count("contract"),
        )
    )
    named["citywide"] = Contract.objects.filter(citywide=True).count()
    return named


def social_value_delivered(ward):
    """What suppliers delivered to people living in the ward, by unit."""
    return list(
        SocialValueLine.objects.filter(ward=ward)
        .values(unit=F("social_value_return__pledge__unit"))
        .annotate(
            quantity=Sum("quantity"),
            contracts=Count("social_value_return__pledge__contract", distinct=True),
        )
        .order_by("unit")
    )
