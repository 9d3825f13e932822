"""Market engagement events: commissioners create, change and cancel them and say
what they changed; members of registered organisations register attendees.

Places are given out under a lock on the event row (``select_for_update``), so
two registrations for the last place leave one with the place and one on the
waiting list. A place given up goes to the first on the waiting list.
Emails go after commit through ``commissioning.tasks``; ``notify=False`` sends none.
"""

from datetime import datetime, time, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commissioning.models import EngagementEvent, Registration
from opportunities.actions import require_commissioner
from portal import batch
from portal.authorization import membership_role

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "online",
    "venue",
    "joining_details",
    "capacity",
    "accessibility",
    "contact_email",
    "project",
)


def _tasks():
    # The tasks call back into this module: imported when needed, not at import time.
    from commissioning import tasks

    return tasks


def check_event(fields, *, publisher):
    """Raise ``ValidationError`` (by form field) for times, place, places or project the
    rules refuse; forms call it to show every problem at once."""
    errors = {}
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_time"] = _("The event must end after it starts")
    if not fields.get("online") and not (fields.get("venue") or "").strip():
        errors["venue"] = _("Enter the venue and its address, or say the event is online")
    if fields.get("online") and not (fields.get("joining_details") or "").strip():
        errors["joining_details"] = _("Enter how people join the event online")
    if fields.get("capacity") is not None and fields["capacity"] < 1:
        errors["capacity"] = _("The event must have at least 1 place")
    project = fields.get("project")
    if project is not None and project.publisher_id != publisher.pk:
        errors["project"] = _("Choose a project of %(publisher)s") % {"publisher": publisher.name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_event(*, publisher, by, **fields):
    """Create an event for ``publisher``; ``by`` must be one of its commissioners."""
    require_commissioner(publisher, by)
    check_event(fields, publisher=publisher)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"create_event cannot set {', '.join(sorted(unknown))}")
    return EngagementEvent.objects.create(publisher=publisher, created_by=by, **fields)


@transaction.atomic
def update_event(*, event, by, notify=True, **fields):
    """Change an event that is not cancelled. Fewer places than are already given is
    refused; more places go to the waiting list, first come first served."""
    event = EngagementEvent.objects.select_for_update().get(pk=event.pk)
    require_commissioner(event.publisher, by)
    if event.cancelled_at is not None:
        raise ValidationError(_("This event is cancelled and can no longer be changed"))
    merged = {name: getattr(event, name) for name in EVENT_FIELDS} | fields
    check_event(merged, publisher=event.publisher)
    taken = confirmed(event).count()
    if merged["capacity"] < taken:
        raise ValidationError(
            {
                "capacity": _(
                    "%(taken)s places are already taken: the event needs at least that many"
                )
                % {"taken": taken}
            }
        )
    for name, value in fields.items():
        setattr(event, name, value)
    event.save()
    _offer_free_places(event, notify=notify)
    return event


@transaction.atomic
def cancel_event(*, event, by, now=None, notify=True):
    """Cancel the event; everyone registered, with a place or waiting, is emailed."""
    event = EngagementEvent.objects.select_for_update().get(pk=event.pk)
    require_commissioner(event.publisher, by)
    if event.cancelled_at is not None:
        raise ValidationError(_("This event is already cancelled"))
    event.cancelled_at = now or timezone.now()
    event.save(update_fields=["cancelled_at"])
    if notify:
        _tasks().tell_attendees_of_cancellation.delay_on_commit(event.pk)
    return event


@transaction.atomic
def record_what_changed(*, event, by, text, now=None):
    """Record, once the event has started, what it changed in the project."""
    require_commissioner(event.publisher, by)
    now = now or timezone.now()
    text = text.strip()
    if event.starts_at > now:
        raise ValidationError(_("You can say what the event changed once it has taken place"))
    if not text:
        raise ValidationError({"what_changed": _("Enter what the event changed")})
    event.what_changed, event.what_changed_at, event.what_changed_by = text, now, by
    event.save(update_fields=["what_changed", "what_changed_at", "what_changed_by"])
    return event


def confirmed(event):
    """The registrations holding a place at ``event``."""
    return event.registrations.filter(cancelled_at__isnull=True, place_confirmed_at__isnull=False)


def waiting(event):
    """The registrations on ``event``'s waiting list, first registered first."""
    return event.registrations.filter(
        cancelled_at__isnull=True, place_confirmed_at__isnull=True
    ).order_by("registered_at", "pk")


def places_left(event):
    """How many places are free (never below 0)."""
    return max(event.capacity - confirmed(event).count(), 0)


