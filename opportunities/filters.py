"""The opportunity search's filters; the query string is the whole search state.

Filters combine with AND; ticking several categories or value bands keeps
opportunities in any of them. A value that is not valid (an unknown ward, a
made-up band) is reported as a form error and that filter is left out, so an
old or edited link still shows results rather than failing.

The form also carries the words searched for (``q``) and the sort order, which
``opportunities.queries.search_opportunities`` applies: full-text search
depends on the database.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import django_filters
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opportunities import listings
from opportunities.models import Opportunity, Status
from organisations.filters import TickedFilter
from organisations.models import Organisation, ServiceCategory, Ward

MAX_QUERY_LENGTH = 200


class ValueBand(models.TextChoices):
    UNDER_10K = "under-10k", _("Under £10,000")
    FROM_10K = "10k-30k", _("£10,000 to £30,000")
    FROM_30K = "30k-100k", _("£30,000 to £100,000")
    FROM_100K = "100k-500k", _("£100,000 to £500,000")
    OVER_500K = "over-500k", _("Over £500,000")


# Each band holds the opportunities whose top estimate is at least its first
# figure and below its second (None: no limit), so every value is in one band.
VALUE_BAND_LIMITS = {
    ValueBand.UNDER_10K: (None, Decimal(10_000)),
    ValueBand.FROM_10K: (Decimal(10_000), Decimal(30_000)),
    ValueBand.FROM_30K: (Decimal(30_000), Decimal(100_000)),
    ValueBand.FROM_100K: (Decimal(100_000), Decimal(500_000)),
    ValueBand.OVER_500K: (Decimal(500_000), None),
}

CLOSING_WITHIN_DAYS = [
    ("7", _("In the next 7 days")),
    ("14", _("In the next 14 days")),
    ("28", _("In the next 28 days")),
]

# Drafts never appear in search; open is shown when no status is asked for.
ANY_STATUS = "any"
SEARCHABLE_STATUSES = [
    (status.value, status.label)
    for status in (Status.OPEN, Status.CLOSED, Status.AWARDED, Status.CANCELLED)
] + [(ANY_STATUS, _("Any status"))]


class Sort:
    RELEVANCE = "relevance"
    CLOSING = "closing"
    NEWEST = "newest"
    VALUE = "value"

    choices = [
        (RELEVANCE, _("Most relevant")),
        (CLOSING, _("Closing soonest")),
        (NEWEST, _("Newest")),
        (VALUE, _("Highest value")),
    ]


class OpportunitySearchForm(forms.Form):
    """The words and the sort order; the filters add their own fields to it."""

    q = forms.CharField(label=_("Search by keyword"), required=False, strip=True)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=Sort.choices,
        required=False,
        error_messages={"invalid_choice": _("Select a sort order from the list")},
    )

    def clean_q(self):
        # Long searches are cut rather than refused: a search always shows a page.
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH].strip()


def _ids_of_publishers():
    published = Opportunity.objects.published().filter(publisher=OuterRef("pk"))
    return list(Organisation.objects.filter(Exists(published)).values_list("pk", flat=True))


def publishers(request=None):
    """Organisations that have published at least one opportunity, by name.

    Finding them looks at every organisation in the registry, so which they are
    is kept with the other public lists (``opportunities.listings``).
    """
    ids = listings.kept("publishers", _ids_of_publishers)
    return Organisation.objects.filter(pk__in=ids).order_by("name")


class OpportunitySearchFilter(django_filters.FilterSet):
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Category"),
        queryset=ServiceCategory.objects.order_by("name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        method="filter_categories",
        error_messages={"invalid_choice": _("Select categories from the list")},
    )
    value = django_filters.MultipleChoiceFilter(
        label=_("Value"),
        choices=ValueBand.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_value",
        error_messages={"invalid_choice": _("Select values from the list")},
    )
    ward = django_filters.ModelChoiceFilter(
        label=_("Ward"),
        queryset=Ward.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Any ward"),
        method="filter_ward",
        error_messages={"invalid_choice": _("Select a ward from the list")},
    )
    closing = django_filters.ChoiceFilter(
        label=_("Closing"),
        choices=CLOSING_WITHIN_DAYS,
        empty_label=_("Any time"),
        method="filter_closing",
        error_messages={"invalid_choice": _("Select when it closes from the list")},
    )
    publisher = django_filters.ModelChoiceFilter(
        label=_("Published by"),
        queryset=publishers,
        to_field_name="slug",
        empty_label=_("Any publisher"),
        error_messages={"invalid_choice": _("Select a publisher from the list")},
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=SEARCHABLE_STATUSES,
        empty_label=None,  # the first choice, open, is the default
        method="filter_status",
        error_messages={"invalid_choice": _("Select a status from the list")},
    )
    small = TickedFilter(
        label=_("Suitable for small organisations"), condition=Q(suitable_for_small=True)
    )

    class Meta:
        model = Opportunity
        fields = []
        form = OpportunitySearchForm

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def filter_queryset(self, queryset):
        """Apply the filters that were valid; with no valid status, show open ones."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name in self.filters:  # ``q`` and ``sort`` are applied by the search
                queryset = self.filters[name].filter(queryset, value)
        if not data.get("status"):
            queryset = queryset.with_status(Status.OPEN, self.now)
        return queryset

    def filter_categories(self, queryset, name, categories):
        if not categories:  # an empty QuerySet when nothing is ticked
            return queryset
        return queryset.filter(category__in=categories)

    def filter_value(self, queryset, name, bands):
        in_any_band = Q()
        for band in bands:
            low, high = VALUE_BAND_LIMITS[band]
            in_band = Q()
            if low is not None:
                in_band &= Q(value_high__gte=low)
            if high is not None:
                in_band &= Q(value_high__lt=high)
            in_any_band |= in_band
        return queryset.filter(in_any_band)

    def filter_ward(self, queryset, name, ward):
        """In the ward, or across the whole city."""
        covers = Opportunity.wards.through.objects.filter(opportunity=OuterRef("pk"), ward=ward)
        return queryset.filter(Q(citywide=True) | Exists(covers))

    def filter_closing(self, queryset, name, days):
        """Still open, with the deadline for bids within ``days`` days from now."""
        return queryset.live(self.now).filter(
            submission_deadline__lte=self.now + timedelta(days=int(days))
        )

    def filter_status(self, queryset, name, status):
        if status == ANY_STATUS:
            return queryset  # published already: every status but draft
        return queryset.with_status(status, self.now)


