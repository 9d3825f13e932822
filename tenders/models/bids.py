"""Bids: the working copy an organisation edits, and the sealed versions it submits.

A bid's members edit its working copy (answers, prices, partners, commitments,
declarations, attachments) as often as they like. Submitting freezes it into a
``BidVersion``: canonical JSON and its SHA-256, the receipt. Evaluation reads
the version that was current at the deadline, never the working copy.

Nothing here is readable outside the bidding organisations until the bid box is
opened: ``Bid.objects.visible_to`` is the one gate, and these models are not in
the Django admin.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opportunities.models import Lot
from organisations.models import Organisation, Ward
from tenders.models.method import Criterion, PriceLine, Tender

MONEY = {"max_digits": 12, "decimal_places": 2}


class LivingWage(models.TextChoices):
    ACCREDITED = "accredited", _("We are an accredited Living Wage Employer")
    PAYS = "pays", _("We pay all staff at least the Real Living Wage")
    WILL_PAY = "will_pay", _("We will pay the Real Living Wage to staff on this contract")
    NO = "no", _("We do not pay the Real Living Wage to all staff")


class PartnerKind(models.TextChoices):
    PARTNER = "partner", _("Consortium partner")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor")


class BidQuerySet(models.QuerySet):
    def submitted(self):
        """Bids with a current submitted version that were not withdrawn."""
        return self.filter(current_version__isnull=False, withdrawn_at__isnull=True)

    def _own(self, member_of):
        return models.Q(organisation__in=member_of) | models.Q(
            pk__in=BidPartner.objects.filter(
                organisation__in=member_of, confirmed_at__isnull=False
            ).values("bid")
        )

    def of_bidders(self, user):
        """The bids of ``user``'s organisations: those they lead and those they confirmed
        joining, drafts included. What the bidder's own pages show."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            self._own(Organisation.objects.filter(memberships__user=user).values("pk"))
        )

    def visible_to(self, user):
        """The sealed bid box's one gate: the bids ``user`` may read.

        Members of the lead organisation and of partners that confirmed read their
        own bids, drafts included (``of_bidders``). Once a tender's box is opened,
        its submitted bids (never drafts or withdrawn ones) are read by the
        publisher's commissioners and by the tender's panel members who have
        declared their interests, except a bid someone declared a conflict with:
        that stays hidden from them. Nobody else, site administrators included.
        """
        from tenders.models.evaluation import PanelMember

        if not user.is_authenticated or not user.is_active:
            return self.none()
        member_of = Organisation.objects.filter(memberships__user=user).values("pk")
        seats = PanelMember.objects.filter(user=user)
        opened = models.Q(
            tender__opened_at__isnull=False,
            current_version__isnull=False,
            withdrawn_at__isnull=True,
        )
        commissioning = models.Q(
            tender__opportunity__publisher__in=member_of.filter(publishing_allowed_at__isnull=False)
        )
        evaluating = models.Q(tender__in=seats.filter(declared_at__isnull=False).values("tender"))
        conflicted = models.Q(
            pk__in=PanelMember.conflicts.through.objects.filter(panelmember__user=user).values(
                "bid"
            )
        )
        return self.filter(
            self._own(member_of) | (opened & (commissioning | evaluating) & ~conflicted)
        )


