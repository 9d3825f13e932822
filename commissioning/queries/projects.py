"""Reads for the public project pages and event pages: filters and what each page shows.

The query string is the whole filter state; a value that is not valid is
reported and left out, as on the opportunity search.
"""

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commissioning.models import EngagementEvent, EventKind, Phase, Project
from organisations.filters import InWardOrCitywide, category_filter, ward_filter
from organisations.models import Organisation


def project_publishers(request=None):
    """Organisations allowed to publish or with a commissioning project, by name (a
    commissioner's link to their own projects works before their first one)."""
    return Organisation.objects.filter(
        Q(publishing_allowed_at__isnull=False)
        | Exists(Project.objects.filter(publisher=OuterRef("pk")))
    ).order_by("name")


class ProjectFilter(InWardOrCitywide, django_filters.FilterSet):
    """The filters of ``/projects/``; they combine with AND."""

    phase = django_filters.ChoiceFilter(
        label=_("Phase"),
        choices=Phase.choices,
        empty_label=_("Any phase"),
        error_messages={"invalid_choice": _("Select a phase from the list")},
    )
    publisher = django_filters.ModelChoiceFilter(
        label=_("Commissioned by"),
        queryset=project_publishers,
        to_field_name="slug",
        empty_label=_("Any organisation"),
        error_messages={"invalid_choice": _("Select an organisation from the list")},
    )
    category = category_filter()
    ward = ward_filter()

    class Meta:
        model = Project
        fields = []


def search_projects(params):
    """``(filterset, projects matching params)``, newest first, each row's publisher,
    category and lead loaded with it (a fixed number of queries)."""
    projects = Project.objects.select_related("publisher", "category", "lead_commissioner")
    filterset = ProjectFilter(params, queryset=projects.order_by("-created_at", "-pk"))
    return filterset, filterset.qs


def project_for_page(reference):
    """The project with everything its page lists, or None."""
    from commissioning.models import PhaseMove

    return (
        Project.objects.select_related("publisher", "category", "lead_commissioner")
        .prefetch_related(
            "wards",
            "outcomes",
            "documents",
            Prefetch("partners", queryset=_partners()),
            Prefetch("moves", queryset=PhaseMove.objects.select_related("moved_by")),
            Prefetch("events", queryset=EngagementEvent.objects.order_by("-starts_at")),
        )
        .filter(reference=reference)
        .first()
    )


def _partners():
    from commissioning.models import CoProductionPartner

    return CoProductionPartner.objects.select_related("organisation")


class EventFilter(django_filters.FilterSet):
    """The filter of ``/events/``: the type of event."""

    kind = django_filters.ChoiceFilter(
        label=_("Type of event"),
        choices=EventKind.choices,
        empty_label=_("Any type"),
        error_messages={"invalid_choice": _("Select a type of event from the list")},
    )

    class Meta:
        model = EngagementEvent
        fields = []


def search_events(params, *, past=False, now=None):
    """``(filterset, events)``: upcoming events soonest first (cancelled ones left out),
    or past ones newest first, with each row's publisher and project."""
    now = now or timezone.now()
    events = EngagementEvent.objects.select_related("publisher", "project")
    if past:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.upcoming(now).order_by("starts_at", "pk")
    filterset = EventFilter(params, queryset=events)
    return filterset, filterset.qs
