"""Filters of commissioning's public lists; the query string is the whole filter state.

They reuse the opportunity search's pieces (value bands, the form's words box,
ticked filters, how an invalid value is reported and left out), so the two
searches read and behave alike.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commissioning.models import PipelineItem
from opportunities import listings
from opportunities.filters import VALUE_BAND_LIMITS, ValueBand
from organisations.filters import InWardOrCitywide, TickedFilter, ward_filter
from organisations.models import Organisation, ServiceCategory

# --- Pipeline ---------------------------------------------------------------------------


class PipelineShows:
    """Which items the pipeline lists: still to come (the default), published, or both."""

    COMING = "coming"
    PUBLISHED = "published"
    ANY = "any"

    choices = [
        (COMING, _("Still to come")),
        (PUBLISHED, _("Published as opportunities")),
        (ANY, _("Both")),
    ]


class PipelineSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by keyword"), required=False, strip=True)

    def clean_q(self):
        # As the opportunity search: long searches are cut, never refused.
        return self.cleaned_data["q"][:200].strip()


def _ids_of_pipeline_publishers():
    listed = PipelineItem.objects.public().filter(publisher=OuterRef("pk"))
    return list(Organisation.objects.filter(Exists(listed)).values_list("pk", flat=True))


def pipeline_publishers(request=None):
    """Organisations with at least one item on the public pipeline, by name.

    Finding them probes every organisation in the registry (20 ms at 10,000), so which
    they are is kept with the other public lists (``opportunities.listings``): for a
    minute at most, and dropped when an item is added or withdrawn.
    """
    ids = listings.kept("pipeline_publishers", _ids_of_pipeline_publishers)
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def quarters(now=None):
    """The choices of the quarter filter: this quarter and the next seven, by value
    ``2027-q2``, labelled ``April to June 2027``."""
    today = timezone.localdate(now)
    year, quarter = today.year, (today.month - 1) // 3 + 1
    labels = dict(PipelineItem._meta.get_field("expected_quarter").choices)
    choices = []
    for _step in range(8):
        choices.append((f"{year}-q{quarter}", f"{labels[quarter]} {year}"))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return choices


class PipelineFilter(InWardOrCitywide, django_filters.FilterSet):
    """The pipeline's filters: the opportunity search's, plus the expected quarter."""

    shows = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=PipelineShows.choices,
        empty_label=None,  # the first choice, still to come, is the default
        method="filter_shows",
        error_messages={"invalid_choice": _("Select what to show from the list")},
    )
    quarter = django_filters.ChoiceFilter(
        label=_("Expected to be published"),
        choices=quarters,
        empty_label=_("Any time"),
        method="filter_quarter",
        error_messages={"invalid_choice": _("Select a quarter from the list")},
    )
    ward = ward_filter()
    publisher = django_filters.ModelChoiceFilter(
        label=_("Planned by"),
        queryset=pipeline_publishers,
        to_field_name="slug",
        empty_label=_("Any publisher"),
        error_messages={"invalid_choice": _("Select a publisher from the list")},
    )
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Category"),
        queryset=ServiceCategory.objects.order_by("name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        method="filter_categories",
        error_messages={"invalid_choice": _("Select categories from the list")},
    )
    value = django_filters.MultipleChoiceFilter(
        label=_("Estimated value"),
        choices=ValueBand.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_value",
        error_messages={"invalid_choice": _("Select values from the list")},
    )
    citywide = TickedFilter(label=_("Across the whole city"), condition=Q(citywide=True))

    class Meta:
        model = PipelineItem
        fields = []
        form = PipelineSearchForm

    def filter_queryset(self, queryset):
        """Apply the filters that were valid; with no valid choice of what to show,
        list the items still to come."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name in self.filters:  # ``q`` is applied by the search
                queryset = self.filters[name].filter(queryset, value)
        if not data.get("shows"):
            queryset = queryset.coming()
        return queryset

    def filter_shows(self, queryset, name, shows):
        if shows == PipelineShows.PUBLISHED:
            return queryset.published()
        if shows == PipelineShows.ANY:
            return queryset
        return queryset.coming()

    def filter_quarter(self, queryset, name, value):
        year, quarter = value.split("-q")
        return queryset.filter(expected_year=int(year), expected_quarter=int(quarter))

    def filter_categories(self, queryset, name, categories):
        if not categories:
            return queryset
        return queryset.filter(category__in=categories)

    def filter_value(self, queryset, name, bands):
        """An item is in a band by its single estimate, with the opportunity search's limits."""
        in_any_band = Q()
        for band in bands:
            low, high = VALUE_BAND_LIMITS[band]
            in_band = Q()
            if low is not None:
                in_band &= Q(estimated_value__gte=low)
            if high is not None:
                in_band &= Q(estimated_value__lt=high)
            in_any_band |= in_band
        return queryset.filter(in_any_band)
