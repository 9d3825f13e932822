"""Social value: the winning bid's commitments become the contract's pledges;
suppliers report what they delivered against each, with the postcodes of the
people who benefited or were employed.

A postcode is mapped to a ward through ``PostcodeWard`` (imported from the
ONS's National Statistics Postcode Lookup, ``import_postcode_wards``). Once
mapped only the ward and the postcode district (``B15``) are kept: a full
postcode can point at one household.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commissioning.models.contracts import Contract
from organisations.models import Ward
from tenders.models import SocialValueCommitment


class Pledge(models.Model):
    """A measurable social value promise the contract holds its suppliers to."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="pledges")
    commitment = models.OneToOneField(
        SocialValueCommitment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pledge",
        help_text=_("The bid's commitment this pledge was made from."),
    )
    measure = models.CharField(_("what will be done"), max_length=300)
    quantity = models.DecimalField(_("how many"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=50)
    citywide = models.BooleanField(_("across the whole city"), default=False)
    wards = models.ManyToManyField(Ward, blank=True, related_name="+", verbose_name=_("wards"))

    class Meta:
        ordering = ["contract", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="pledge_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit}: {self.measure}"


class SocialValueReturn(models.Model):
    """What a supplier reports delivering against a pledge over a period."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="returns")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    description = models.TextField(_("what was delivered"), max_length=5000, blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["pledge", "period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="social_value_return_period_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.pledge} from {self.period_start}"


class SocialValueLine(models.Model):
    """A quantity delivered to people in one ward, kept with the postcode district only."""

    social_value_return = models.ForeignKey(
        SocialValueReturn, on_delete=models.CASCADE, related_name="lines"
    )
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    postcode_district = models.CharField(_("postcode district"), max_length=4)
    quantity = models.DecimalField(_("how many"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="social_value_line_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} in {self.ward} ({self.postcode_district})"


class PostcodeWard(models.Model):
    """One postcode and the ward it lies in, from the ONS postcode lookup.

    ``postcode`` is upper case with one space before the inward code (``B15 2TT``).
    """

    postcode = models.CharField(max_length=8, unique=True)
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return self.postcode
