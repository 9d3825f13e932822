"""Market engagement: market days, provider forums, listening exercises and meet
the buyer events, open to every registered organisation (R01 a, R02 a).

A ``Registration`` with ``place_confirmed_at`` holds a place; one without is on
the waiting list, in the order registered. When a place is given up the first
on the waiting list is offered it (``commissioning.actions.engagement``).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commissioning.models.projects import Project
from organisations.models import Organisation
from portal.batch import SendFailures


class EventKind(models.TextChoices):
    MARKET_DAY = "market_day", _("Market day")
    PROVIDER_FORUM = "provider_forum", _("Provider forum")
    LISTENING = "listening", _("Listening exercise")
    MEET_THE_BUYER = "meet_the_buyer", _("Meet the buyer")


class EngagementEventQuerySet(models.QuerySet):
    def upcoming(self, now):
        return self.filter(cancelled_at__isnull=True, ends_at__gte=now)


class EngagementEvent(models.Model):
    """One engagement event, in a place or online, with a capacity."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    publisher = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type of event"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it is for"), max_length=5000)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    online = models.BooleanField(_("online"), default=False)
    venue = models.CharField(_("venue and address"), max_length=500, blank=True)
    joining_details = models.CharField(
        _("how to join online"),
        max_length=500,
        blank=True,
        help_text=_("Sent only to those with a place."),
    )
    capacity = models.PositiveIntegerField(_("places"))
    accessibility = models.TextField(_("accessibility"), max_length=2000, blank=True)
    contact_email = models.EmailField(_("contact email"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # What the event changed in the project, recorded by the commissioner afterwards.
    what_changed = models.TextField(_("what the event changed"), max_length=5000, blank=True)
    what_changed_at = models.DateTimeField(null=True, blank=True)
    what_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EngagementEventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("engagement event")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="engagement_event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0), name="engagement_event_has_places"
            ),
            models.CheckConstraint(
                condition=models.Q(online=True) | ~models.Q(venue=""),
                name="engagement_event_has_venue_or_online",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("commissioning:event", args=[self.pk])


class Registration(SendFailures, models.Model):
    """An organisation's attendee at an event: with a place, or on the waiting list."""

    event = models.ForeignKey(
        EngagementEvent, on_delete=models.CASCADE, related_name="registrations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="event_registrations"
    )
    attendee_name = models.CharField(_("attendee's name"), max_length=150)
    attendee_email = models.EmailField(_("attendee's email address"))
    access_needs = models.CharField(_("access needs"), max_length=500, blank=True)
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    place_confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "attendee_email"],
                condition=models.Q(cancelled_at__isnull=True),
                name="registration_once_per_attendee",
            ),
        ]

    def __str__(self):
        return f"{self.attendee_name} ({self.organisation}) at {self.event}"

    @property
    def on_waiting_list(self):
        return self.place_confirmed_at is None and self.cancelled_at is None
