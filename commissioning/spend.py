"""Spend and outcomes (seed 003: map the council's spending with the sector).

Every figure is an aggregate query over the contracts that match the filters, so
the number of queries and the rows read back do not grow with the number of
contracts. How contracts are counted:

- A contract's **whole value** is counted in the **year it starts**, for its
  publisher and its category.
- Its value goes to its **lead supplier**: the share to the third sector is the
  value of contracts whose lead supplier's legal form is in the third sector
  (``LegalForm.sector``); the share to micro and small organisations is the
  value of contracts whose lead supplier is micro or small by income band, or
  has at most ``SMALL_ORGANISATION_MAX_STAFF`` paid staff (``Organisation.is_small``).
- **By ward**, a contract in several wards is **split equally** between them, so
  the ward rows add up to the total; a contract across the whole city is a row
  of its own, and so is one with no ward recorded.
- Social value is added up **per unit** (hours, jobs...): pledged and delivered
  totals of different units are never added together. A pledge for named wards
  is split equally between them, like a contract's value.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commissioning import social_value
from commissioning.models import Contract, ContractSupplier, SupplierRole
from organisations.models import (
    SIZE_CLASS_FOR_INCOME,
    SMALL_ORGANISATION_MAX_STAFF,
    LegalForm,
    Organisation,
    Sector,
    ServiceCategory,
    SizeClass,
)

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)
THIRD_SECTOR_FORMS = [form.value for form in LegalForm if form.sector == Sector.THIRD]
SMALL_INCOME_BANDS = [
    band.value
    for band, size in SIZE_CLASS_FOR_INCOME.items()
    if size in {SizeClass.MICRO, SizeClass.SMALL}
]
YEARS_LISTED = 15


def third_sector(organisation="organisation"):
    """``Q`` for an organisation (at the path ``organisation``) in the third sector."""
    return Q(**{f"{organisation}__legal_form__in": THIRD_SECTOR_FORMS})


def micro_or_small(organisation="organisation"):
    """``Q`` for a micro or small organisation, as ``Organisation.is_small`` says."""
    return Q(**{f"{organisation}__income_band__in": SMALL_INCOME_BANDS}) | Q(
        **{f"{organisation}__paid_staff__lte": SMALL_ORGANISATION_MAX_STAFF}
    )


def _value_if(condition, value="value"):
    """``SUM(CASE WHEN condition THEN value ELSE 0 END)``."""
    return Coalesce(Sum(Case(When(condition, then=value), default=ZERO, output_field=MONEY)), ZERO)


def figures(value="value"):
    """The aggregates every breakdown shows, over contracts with the ``lead`` relation."""
    # "value" comes last: once it names an aggregate, "value" no longer means the field.
    return {
        "contracts": Count("pk"),  # one row a contract: the lead join is one to one
        "third_sector_value": _value_if(third_sector("lead__organisation"), value),
        "small_value": _value_if(micro_or_small("lead__organisation"), value),
        "value": Coalesce(Sum(value, output_field=MONEY), ZERO),
    }


def with_lead(contracts):
    """``contracts`` joined (LEFT JOIN) to their lead supplier as ``lead``."""
    return contracts.alias(
        lead=FilteredRelation("suppliers", condition=Q(suppliers__role=SupplierRole.LEAD))
    )


def _years():
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year + 1, this_year - YEARS_LISTED, -1)]


class SpendFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first and last and int(first) > int(last):
            self.add_error("year_to", _("The last year must be the same as or after the first"))
            cleaned.pop("year_to", None)
        return cleaned


class SpendFilter(django_filters.FilterSet):
    """The spend page's filters: contracts starting from one year to another, one
    publisher, one category. An invalid value is reported and left out."""

    year_from = django_filters.ChoiceFilter(
        label=_("From"),
        choices=_years,
        empty_label=_("Any year"),
        field_name="starts_on__year",
        lookup_expr="gte",
        error_messages={"invalid_choice": _("Select the first year from the list")},
    )
    year_to = django_filters.ChoiceFilter(
        label=_("To"),
        choices=_years,
        empty_label=_("Any year"),
        field_name="starts_on__year",
        lookup_expr="lte",
        error_messages={"invalid_choice": _("Select the last year from the list")},
    )
    publisher = django_filters.ModelChoiceFilter(
        label=_("Published by"),
        queryset=Organisation.objects.filter(publishing_allowed_at__isnull=False).order_by("name"),
        to_field_name="slug",
        empty_label=_("Any publisher"),
        error_messages={"invalid_choice": _("Select a publisher from the list")},
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=ServiceCategory.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Any category"),
        error_messages={"invalid_choice": _("Select a category from the list")},
    )

    class Meta:
        model = Contract
        fields = []
        form = SpendFilterForm


def filtered_contracts(params):
    """``(filterset, contracts matching params)``; the filterset's form carries any errors."""
    filterset = SpendFilter(params or None, queryset=Contract.objects.all())
    return filterset, filterset.qs


