from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, ServiceCategory, Ward
from portal.batch import SendFailures


class CpvCode(models.Model):
    """A Common Procurement Vocabulary code, from the list shipped with the portal."""

    code = models.CharField(_("code"), max_length=10, unique=True)  # e.g. 85312000-9
    description = models.CharField(_("description"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")

    def __str__(self):
        return f"{self.code} {self.description}"


class Procedure(models.TextChoices):
    QUOTATION = "quotation", _("Request for quotation")
    OPEN = "open", _("Open procedure")
    LIGHT_TOUCH = "light_touch", _("Light-touch procedure (social and other specific services)")


class Status(models.TextChoices):
    """Derived from timestamps by ``Opportunity.status``; never stored."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


def status_conditions(now):
    """For each ``Status``, the condition an opportunity meets when it has it at ``now``.

    The same rules as ``Opportunity.status_at``, as filters: one per status, so a
    list can be narrowed to a status or counted per status in one query.
    """
    published = models.Q(published_at__isnull=False)
    going = published & models.Q(cancelled_at__isnull=True, awarded_at__isnull=True)
    return {
        Status.DRAFT: models.Q(published_at__isnull=True),
        Status.OPEN: going & models.Q(submission_deadline__gt=now),
        Status.CLOSED: going & models.Q(submission_deadline__lte=now),
        Status.AWARDED: published & models.Q(cancelled_at__isnull=True, awarded_at__isnull=False),
        Status.CANCELLED: published & models.Q(cancelled_at__isnull=False),
    }


class OpportunityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def live(self, now=None):
        """Published, not cancelled or awarded, and still taking submissions."""
        now = now or timezone.now()
        return self.published().filter(
            cancelled_at__isnull=True, awarded_at__isnull=True, submission_deadline__gt=now
        )

    def with_status(self, status, now=None):
        return self.filter(status_conditions(now or timezone.now())[Status(status)])

    def visible_to(self, user):
        """Published opportunities for everyone; drafts too for their publisher's members."""
        if user is None or not user.is_authenticated:
            return self.published()
        return self.filter(
            models.Q(published_at__isnull=False) | models.Q(publisher__memberships__user=user)
        ).distinct()


class Opportunity(models.Model):
    """A public notice of a contract the council or another publisher will let."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    publisher = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="opportunities"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    # The description as sanitised HTML, rendered once by the publishing actions.
    description_html = models.TextField(editable=False, blank=True)
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("category"),
    )
    cpv_codes = models.ManyToManyField(CpvCode, blank=True, verbose_name=_("CPV codes"))

    value_low = models.DecimalField(_("estimated value from"), max_digits=12, decimal_places=2)
    value_high = models.DecimalField(_("estimated value up to"), max_digits=12, decimal_places=2)
    value_includes_vat = models.BooleanField(_("value includes VAT"), default=False)

    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("length in months"), null=True, blank=True)
    extension_options = models.CharField(
        _("extension options"), max_length=200, blank=True
    )  # e.g. "up to 2 further years"
    procedure = models.CharField(_("procedure"), max_length=20, choices=Procedure.choices)

    citywide = models.BooleanField(_("across the whole city"), default=False)
    wards = models.ManyToManyField(Ward, blank=True, related_name="opportunities")
    suitable_for_small = models.BooleanField(
        _("suitable for small organisations and the VCSE sector"), default=False
    )
    # Published by a contractor (the publisher) for part of a contract it holds (R04 b);
    # listed with the council's own opportunities and marked as such.
    subcontracting = models.BooleanField(
        _("subcontracting opportunity"),
        default=False,
        db_default=False,  # rows written in SQL (bulk loads) are the council's own
        help_text=_("A subcontracting opportunity in a contractor's supply chain"),
    )

    clarification_deadline = models.DateTimeField(_("deadline for questions"))
    submission_deadline = models.DateTimeField(_("deadline for bids"))
    short_window_reason = models.TextField(
        _("why the window is shorter than 12 weeks"), max_length=2000, blank=True
    )

    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact email"))

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(max_length=2000, blank=True)
    # Set by the tenders app when the contract is awarded.
    awarded_at = models.DateTimeField(null=True, blank=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["submission_deadline"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_high__gte=models.F("value_low")),
                name="opportunity_value_range_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(submission_deadline__gt=models.F("clarification_deadline")),
                name="opportunity_questions_close_before_bids",
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True)
                | models.Q(published_at__isnull=False),
                name="opportunity_only_published_can_be_cancelled",
            ),
        ]
        # Each matches a status predicate of OpportunityQuerySet.with_status and a
        # sort, so lists read only the rows they show, whatever the table's size.
        indexes = [
            # Open and closed (not cancelled or awarded), by deadline: the home
            # page, the default search and the "closing" sort.
            models.Index(
                fields=["submission_deadline", "id"],
                condition=models.Q(
                    published_at__isnull=False, cancelled_at__isnull=True, awarded_at__isnull=True
                ),
                name="opportunity_current_deadline",
            ),
            # Every published one, newest first: the feed and the "newest" sort.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                condition=models.Q(published_at__isnull=False),
                name="opportunity_published_newest",
            ),
            # Every published one by deadline, and by value: the "closing" sort of
            # closed, awarded and cancelled ones (and its deep pages), and the
            # "value" sort of any status.
            models.Index(
                fields=["submission_deadline", "id"],
                condition=models.Q(published_at__isnull=False),
                name="opportunity_published_deadline",
            ),
            # Cancelled ones by deadline: one in twenty, so a list of them read
            # through the index above would read twenty rows for each it shows.
            models.Index(
                fields=["submission_deadline", "id"],
                condition=models.Q(published_at__isnull=False, cancelled_at__isnull=False),
                name="opportunity_cancelled_deadline",
            ),
            models.Index(
                F("value_high").desc(),
                F("submission_deadline"),
                F("id"),
                condition=models.Q(published_at__isnull=False),
                name="opportunity_published_value",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def status_at(self, now):
        if self.published_at is None:
            return Status.DRAFT
        if self.cancelled_at is not None:
            return Status.CANCELLED
        if self.awarded_at is not None:
            return Status.AWARDED
        if now >= self.submission_deadline:
            return Status.CLOSED
        return Status.OPEN

    @property
    def status(self):
        return self.status_at(timezone.now())

    @property
    def is_open(self):
        return self.status == Status.OPEN

    @property
    def is_single_value(self):
        return self.value_low == self.value_high

    @property
    def questions_open(self):
        return self.is_open and timezone.now() < self.clarification_deadline


class Lot(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    value = models.DecimalField(
        _("estimated value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_awards = models.PositiveSmallIntegerField(_("how many organisations may win it"), default=1)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "number"], name="lot_number_unique"),
            models.CheckConstraint(condition=models.Q(max_awards__gte=1), name="lot_max_awards"),
        ]

    def __str__(self):
        return f"Lot {self.number}: {self.title}"


class OpportunityDocument(models.Model):
    """A tender document: specification, pricing schedule, terms. Public once published."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="opportunities/documents/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.title


class Amendment(models.Model):
    """A change made after publication, listed on the page with its date."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="amendments"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    summary = models.TextField(_("what changed"), max_length=2000)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self):
        return f"Amendment to {self.opportunity.reference} on {self.made_at:%d %B %Y}"


class Question(SendFailures, models.Model):
    """A clarification question; its answer is published without the asker's identity.

    The opportunity's contact is emailed new questions in batches
    (``contact_told_at``); a batch that failed to send is recorded on its
    questions (``SendFailures``).
    """

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="questions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="questions_asked"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("question"), max_length=2000)
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contact_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["asked_at"]

    def __str__(self):
        return self.text[:60]

    @property
    def is_answered(self):
        return self.answered_at is not None


class Follow(SendFailures, models.Model):
    """An organisation following an opportunity for amendments, answers and reminders.

    A deadline reminder that failed to send is recorded on it (``SendFailures``).
    """

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="follows")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the deadline reminders went out; set when sent so each goes once.
    reminded_7_days_at = models.DateTimeField(null=True, blank=True)
    reminded_1_day_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "organisation"], name="follow_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} follows {self.opportunity.reference}"


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead organisation")
    PARTNER = "partner", _("Consortium partner")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor")


class PartnerListing(models.Model):
    """An organisation looking for partners on an opportunity."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="partner_listings"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partner_listings"
    )
    role = models.CharField(_("wants to be"), max_length=20, choices=PartnerRole.choices)
    message = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "organisation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="partner_listing_one_live_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()}) on {self.opportunity.reference}"


class PartnerContact(models.Model):
    """A message relayed by email about a listing, kept so abuse can be traced.

    Either a contact request to the listing organisation, or (``in_reply_to``
    set) the listing organisation's reply to one. ``reply_to`` is the address
    the sender agreed to share; empty, the recipient answers through the portal.
    """

    listing = models.ForeignKey(PartnerListing, on_delete=models.CASCADE, related_name="contacts")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("message"), max_length=2000)
    sent_at = models.DateTimeField(auto_now_add=True)
    reply_to = models.EmailField(_("reply to"), blank=True)
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )

    def __str__(self):
        return f"{self.organisation} to {self.listing.organisation}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class SavedSearch(SendFailures, models.Model):
    """A search a user asked to be alerted about; the query string is the whole search.

    An alert that failed to send is recorded on it (``SendFailures``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    query_string = models.CharField(max_length=2000, blank=True)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Matches published after this are new; moved forward when an alert is sent.
    alerted_up_to = models.DateTimeField()
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
