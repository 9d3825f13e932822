"""Filters of the exchange's public lists; the query string is the whole filter state.

They reuse the organisation directory's pieces (the ward select, the ticked
filter, the size classes by income band), so the searches read and behave
alike. Filters combine with AND. A value that is not valid (an unknown ward, a
made-up kind) is reported as a form error and that filter is left out, so a bad
link still shows results rather than failing.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from exchange.models import Kind, Need, Offer
from organisations.filters import TickedFilter, income_bands_for, ward_filter
from organisations.models import SizeClass


def kind_filter():
    return django_filters.ChoiceFilter(
        label=_("Kind of help"),
        choices=Kind.choices,
        empty_label=_("Any kind"),
        error_messages={"invalid_choice": _("Select a kind of help from the list")},
    )


def size_filter(label):
    return django_filters.ChoiceFilter(
        label=label,
        choices=SizeClass.choices,
        empty_label=_("Any size"),
        method="filter_size",
        error_messages={"invalid_choice": _("Select a size from the list")},
    )


class BySize:
    """A FilterSet mixin: ``filter_size`` keeps rows whose organisation's income band
    puts it in the size class (``organisations.models.SIZE_CLASS_FOR_INCOME``)."""

    def filter_size(self, queryset, name, size_class):
        return queryset.filter(organisation__income_band__in=income_bands_for(size_class))


class NeedFilter(BySize, django_filters.FilterSet):
    """Needs by kind, by their ward, and by the size of the organisation asking."""

    kind = kind_filter()
    ward = ward_filter(method="filter_ward")
    size = size_filter(_("Size of the organisation asking"))

    class Meta:
        model = Need
        fields = []

    def filter_ward(self, queryset, name, ward):
        # A need has one ward: the people it helps are there.
        return queryset.filter(ward=ward)


class OfferFilter(BySize, django_filters.FilterSet):
    """Offers by kind, by a ward they reach (named, or the whole city), by the size of
    the organisation offering, and from Business Charter signatories only."""

    kind = kind_filter()
    ward = ward_filter(label=_("Ward (offers across the whole city included)"))
    size = size_filter(_("Size of the organisation offering"))
    charter = TickedFilter(
        label=_("Business Charter signatories only"),
        condition=Q(organisation__charter_signatory_since__isnull=False),
    )

    class Meta:
        model = Offer
        fields = []

    def filter_ward(self, queryset, name, ward):
        """Offers naming the ward or across the whole city, as
        ``organisations.filters.InWardOrCitywide`` keeps them, but as ``IN`` rather than
        ``EXISTS``: PostgreSQL costs ``citywide OR EXISTS`` so high on 100,000 offers
        that it compiles the query (JIT), which took 70 of its 80 ms (bench/README.md)."""
        named = Offer.wards.through.objects.filter(ward=ward).values("offer_id")
        return queryset.filter(Q(citywide=True) | Q(pk__in=named))