def _grouped(contracts, **group):
    return list(with_lead(contracts).values(**group).annotate(**figures()).order_by(*group.keys()))


def totals(contracts):
    """The figures over every matching contract, with the distinct suppliers."""
    result = with_lead(contracts).aggregate(**figures())
    suppliers = ContractSupplier.objects.filter(contract__in=contracts.values("pk")).aggregate(
        suppliers=Count("organisation", distinct=True),
        third_sector_suppliers=Count(
            Case(When(third_sector(), then="organisation")), distinct=True
        ),
        small_suppliers=Count(Case(When(micro_or_small(), then="organisation")), distinct=True),
    )
    return {**result, **suppliers}


def by_year(contracts):
    return _grouped(contracts, year=ExtractYear("starts_on"))


def by_publisher(contracts):
    return _grouped(contracts, name=F("publisher__name"), slug=F("publisher__slug"))


def by_category(contracts):
    return _grouped(contracts, name=F("category__name"), slug=F("category__slug"))


class _RowCount(Func):
    """``COUNT(*)`` that Django does not take for an aggregate, so a subquery using it
    has no GROUP BY: PostgreSQL then runs it as one index lookup a row."""

    template = "COUNT(*)"
    output_field = IntegerField()


def ward_count(through, owner, outer="pk"):
    """A subquery counting the rows of ``through`` (a wards M2M table) whose ``owner``
    field is ``OuterRef(outer)``: how many wards that contract or pledge has."""
    return Subquery(
        through.objects.filter(**{owner: OuterRef(outer)}).order_by().values(n=_RowCount())
    )


def by_ward(contracts):
    """``(ward rows, citywide figures, no-ward figures)``; a ward row's value is its equal
    share of each contract in it, so ward rows, citywide and no-ward add up to the total."""
    share = ExpressionWrapper(
        F("value") / ward_count(Contract.wards.through, "contract"), output_field=MONEY
    )
    wards = list(
        with_lead(contracts.filter(citywide=False, wards__isnull=False))
        .alias(share=share)
        .values(name=F("wards__name"), slug=F("wards__slug"))
        .annotate(**figures(F("share")))
        .order_by("-value", "name")
    )
    citywide = with_lead(contracts.filter(citywide=True)).aggregate(**figures())
    nowhere = with_lead(contracts.filter(citywide=False, wards__isnull=True)).aggregate(**figures())
    return wards, citywide, nowhere


def share(part, whole):
    """``part`` as a whole-number percentage of ``whole`` (None when whole is 0)."""
    return round(Decimal(part) * 100 / whole) if whole else None


def spend_report(params):
    """Everything the spend page shows for ``params``, in a fixed number of queries."""
    filterset, contracts = filtered_contracts(params)
    wards, citywide, nowhere = by_ward(contracts)
    return {
        "filterset": filterset,
        "totals": totals(contracts),
        "by_year": by_year(contracts),
        "by_publisher": by_publisher(contracts),
        "by_category": by_category(contracts),
        "by_ward": wards,
        "citywide": citywide,
        "nowhere": nowhere,
        "social_value": social_value.pledged_and_delivered_by_unit(contracts),
        "social_value_by_ward": social_value.pledged_and_delivered_by_ward(contracts),
    }
