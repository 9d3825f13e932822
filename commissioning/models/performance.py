"""Contract performance: KPIs with targets and reporting periods, the supplier's
returns, and the commissioner's rating of each period on the Procurement Act's
scale (Good, Approaching target, Requires improvement, Inadequate).

Reporting periods are not stored: they follow from the contract's start and
the KPI's frequency (``commissioning.periods``). A return names the period by
its first day; it is late when submitted after the period's due date.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commissioning.models.contracts import Contract
from portal.batch import SendFailures


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")


MONTHS_IN_PERIOD = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}


class Kpi(models.Model):
    """A key performance indicator of a contract, reported every period."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("indicator"), max_length=300)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=50)  # "people", "%", "visits"
    higher_is_better = models.BooleanField(_("a higher figure is better"), default=True)
    frequency = models.CharField(
        _("reported"), max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    # Days after a period ends that its return is due.
    days_to_report = models.PositiveSmallIntegerField(
        _("days to report after a period"), default=20
    )

    class Meta:
        ordering = ["contract", "pk"]
        verbose_name = _("KPI")

    def __str__(self):
        return self.name


class KpiReturn(models.Model):
    """The supplier's figure for one KPI in one period."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="returns")
    period_start = models.DateField(_("period starts"))
    value = models.DecimalField(_("figure"), max_digits=12, decimal_places=2)
    commentary = models.TextField(_("commentary"), max_length=5000, blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    late = models.BooleanField(_("submitted late"), default=False)

    class Meta:
        ordering = ["kpi", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period_start"], name="kpi_return_once"),
        ]

    def __str__(self):
        return f"{self.kpi}: {self.value} from {self.period_start}"


class Rating(models.TextChoices):
    """The Procurement Act 2023's performance scale (s.71 KPI assessments)."""

    GOOD = "good", _("Good")
    APPROACHING = "approaching", _("Approaching target")
    REQUIRES_IMPROVEMENT = "requires_improvement", _("Requires improvement")
    INADEQUATE = "inadequate", _("Inadequate")


class PerformanceRating(models.Model):
    """The commissioner's rating of a contract for one reporting period."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="ratings")
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    rating = models.CharField(_("rating"), max_length=25, choices=Rating.choices)
    comment = models.TextField(_("comment for the supplier"), max_length=5000)
    rated_at = models.DateTimeField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["contract", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"], name="performance_rating_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="performance_rating_period_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.contract}: {self.get_rating_display()} from {self.period_start}"


class ReturnReminder(SendFailures, models.Model):
    """A reminder to a contract's suppliers about one KPI period's return: once
    before it is due and once after, if it is still missing."""

    class When(models.TextChoices):
        BEFORE = "before", _("Before the due date")
        AFTER = "after", _("After the due date")

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="reminders")
    period_start = models.DateField()
    when = models.CharField(max_length=10, choices=When.choices)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period_start", "when"], name="return_reminder_once"
            ),
        ]

    def __str__(self):
        return f"Reminder {self.when} for {self.kpi} from {self.period_start}"


class KpiReturnCorrection(models.Model):
    """A return's figure and commentary as they were before a supplier corrected them.

    A return can be corrected until its period is rated; each correction keeps
    the old figure here, so the history of a figure is never lost.
    """

    kpi_return = models.ForeignKey(KpiReturn, on_delete=models.CASCADE, related_name="corrections")
    old_value = models.DecimalField(_("figure before"), max_digits=12, decimal_places=2)
    old_commentary = models.TextField(_("commentary before"), max_length=5000, blank=True)
    corrected_at = models.DateTimeField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["kpi_return", "corrected_at", "pk"]

    def __str__(self):
        return f"{self.kpi_return}: was {self.old_value}"
