"""Decommissioning: ending, not renewing or substantially changing a contract,
with the notice the Compact asks for (at least three months; less needs a
recorded reason), an impact assessment, and the affected organisations and
their councillors told the reasons and where to get support (R02 a)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commissioning.models.contracts import Contract
from organisations.models import Councillor, Organisation
from portal.batch import SendFailures

NOTICE_MONTHS = 3


class DecommissioningKind(models.TextChoices):
    END = "end", _("End the contract early")
    NOT_RENEW = "not_renew", _("Not renew or extend it")
    CHANGE = "change", _("Change it substantially")


WHAT_HAPPENS = {
    DecommissioningKind.END: _("The contract will end early"),
    DecommissioningKind.NOT_RENEW: _("The contract will not be renewed or extended"),
    DecommissioningKind.CHANGE: _("The contract will change substantially"),
}


class Decommissioning(models.Model):
    """A plan to end, not renew or change a contract, and the notice given."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="decommissionings"
    )
    kind = models.CharField(
        _("what will happen"), max_length=20, choices=DecommissioningKind.choices
    )
    reasons = models.TextField(_("reasons"), max_length=5000)
    impact_assessment = models.TextField(_("impact assessment"), max_length=20000)
    support = models.TextField(_("where to get support"), max_length=5000)
    takes_effect_on = models.DateField(_("takes effect on"))
    short_notice_reason = models.TextField(
        _("why the notice is shorter than three months"), max_length=5000, blank=True
    )
    affected_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("other organisations affected")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Notice is given when the affected are told; the three months run from then.
    notice_given_at = models.DateTimeField(null=True, blank=True)
    notice_given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("decommissioning")
        indexes = [
            # The public list of notices given, newest first (``decommissioning.notices_given``).
            models.Index(
                models.OrderBy(models.F("notice_given_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(notice_given_at__isnull=False),
                name="decommissioning_notices_newest",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.contract}"

    def get_absolute_url(self):
        return reverse("commissioning:decommissioning", args=[self.contract.reference, self.pk])

    @property
    def what_happens(self):
        """What will happen, as a sentence for the people told."""
        return WHAT_HAPPENS[self.kind]


class DecommissioningNotice(SendFailures, models.Model):
    """The email telling one affected organisation or councillor; sent once."""

    decommissioning = models.ForeignKey(
        Decommissioning, on_delete=models.CASCADE, related_name="notices"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    councillor = models.ForeignKey(
        Councillor, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True) ^ models.Q(councillor__isnull=True),
                name="decommissioning_notice_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["decommissioning", "organisation"], name="decommissioning_notice_org_once"
            ),
            models.UniqueConstraint(
                fields=["decommissioning", "councillor"],
                name="decommissioning_notice_councillor_once",
            ),
        ]

    def __str__(self):
        return f"Notice of {self.decommissioning} to {self.organisation or self.councillor}"
