"""Market engagement events: ``/events/`` (upcoming), ``/events/past/`` and
``/events/<pk>/``, registration for organisations' members, and the
commissioner's pages to run an event. Outsiders get 404 on the commissioner's pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from commissioning.actions import engagement as actions
from commissioning.forms.engagement import EventForm, RegistrationForm, WhatChangedForm
from commissioning.models import EngagementEvent, Registration
from commissioning.queries.projects import search_events
from commissioning.views.projects import publishers_of
from opportunities.actions import is_commissioner
from opportunities.queries import without_nul
from organisations.models import Organisation
from portal.csv import csv_response
from portal.formats import moment_in_words
from portal.forms import add_errors
from portal.pagination import BoundedPaginator

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
EVENTS_PER_PAGE = 20


def _list(request, *, past):
    filterset, events = search_events(request.GET, past=past)
    page = BoundedPaginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioning/events/list.html",
        {
            "form": filterset.form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "past": past,
            "filtered": bool(request.GET.get("kind", "").strip()),
            "can_create": publishers_of(request.user).exists(),
        },
    )


@require_safe
def event_list(request):
    """Upcoming events, soonest first, by type."""
    return _list(request, past=False)


@require_safe
def past_events(request):
    """Events that have ended, newest first, with what each changed."""
    return _list(request, past=True)


def _event(pk):
    return get_object_or_404(EngagementEvent.objects.select_related("publisher", "project"), pk=pk)


def managed_event(request, pk):
    """The event, if ``request.user`` is one of its publisher's commissioners; else 404."""
    event = _event(pk)
    if not request.user.is_authenticated or not is_commissioner(request.user, event.publisher):
        raise Http404
    return event


def _member_organisations(user, event):
    """The user's organisations that may send attendees: all but the event's publisher."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(memberships__user=user)
        .exclude(pk=event.publisher_id)
        .order_by("name")
    )


@require_safe
def event_detail(request, pk):
    event = _event(pk)
    now = timezone.now()
    organisations = _member_organisations(request.user, event)
    return render(
        request,
        "commissioning/events/detail.html",
        {
            "event": event,
            "places_left": actions.places_left(event),
            "places_taken": actions.confirmed(event).count(),
            "open_for_registration": event.cancelled_at is None and event.starts_at > now,
            "started": event.starts_at <= now,
            "can_manage": request.user.is_authenticated
            and is_commissioner(request.user, event.publisher),
            "can_register": organisations.exists(),
            "ours": event.registrations.filter(
                organisation__in=organisations, cancelled_at__isnull=True
            ).select_related("organisation"),
        },
    )


@GET_POST
def event_create(request):
    publishers = publishers_of(request.user)
    publisher = publishers.first()
    if publisher is None:
        raise Http404
    project = None
    chosen = without_nul(request.GET).get("project")
    if chosen:
        from commissioning.models import Project

        project = Project.objects.filter(reference=chosen, publisher__in=publishers).first()
        publisher = project.publisher if project else publisher
    form = EventForm(
        request.POST if request.method == "POST" else None,
        publisher=publisher,
        initial={"project": project.pk if project else None, "contact_email": request.user.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = actions.create_event(
                publisher=publisher, by=request.user, **form.fields_for_action()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The event is published on the events page."))
            return redirect(event)
    return render(
        request,
        "commissioning/events/form.html",
        {"form": form, "heading": _("Plan an engagement event"), "publisher": publisher},
    )


@GET_POST
def event_edit(request, pk):
    event = managed_event(request, pk)
    form = EventForm(
        request.POST if request.method == "POST" else None,
        instance=event,
        publisher=event.publisher,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_event(event=event, by=request.user, **form.fields_for_action())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event)
    return render(
        request,
        "commissioning/events/form.html",
        {"form": form, "heading": _("Change the event"), "event": event},
    )


@GET_POST
def event_cancel(request, pk):
    event = managed_event(request, pk)
    if request.method == "POST":
        try:
            actions.cancel_event(event=event, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The event is cancelled and everyone registered is told."))
        return redirect(event)
    return render(request, "commissioning/events/cancel.html", {"event": event})


@login_required
@GET_POST
def register(request, pk):
    """A member registers an attendee for one of their organisations."""
    event = _event(pk)
    organisations = _member_organisations(request.user, event)
    if not organisations.exists():
        raise Http404
    form = RegistrationForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = actions.register(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if registration.place_confirmed_at:
                messages.success(
                    request,
                    _("%(name)s has a place. We have emailed them the details.")
                    % {"name": registration.attendee_name},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The event is full, so %(name)s is on the waiting list. We have emailed "
                        "them, and will again if a place comes free."
                    )
                    % {"name": registration.attendee_name},
                )
            return redirect(event)
    places_left = actions.places_left(event)
    return render(
        request,
        "commissioning/events/register.html",
        {
            "form": form,
            "event": event,
            "places_left": places_left,
            "heading": _("Register an attendee") if places_left else _("Join the waiting list"),
        },
    )


@GET_POST
def registration_cancel(request, pk, registration_pk):
    event = _event(pk)
    registration = get_object_or_404(
        Registration.objects.select_related("organisation"),
        pk=registration_pk,
        event=event,
        cancelled_at__isnull=True,
    )
    registration.event = event
    if not request.user.is_authenticated or not actions.can_cancel(request.user, registration):
        raise Http404
    if request.method == "POST":
        actions.cancel_registration(registration=registration, by=request.user)
        messages.success(
            request, _("%(name)s's place is cancelled.") % {"name": registration.attendee_name}
        )
        if is_commissioner(request.user, event.publisher):
            return redirect("commissioning:event_attendees", pk=event.pk)
        return redirect(event)
    return render(
        request,
        "commissioning/events/registration_cancel.html",
        {"event": event, "registration": registration},
    )


def _attendees(event):
    return event.registrations.filter(cancelled_at__isnull=True).select_related("organisation")


@require_safe
def attendees(request, pk):
    event = managed_event(request, pk)
    registrations = list(_attendees(event))
    return render(
        request,
        "commissioning/events/attendees.html",
        {
            "event": event,
            "confirmed": [r for r in registrations if r.place_confirmed_at],
            "waiting": [r for r in registrations if not r.place_confirmed_at],
        },
    )


@require_safe
def attendees_csv(request, pk):
    event = managed_event(request, pk)
    rows = [
        [
            r.organisation.name,
            r.attendee_name,
            r.attendee_email,
            r.access_needs,
            "Place" if r.place_confirmed_at else "Waiting list",
            moment_in_words(r.registered_at),
        ]
        for r in _attendees(event)
    ]
    return csv_response(
        f"event-{event.pk}-attendees.csv",
        ["Organisation", "Name", "Email", "Access needs", "Status", "Registered"],
        rows,
    )


@GET_POST
def what_changed(request, pk):
    event = managed_event(request, pk)
    form = WhatChangedForm(
        request.POST if request.method == "POST" else None,
        initial={"what_changed": event.what_changed},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_what_changed(
                event=event, by=request.user, text=form.cleaned_data["what_changed"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Saved. It is shown on the event's and the project's pages.")
            )
            return redirect(event)
    return render(
        request,
        "commissioning/events/form.html",
        {"form": form, "heading": _("What the event changed"), "event": event},
    )