@dataclass(frozen=True)
class AppliedFilter:
    """One part of a search, in words, and the search without it."""

    label: str
    value: str
    without: str  # the query string with this part taken out


def applied_filters(filterset):
    """What a bound search asks for, in plain English: the words, then each chosen filter.

    One ``AppliedFilter`` per value that was valid, in the form's order (a value
    that was not valid is left out, as the search leaves it out). Open, the
    status shown when none is chosen, is not listed; the sort is not part of
    what is searched for. ``without`` drops the page number too, so a link to
    it starts at the first page.
    """
    form, data = filterset.form, filterset.form.data
    form.is_valid()  # cleaned_data then holds the values that were valid

    def without(name, value=None):
        rest = QueryDict(mutable=True)
        for key, values in data.lists():
            if key == "page" or (key == name and value is None):
                continue
            kept = [v for v in values if not (key == name and v == value)]
            if kept:
                rest.setlist(key, kept)
        return rest.urlencode()

    applied = []
    if words := form.cleaned_data.get("q"):
        applied.append(AppliedFilter(str(form["q"].label), f"“{words}”", without("q")))
    for name, value in form.cleaned_data.items():
        if name not in filterset.filters or value in (None, "", [], False, Status.OPEN):
            continue
        field = form.fields[name]
        if value is True:  # a ticked filter, such as "small"
            applied.append(AppliedFilter(str(field.label), str(_("Yes")), without(name)))
            continue
        for item in value if isinstance(value, list | tuple | models.QuerySet) else [value]:
            if isinstance(item, models.Model):  # a category, ward or publisher: by slug
                raw, words = item.slug, str(item)
            else:
                raw, words = item, str(dict(field.choices).get(item, item))
            applied.append(AppliedFilter(str(field.label), words, without(name, raw)))
    return applied
