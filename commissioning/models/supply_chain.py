"""The supply chain (R04 b): a supplier with a contract posts a subcontracting
opportunity for it, listed with the council's own opportunities and marked as
such (``Opportunity.subcontract``), and sees which small organisations applied.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commissioning.models.contracts import Contract
from opportunities.models import Opportunity
from organisations.models import Organisation


class Subcontract(models.Model):
    """The link between a contract and the opportunity its supplier published."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="subcontracts")
    opportunity = models.OneToOneField(
        Opportunity, on_delete=models.CASCADE, related_name="subcontract"
    )
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.opportunity} under {self.contract}"


class SubcontractApplication(models.Model):
    """An organisation's application to deliver part of a contract."""

    subcontract = models.ForeignKey(
        Subcontract, on_delete=models.CASCADE, related_name="applications"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("what you would deliver and why"), max_length=5000)
    applied_at = models.DateTimeField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["applied_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subcontract", "organisation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="subcontract_application_once",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} for {self.subcontract}"