class Bid(models.Model):
    """One organisation's bid (alone or leading a consortium) for a tender.

    Status comes from timestamps: a draft until ``current_version`` is set,
    submitted while it is set and ``withdrawn_at`` is empty, withdrawn after. A
    new submission replaces the current version and clears ``withdrawn_at``.
    ``changed_at`` is when the working copy was last saved, so "changed since
    you submitted" can be shown.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bids")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bids_led"
    )
    # Random, so a bid's reference says nothing about how many others there are.
    reference = models.CharField(_("bid reference"), max_length=20, unique=True)
    lots = models.ManyToManyField(Lot, blank=True, related_name="+", verbose_name=_("lots"))

    has_other_funding = models.BooleanField(
        _("funded for the same or similar activities"), null=True, blank=True
    )
    has_conflicts = models.BooleanField(_("has conflicts of interest"), null=True, blank=True)
    conflicts = models.TextField(_("conflicts of interest"), max_length=5000, blank=True)
    living_wage = models.CharField(
        _("Real Living Wage"), max_length=20, choices=LivingWage.choices, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    current_version = models.OneToOneField(
        "BidVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = BidQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("bid")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "organisation"], name="bid_one_per_lead_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(current_version__isnull=True, submitted_at__isnull=True)
                | models.Q(current_version__isnull=False, submitted_at__isnull=False),
                name="bid_submitted_with_a_version",
            ),
        ]
        indexes = [models.Index(fields=["tender", "submitted_at"], name="bid_tender_submitted")]

    def __str__(self):
        return f"Bid {self.reference}"

    @property
    def is_submitted(self):
        return self.current_version_id is not None and self.withdrawn_at is None

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def is_draft(self):
        return self.current_version_id is None and self.withdrawn_at is None

    @property
    def changed_since_submitted(self):
        return (
            self.submitted_at is not None
            and self.changed_at is not None
            and self.changed_at > self.submitted_at
        )


class BidPartner(models.Model):
    """A consortium partner or subcontractor of a bid.

    A registered organisation is asked to confirm: its administrators accept or
    decline, and only once it accepts may its members read the bid. An
    organisation not yet registered is named with an identifier and confirms
    nothing.
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bid_partnerships",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    identifier = models.CharField(_("charity or company number"), max_length=100, blank=True)
    kind = models.CharField(
        _("role"), max_length=20, choices=PartnerKind.choices, default=PartnerKind.PARTNER
    )
    share_percent = models.DecimalField(_("share of the work (%)"), max_digits=5, decimal_places=2)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when an approved consortium change after award takes the partner out.
    left_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("bid partner")
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="bid_partner_once",
            ),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | ~models.Q(name=""),
                name="bid_partner_named",
            ),
            models.CheckConstraint(
                condition=models.Q(share_percent__gt=0, share_percent__lt=100),
                name="bid_partner_share_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(declined_at__isnull=True),
                name="bid_partner_confirmed_or_declined",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.organisation.name if self.organisation_id else self.name

    @property
    def is_registered(self):
        return self.organisation_id is not None

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def is_waiting(self):
        return self.is_registered and self.confirmed_at is None and self.declined_at is None


class Answer(models.Model):
    """The working copy's answer to one criterion (for one lot, if it is answered per lot)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.TextField(_("answer"), max_length=50000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "criterion", "lot"],
                condition=models.Q(lot__isnull=False),
                name="answer_once_per_lot",
            ),
            models.UniqueConstraint(
                fields=["bid", "criterion"],
                condition=models.Q(lot__isnull=True),
                name="answer_once",
            ),
        ]

    def __str__(self):
        return f"Answer to {self.criterion_id}"


class PriceEntry(models.Model):
    """The bid's price for one line of a pricing schedule, per unit."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="prices")
    line = models.ForeignKey(PriceLine, on_delete=models.CASCADE, related_name="+")
    unit_price = models.DecimalField(_("price per unit"), **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bid", "line"], name="price_entry_once"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="price_entry_not_negative"
            ),
        ]

    def __str__(self):
        return f"£{self.unit_price}"


class CostBreakdown(models.Model):
    """Full cost recovery: how a lot's price splits into direct costs and a share of overheads."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="cost_breakdowns")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    direct_delivery = models.DecimalField(_("direct delivery costs"), **MONEY)
    staff = models.DecimalField(_("staff costs"), **MONEY)
    volunteer_expenses = models.DecimalField(_("volunteer expenses"), **MONEY)
    overheads = models.DecimalField(_("share of overheads"), **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "lot"],
                condition=models.Q(lot__isnull=False),
                name="cost_breakdown_once_per_lot",
            ),
            models.UniqueConstraint(
                fields=["bid"], condition=models.Q(lot__isnull=True), name="cost_breakdown_once"
            ),
        ]

    def __str__(self):
        return f"Cost breakdown of {self.bid_id}"

    @property
    def total(self):
        return self.direct_delivery + self.staff + self.volunteer_expenses + self.overheads


class SocialValueCommitment(models.Model):
    """A measurable social value promise; it becomes a pledge of the contract if the bid wins."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="commitments")
    measure = models.CharField(_("what you will do"), max_length=300)
    quantity = models.DecimalField(_("how many"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=50)  # "hours", "apprenticeships", "places"
    citywide = models.BooleanField(_("across the whole city"), default=False)
    wards = models.ManyToManyField(Ward, blank=True, related_name="+", verbose_name=_("wards"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="commitment_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit}: {self.measure}"


class FundingDeclaration(models.Model):
    """Other funding for the same or similar activities (recommendation R01 i)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="funding")
    funder = models.CharField(_("funder"), max_length=200)
    activity = models.CharField(_("what it funds"), max_length=500)
    amount = models.DecimalField(_("amount"), **MONEY)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="funding_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="funding_period_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.funder}: {self.activity}"


class BidAttachment(models.Model):
    """A file attached to a bid. Removing it from the working copy keeps the file for the
    versions already submitted with it."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="tenders/bids/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title


class BidVersion(models.Model):
    """A submitted bid, frozen: its canonical content, the SHA-256 of it, and the receipt.

    Never changed after it is written. ``content`` is what evaluators read once the
    box is opened; ``sha256`` is the hash of ``content`` as canonical JSON
    (``tenders.receipts.canonical``), so anyone holding the receipt can check it.
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bid", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "number"], name="bid_version_number_unique"),
        ]

    def __str__(self):
        return f"Version {self.number} of {self.bid}"
