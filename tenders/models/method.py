"""The evaluation method a tender publishes: criteria, weights, scales, prices and rules.

Procurement Act 2023 s.23 asks for the assessment method, minimum scores
included, to be published with the tender; the design's default weights are
60% quality, 20% social value and 20% price (seed 000, the Supporting People box).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opportunities.models import Lot, Opportunity

# The 0–5 scale most councils use, one descriptor for each mark.
DEFAULT_DESCRIPTORS = [
    "No answer, or the answer does not address the question.",
    "Very poor: major gaps or concerns, with little evidence.",
    "Poor: meets some of the requirement, with significant weaknesses.",
    "Satisfactory: meets the requirement, with minor weaknesses.",
    "Good: meets the requirement fully, with good evidence.",
    "Excellent: goes beyond the requirement, with strong evidence of how.",
]
DEFAULT_WORD_LIMIT = 500


class CriterionGroup(models.TextChoices):
    QUALITY = "quality", _("Quality")
    SOCIAL_VALUE = "social_value", _("Social value")


class PriceFormula(models.TextChoices):
    LOWEST_RATIO = "lowest_ratio", _("Lowest valid price divided by the bid's price")
    DEVIATION = "deviation", _("Less the bid's proportional difference from the lowest price")


class TieBreak(models.TextChoices):
    QUALITY = "quality", _("The higher quality score wins")
    SOCIAL_VALUE = "social_value", _("The higher social value score wins")
    PRICE = "price", _("The lower price wins")


class Tender(models.Model):
    """The competition behind one opportunity: its method, its bids and its bid box.

    ``locked_at`` is when the first bid was submitted: from then on a change to the
    method needs a reason and tells every bidder. ``opened_at`` is when a
    commissioner opened the bid box, after the deadline; until then nobody outside
    the bidding organisations reads a bid.
    """

    opportunity = models.OneToOneField(Opportunity, on_delete=models.CASCADE, related_name="tender")
    price_weight = models.DecimalField(
        _("weight of price (%)"), max_digits=5, decimal_places=2, default=Decimal(20)
    )
    price_formula = models.CharField(
        _("price formula"),
        max_length=20,
        choices=PriceFormula.choices,
        default=PriceFormula.LOWEST_RATIO,
    )
    abnormally_low_percent = models.PositiveSmallIntegerField(
        _("a price is abnormally low under this % of the mean valid price"), default=80
    )
    full_cost_breakdown = models.BooleanField(
        _("ask for a full-cost breakdown of each price"), default=True
    )
    tie_break = models.CharField(
        _("tie-break"), max_length=20, choices=TieBreak.choices, default=TieBreak.QUALITY
    )
    max_lots_per_bidder = models.PositiveSmallIntegerField(
        _("most lots one bidder may bid for"), null=True, blank=True
    )
    max_lots_won = models.PositiveSmallIntegerField(
        _("most lots one bidder may win"), null=True, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Kept current by the commissioner during evaluation; every bidder is told it
    # at least once a fortnight (seed 000, 2.6.1).
    decision_expected_on = models.DateField(_("decision expected by"), null=True, blank=True)
    evaluation_note = models.CharField(
        _("what bidders are told about progress"), max_length=500, blank=True
    )
    # Goes up with every logged change the evaluation report shows (see
    # tenders.actions.audit.record), so a stored report drawn from an older one is stale.
    evaluation_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("tender")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_weight__gte=0, price_weight__lte=100),
                name="tender_price_weight_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(abnormally_low_percent__gte=1, abnormally_low_percent__lte=100),
                name="tender_abnormally_low_in_range",
            ),
        ]

    def __str__(self):
        return f"Tender for {self.opportunity.reference}"

    @property
    def is_locked(self):
        return self.locked_at is not None

    @property
    def is_opened(self):
        return self.opened_at is not None


class Criterion(models.Model):
    """A question bids are scored on, in the quality or the social value group.

    The scale runs from 0 to ``len(descriptors) - 1``, one descriptor per mark. A
    bid scoring under ``minimum_score`` fails, whatever its other scores.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria")
    group = models.CharField(_("group"), max_length=20, choices=CriterionGroup.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    question = models.TextField(_("question"), max_length=2000)
    guidance = models.TextField(_("guidance for bidders"), max_length=5000, blank=True)
    word_limit = models.PositiveIntegerField(_("word limit"), default=DEFAULT_WORD_LIMIT)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    descriptors = models.JSONField(_("scoring scale"), default=list)
    minimum_score = models.PositiveSmallIntegerField(_("minimum score"), null=True, blank=True)
    per_lot = models.BooleanField(_("answered for each lot"), default=False)

    class Meta:
        ordering = ["number"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="criterion_number_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0, weight__lte=100), name="criterion_weight_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(word_limit__gte=1), name="criterion_word_limit_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.question[:60]}"

    @property
    def scale_max(self):
        return len(self.descriptors) - 1

    @property
    def marks(self):
        """``[(0, descriptor), (1, descriptor), …]``."""
        return list(enumerate(self.descriptors))


class PriceLine(models.Model):
    """A line of a lot's pricing schedule: bidders price each line, the lot's price is the sum.

    ``lot`` is empty when the opportunity has no lots: the line prices the whole contract.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="price_lines")
    lot = models.ForeignKey(
        Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="price_lines"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    description = models.CharField(_("what is priced"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, default=Decimal(1)
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)  # "year", "session", "place"

    class Meta:
        ordering = ["lot__number", "number"]
        verbose_name = _("price line")
        constraints = [
            # Two, because NULLs are distinct in a unique index.
            models.UniqueConstraint(
                fields=["tender", "lot", "number"],
                condition=models.Q(lot__isnull=False),
                name="price_line_number_unique_in_lot",
            ),
            models.UniqueConstraint(
                fields=["tender", "number"],
                condition=models.Q(lot__isnull=True),
                name="price_line_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="price_line_quantity_positive"
            ),
        ]

    def __str__(self):
        return self.description