@transaction.atomic
def register(
    *,
    event,
    organisation,
    by,
    attendee_name,
    attendee_email,
    access_needs="",
    now=None,
    notify=True,
):
    """Register an attendee for ``organisation`` (``by`` must be one of its members):
    with a place while there are places, else on the waiting list. The same email
    address twice at one event is refused. The attendee is emailed either way."""
    now = now or timezone.now()
    if membership_role(by, organisation) is None:
        raise PermissionError("Only the organisation's members can register its attendees.")
    event = EngagementEvent.objects.select_for_update().get(pk=event.pk)
    if event.cancelled_at is not None:
        raise ValidationError(_("This event is cancelled"))
    if event.starts_at <= now:
        raise ValidationError(_("This event has already started: registration is closed"))
    attendee_name, attendee_email = attendee_name.strip(), attendee_email.strip()
    if not attendee_name:
        raise ValidationError({"attendee_name": _("Enter the attendee's name")})
    if event.registrations.filter(
        cancelled_at__isnull=True, attendee_email__iexact=attendee_email
    ).exists():
        raise ValidationError(
            {
                "attendee_email": _("%(email)s is already registered for this event")
                % {"email": attendee_email}
            }
        )
    has_place = confirmed(event).count() < event.capacity
    registration = Registration.objects.create(
        event=event,
        organisation=organisation,
        attendee_name=attendee_name,
        attendee_email=attendee_email,
        access_needs=access_needs.strip(),
        registered_at=now,
        registered_by=by,
        place_confirmed_at=now if has_place else None,
    )
    if notify:
        _tasks().tell_attendee_of_registration.delay_on_commit(registration.pk)
    return registration


def can_cancel(user, registration):
    """The registering organisation's members and the event's commissioners may cancel."""
    from opportunities.actions import is_commissioner

    return membership_role(user, registration.organisation) is not None or is_commissioner(
        user, registration.event.publisher
    )


@transaction.atomic
def cancel_registration(*, registration, by, now=None, notify=True):
    """Give up a place (or leave the waiting list); a freed place goes to the first
    on the waiting list, who is emailed."""
    event = EngagementEvent.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not can_cancel(by, registration):
        raise PermissionError("Only the organisation's members or the commissioners can cancel.")
    if registration.cancelled_at is not None:
        raise ValidationError(_("This registration is already cancelled"))
    registration.cancelled_at = now or timezone.now()
    registration.save(update_fields=["cancelled_at"])
    _offer_free_places(event, notify=notify, now=now)
    return registration


def _offer_free_places(event, *, notify, now=None):
    """Give each free place to the next on the waiting list (the event row is locked)."""
    now = now or timezone.now()
    if event.cancelled_at is not None or event.starts_at <= now:
        return []
    free = event.capacity - confirmed(event).count()
    offered = list(waiting(event)[: max(free, 0)])
    for registration in offered:
        registration.place_confirmed_at = now
        registration.save(update_fields=["place_confirmed_at"])
        if notify:
            _tasks().tell_attendee_of_place.delay_on_commit(registration.pk)
    return offered


# Reminders go the day before an event (London's calendar), from this hour, so that
# none arrives in the night; the hourly job picks up registrations made later that day.
REMINDER_FROM_HOUR = 9


def send_reminders(*, now=None):
    """Hourly: email each confirmed attendee of an event starting tomorrow, once
    (``reminded_at``), from 9am. Each in its own transaction: one failure is recorded
    on its row and the others are still sent; a rerun sends nothing twice."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < REMINDER_FROM_HOUR:
        return 0
    tomorrow = local.date() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, time.min))
    end = timezone.make_aware(datetime.combine(tomorrow + timedelta(days=1), time.min))
    due = Registration.objects.filter(
        event__cancelled_at__isnull=True,
        event__starts_at__gte=start,
        event__starts_at__lt=end,
        cancelled_at__isnull=True,
        place_confirmed_at__isnull=False,
        reminded_at__isnull=True,
    ).order_by("pk")
    return batch.each_in_its_own_transaction(
        Registration,
        due.values_list("pk", flat=True),
        partial(_remind, now=now),
        job="event reminders",
    )


def _remind(registration_id, *, now):
    """Claim one unreminded registration, email it and mark it reminded."""
    from commissioning import engagement_mail

    registration = (
        Registration.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=registration_id, reminded_at__isnull=True, cancelled_at__isnull=True)
        .select_related("event", "organisation")
        .first()
    )
    if registration is None:
        return False
    engagement_mail.send_reminder(registration)
    batch.done(registration, reminded_at=now)
    return True
