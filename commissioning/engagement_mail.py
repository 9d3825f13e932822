"""The emails about engagement events, rendered from plain-text templates.

Each goes to the attendee's own address; replies go to the event's contact.
"""

from django.urls import reverse

from accounts.emails import absolute_url
from portal.mail import send_each


def _send(registration, subject, template, **context):
    event = registration.event
    send_each(
        subject,
        f"commissioning/email/{template}",
        {
            "registration": registration,
            "event": event,
            "organisation": registration.organisation,
            "url": absolute_url(reverse("commissioning:event", args=[event.pk])),
            **context,
        },
        [registration.attendee_email],
        reply_to=[event.contact_email],
    )


def send_registered(registration):
    """A place confirmed, or a place on the waiting list."""
    if registration.place_confirmed_at:
        subject = f"Your place at {registration.event.title}"
    else:
        subject = f"You are on the waiting list for {registration.event.title}"
    _send(registration, subject, "registered.txt")


def send_place_offered(registration):
    """A place given up by someone else is now the attendee's."""
    _send(registration, f"A place is now yours at {registration.event.title}", "place_offered.txt")


def send_reminder(registration):
    """The day-before reminder, with how to get there or join."""
    _send(registration, f"Reminder: {registration.event.title}", "reminder.txt")


def send_cancelled(registration):
    """The event is cancelled."""
    _send(registration, f"Cancelled: {registration.event.title}", "cancelled.txt")
