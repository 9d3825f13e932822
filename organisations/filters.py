"""The organisation directory's filters; the query string is the whole filter state.

Filters combine with AND; ticking several services keeps organisations offering
any of them. A value that is not valid (an unknown ward, a made-up size) is
reported as a form error and that filter is left out, so a bad link still shows
results rather than failing.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from organisations.models import (
    SIZE_CLASS_FOR_INCOME,
    LegalForm,
    Organisation,
    ServiceCategory,
    SizeClass,
    Ward,
)


def income_bands_for(size_class):
    """The income bands that put an organisation in ``size_class``."""
    return [band for band, size in SIZE_CLASS_FOR_INCOME.items() if size == size_class]


class TickedFilter(django_filters.BooleanFilter):
    """A checkbox: ticked keeps organisations matching ``condition``; unticked keeps all."""

    def __init__(self, *, condition, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(**kwargs)
        self.condition = condition

    def filter(self, qs, value):
        return qs.filter(self.condition) if value else qs


def category_filter(**kwargs):
    """One service category, chosen by slug from a select; an unknown slug is reported."""
    return django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=ServiceCategory.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Any category"),
        error_messages={"invalid_choice": _("Select a category from the list")},
        **kwargs,
    )


def ward_filter(**kwargs):
    """One ward, chosen by slug from a select, applied by the FilterSet's ``filter_ward``."""
    kwargs.setdefault("label", _("Ward"))
    kwargs.setdefault("method", "filter_ward")
    return django_filters.ModelChoiceFilter(
        queryset=Ward.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Any ward"),
        error_messages={"invalid_choice": _("Select a ward from the list")},
        **kwargs,
    )


class InWardOrCitywide:
    """A FilterSet mixin: ``filter_ward`` keeps rows in the ward (through their ``wards``)
    or across the whole city (``citywide``), as one EXISTS, without joining the wards."""

    def filter_ward(self, queryset, name, ward):
        wards = queryset.model.wards
        covers = wards.through.objects.filter(
            **{wards.field.m2m_field_name(): OuterRef("pk"), "ward": ward}
        )
        return queryset.filter(Q(citywide=True) | Exists(covers))


class OrganisationDirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search by name or description"), method="search", max_length=200
    )
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Services"),
        queryset=ServiceCategory.objects.order_by("name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        method="filter_categories",
        error_messages={"invalid_choice": _("Select services from the list")},
    )
    ward = django_filters.ModelChoiceFilter(
        label=_("Works in ward"),
        queryset=Ward.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Any ward"),
        method="filter_ward",
        error_messages={"invalid_choice": _("Select a ward from the list")},
    )
    size = django_filters.ChoiceFilter(
        label=_("Size"),
        choices=SizeClass.choices,
        empty_label=_("Any size"),
        method="filter_size",
        error_messages={"invalid_choice": _("Select a size from the list")},
    )
    legal_form = django_filters.ChoiceFilter(
        label=_("Legal form"),
        choices=LegalForm.choices,
        empty_label=_("Any legal form"),
        error_messages={"invalid_choice": _("Select a legal form from the list")},
    )
    partnering = TickedFilter(label=_("Open to partnering"), condition=Q(open_to_partnering=True))
    charter = TickedFilter(
        label=_("Business Charter signatory"),
        condition=Q(charter_signatory_since__isnull=False),
    )
    living_wage = TickedFilter(
        label=_("Living wage employer"), condition=Q(living_wage_employer=True)
    )

    class Meta:
        model = Organisation
        fields = []

    def search(self, queryset, name, value):
        # On PostgreSQL, migration 0004's trigram indexes are on exactly the
        # expressions `icontains` emits, UPPER("column"::text): change the
        # lookup and the search reads every row again.
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_categories(self, queryset, name, categories):
        if not categories:  # an empty QuerySet when nothing is ticked
            return queryset
        # EXISTS rather than a join, so an organisation in two ticked services
        # appears once and the count stays right without DISTINCT.
        offers = Organisation.service_categories.through.objects.filter(
            organisation=OuterRef("pk"), servicecategory__in=categories
        )
        return queryset.filter(Exists(offers))

    def filter_ward(self, queryset, name, ward):
        """Based in the ward, serving it, or working across the whole city."""
        serves = Organisation.wards_served.through.objects.filter(
            organisation=OuterRef("pk"), ward=ward
        )
        return queryset.filter(Q(ward=ward) | Q(citywide=True) | Exists(serves))

    def filter_size(self, queryset, name, size_class):
        return queryset.filter(income_band__in=income_bands_for(size_class))
