"""The social value exchange: third-sector organisations post needs, any registered
organisation posts offers, the two are matched, and help given is recorded by the
giver and confirmed by the recipient.

Quantities move in one direction only, each under a row lock in ``exchange.actions``:
an accepted match adds to its need's ``promised`` and its offer's ``committed``; a
confirmed delivery adds to ``delivered`` on the match, the need and the offer. A
delivery nobody has confirmed counts for nothing. Status is derived from those
figures and from the timestamps beside them (``Need.status``, ``Offer.status``).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commissioning.models import Pledge, SocialValueReturn
from organisations.models import Organisation, Ward
from portal.batch import SendFailures

QUANTITY = {"max_digits": 10, "decimal_places": 2}
ZERO = Decimal(0)


class Kind(models.TextChoices):
    """What is needed or offered (seed 000, R03 b)."""

    MENTORING = "mentoring", _("Mentoring")
    VOLUNTEERS = "volunteers", _("Volunteers")
    PREMISES = "premises", _("Premises")
    EQUIPMENT = "equipment", _("Equipment")
    LEGAL = "legal", _("Legal advice")
    FINANCE = "finance", _("Finance advice")
    HR = "hr", _("HR advice")
    TRAINING = "training", _("Training places")
    PLACEMENTS = "placements", _("Work placements")


class Unit(models.TextChoices):
    HOURS = "hours", _("hours")
    ITEMS = "items", _("items")
    PLACES = "places", _("places")


# What each kind is usually counted in; the form offers it first.
USUAL_UNIT = {
    Kind.MENTORING: Unit.HOURS,
    Kind.VOLUNTEERS: Unit.HOURS,
    Kind.PREMISES: Unit.HOURS,
    Kind.EQUIPMENT: Unit.ITEMS,
    Kind.LEGAL: Unit.HOURS,
    Kind.FINANCE: Unit.HOURS,
    Kind.HR: Unit.HOURS,
    Kind.TRAINING: Unit.PLACES,
    Kind.PLACEMENTS: Unit.PLACES,
}


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    PARTLY_MET = "partly_met", _("Partly met")
    MET = "met", _("Met")
    FULL = "full", _("Fully taken up")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class NeedQuerySet(models.QuerySet):
    def open_for_matching(self, today=None):
        """Needs still looking for help: not closed, not met, not past their date, and
        with some of the quantity not yet promised."""
        return self.filter(
            closed_at__isnull=True,
            met_at__isnull=True,
            needed_by__gte=today or timezone.localdate(),
            promised__lt=F("quantity"),
        )


class Need(SendFailures, models.Model):
    """Help a third-sector organisation is asking for."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(_("what is needed"), max_length=200)
    description = models.TextField(_("more about it"), max_length=3000)
    why = models.TextField(_("why it matters"), max_length=2000)
    kind = models.CharField(_("kind of help"), max_length=20, choices=Kind.choices)
    unit = models.CharField(_("counted in"), max_length=10, choices=Unit.choices)
    quantity = models.DecimalField(_("how many"), **QUANTITY)
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ward"),
        help_text=_("Where the people it helps are: social value is reported by ward."),
    )
    online = models.BooleanField(_("can be given online"), default=False)
    needed_by = models.DateField(_("needed by"))
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    promised = models.DecimalField(_("promised"), default=ZERO, editable=False, **QUANTITY)
    delivered = models.DecimalField(_("delivered"), default=ZERO, editable=False, **QUANTITY)
    met_at = models.DateTimeField(_("met"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The week-before-expiry reminder, for the date it was sent about.
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["needed_by", "-pk"]
        indexes = [
            models.Index(
                fields=["needed_by"],
                name="need_open_by_date",
                condition=Q(closed_at__isnull=True, met_at__isnull=True),
            ),
            models.Index(fields=["-posted_at"], name="need_newest"),
            # The first suggestions of each kind and unit, soonest due first
            # (exchange.queries.first_suggested_needs).
            models.Index(
                "kind",
                "unit",
                "needed_by",
                F("posted_at").desc(),
                F("id").desc(),
                name="need_open_by_kind_date",
                condition=Q(closed_at__isnull=True, met_at__isnull=True),
            ),
            # An offer's wards looked up among one organisation's open needs of its kind
            # (exchange.queries.first_suggested_offers).
            models.Index(
                fields=["organisation", "kind", "unit", "ward"],
                name="need_open_by_organisation",
                condition=Q(closed_at__isnull=True, met_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="need_quantity_positive"),
            models.CheckConstraint(
                condition=Q(promised__gte=0, delivered__gte=0), name="need_counts_not_negative"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("exchange:need", args=[self.pk])

    def status_on(self, today):
        if self.closed_at:
            return Status.CLOSED
        if self.met_at:
            return Status.MET
        if self.needed_by < today:
            return Status.EXPIRED
        if self.delivered > 0 or self.promised > 0:
            return Status.PARTLY_MET
        return Status.OPEN

    @property
    def status(self):
        return self.status_on(timezone.localdate())

    @property
    def still_needed(self):
        """How much nobody has promised yet."""
        return max(self.quantity - self.promised, ZERO)


class OfferQuerySet(models.QuerySet):
    def open_for_matching(self, today=None):
        """Offers that can still be taken up: not closed, not past their period, and with
        capacity not yet committed."""
        return self.filter(
            closed_at__isnull=True,
            available_until__gte=today or timezone.localdate(),
            committed__lt=F("capacity"),
        )


class Offer(models.Model):
    """Help an organisation offers: time, space, things or places."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(_("what is offered"), max_length=200)
    description = models.TextField(_("more about it"), max_length=3000)
    kind = models.CharField(_("kind of help"), max_length=20, choices=Kind.choices)
    unit = models.CharField(_("counted in"), max_length=10, choices=Unit.choices)
    capacity = models.DecimalField(_("how many in all"), **QUANTITY)
    citywide = models.BooleanField(_("anywhere in the city"), default=False)
    wards = models.ManyToManyField(Ward, blank=True, related_name="+", verbose_name=_("wards"))
    online = models.BooleanField(_("can be given online"), default=False)
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"))
    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchange_offers",
        verbose_name=_("contract pledge it delivers"),
        help_text=_("Confirmed help given through this offer counts towards the pledge."),
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    committed = models.DecimalField(_("committed"), default=ZERO, editable=False, **QUANTITY)
    delivered = models.DecimalField(_("delivered"), default=ZERO, editable=False, **QUANTITY)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-pk"]
        indexes = [
            models.Index(fields=["-posted_at"], name="offer_newest"),
            # The first suggestions of each kind and unit, most left first
            # (exchange.queries.first_suggested_offers).
            models.Index(
                "kind",
                "unit",
                (F("capacity") - F("committed")).desc(),
                F("posted_at").desc(),
                F("id").desc(),
                name="offer_open_by_kind_left",
                condition=Q(closed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="offer_capacity_positive"),
            models.CheckConstraint(
                condition=Q(committed__lte=F("capacity")), name="offer_not_over_committed"
            ),
            models.CheckConstraint(
                condition=Q(available_until__gte=F("available_from")),
                name="offer_period_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("exchange:offer", args=[self.pk])

    def status_on(self, today):
        if self.closed_at:
            return Status.CLOSED
        if self.available_until < today:
            return Status.EXPIRED
        if self.committed >= self.capacity:
            return Status.FULL
        return Status.OPEN

    @property
    def status(self):
        return self.status_on(timezone.localdate())

    @property
    def remaining(self):
        """Capacity not yet committed to an accepted match."""
        return max(self.capacity - self.committed, ZERO)


class Side(models.TextChoices):
    GIVER = "giver", _("the organisation offering")
    RECIPIENT = "recipient", _("the organisation in need")


class Match(models.Model):
    """A need and an offer brought together: proposed by one side, answered by the other.

    Accepting takes ``quantity`` from the offer's capacity and the need's
    remaining quantity, under both rows' locks.
    """

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="matches")
    quantity = models.DecimalField(_("how many"), **QUANTITY)
    proposed_by_side = models.CharField(max_length=10, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answer = models.TextField(_("reply"), max_length=2000, blank=True)
    delivered = models.DecimalField(_("delivered"), default=ZERO, editable=False, **QUANTITY)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name_plural = _("matches")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="match_quantity_positive"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(declined_at__isnull=True),
                name="match_accepted_or_declined",
            ),
            # One live match between a need and an offer; after a decline, another may be made.
            models.UniqueConstraint(
                fields=["need", "offer"],
                condition=Q(declined_at__isnull=True),
                name="match_one_live_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.offer} for {self.need}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("exchange:match", args=[self.pk])

    @property
    def answering_side(self):
        return Side.RECIPIENT if self.proposed_by_side == Side.GIVER else Side.GIVER

    @property
    def is_pending(self):
        return self.accepted_at is None and self.declined_at is None


class Delivery(models.Model):
    """Help given under an accepted match, recorded by the giver. It counts only once the
    recipient confirms it; when the offer delivers a contract pledge, confirming it adds a
    social value return to that contract in the need's ward."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="deliveries")
    quantity = models.DecimalField(_("how many"), **QUANTITY)
    delivered_on = models.DateField(_("given on"))
    value = models.DecimalField(
        _("value in pounds"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("What the help would have cost to buy, if known."),
    )
    note = models.TextField(_("what was given"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    testimonial = models.TextField(_("what difference it made"), max_length=1000, blank=True)
    social_value_return = models.OneToOneField(
        SocialValueReturn,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchange_delivery",
    )

    class Meta:
        ordering = ["-delivered_on", "-pk"]
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["confirmed_at"],
                name="delivery_confirmed",
                condition=Q(confirmed_at__isnull=False),
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_quantity_positive"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="delivery_value_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} on {self.delivered_on}"


class SuggestionSubscription(SendFailures, models.Model):
    """A person who asked for a weekly email of new suggestions for one organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_subscriptions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="exchange_subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Suggestions posted after this are new in the next summary.
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="exchange_subscription_once"
            )
        ]

    def __str__(self):
        return f"{self.user} for {self.organisation}"
