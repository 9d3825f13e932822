"""Contracts: made from a confirmed award, or recorded directly for grants,
service level agreements and partnership agreements (the tiers in seed 004).

A contract from a tender keeps the winning ``bid`` and the ``lots`` it won; its
suppliers are the consortium as procured (the bid's lead and its partners who
had not left when the award was confirmed). Its value is counted in the spend
report for its lead supplier.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commissioning.models.projects import Project
from opportunities.models import Lot, Opportunity
from organisations.models import Organisation, ServiceCategory, Ward
from tenders.models import Bid

MONEY = {"max_digits": 12, "decimal_places": 2}


class ContractKind(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    GRANT = "grant", _("Grant")
    SERVICE_LEVEL_AGREEMENT = "sla", _("Service level agreement")
    PARTNERSHIP_AGREEMENT = "partnership", _("Partnership agreement")


class ContractQuerySet(models.QuerySet):
    def live(self, today):
        """Started, not yet ended, and not ended early."""
        return self.filter(starts_on__lte=today, ends_on__gte=today, ended_on__isnull=True)


class Contract(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=ContractKind.choices)
    publisher = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="contracts"
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bid = models.OneToOneField(
        Bid, on_delete=models.PROTECT, null=True, blank=True, related_name="contract"
    )
    lots = models.ManyToManyField(Lot, blank=True, related_name="+", verbose_name=_("lots"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    citywide = models.BooleanField(_("across the whole city"), default=False)
    wards = models.ManyToManyField(Ward, blank=True, related_name="+", verbose_name=_("wards"))
    value = models.DecimalField(_("total value"), **MONEY)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    extension_options = models.CharField(_("extension options"), max_length=300, blank=True)
    # Set when a decommissioning ends the contract before ``ends_on``.
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("contract")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="contract_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="contract_value_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["starts_on"]),
            # Counting the citywide contracts (a ward page) reads only these.
            models.Index(
                fields=["id"], condition=models.Q(citywide=True), name="contract_citywide"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("commissioning:contract", args=[self.reference])

    @property
    def last_day(self):
        return self.ended_on or self.ends_on


class SupplierRole(models.TextChoices):
    LEAD = "lead", _("Lead supplier")
    PARTNER = "partner", _("Consortium member")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor")


class ContractSupplier(models.Model):
    """An organisation delivering the contract; its members submit returns."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="suppliers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contract_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=SupplierRole.choices)
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "organisation"], name="contract_supplier_once"
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(role="lead"),
                name="contract_one_lead_supplier",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"
