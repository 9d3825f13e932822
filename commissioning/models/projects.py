"""Commissioning projects: the cycle of analyse → plan → do → review, in the open.

A project belongs to a publishing organisation and has a lead commissioner.
``phase`` moves only through ``commissioning.actions.projects.move_phase``,
which checks what each move needs (a needs assessment before plan, outcomes
before do) and records a ``PhaseMove`` with who and when.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, ServiceCategory, Ward


class Phase(models.TextChoices):
    ANALYSE = "analyse", _("Analyse")
    PLAN = "plan", _("Plan")
    DO = "do", _("Do")
    REVIEW = "review", _("Review")


# The moves the cycle allows: forward one phase, or round again from review.
NEXT_PHASE = {
    Phase.ANALYSE: Phase.PLAN,
    Phase.PLAN: Phase.DO,
    Phase.DO: Phase.REVIEW,
    Phase.REVIEW: Phase.ANALYSE,
}


class Project(models.Model):
    """A commissioning project: what is needed, the outcomes sought, the budget,
    and the pipeline items, opportunities and contracts that come from it."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    publisher = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commissioning_projects"
    )
    lead_commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead commissioner"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    citywide = models.BooleanField(_("across the whole city"), default=False)
    wards = models.ManyToManyField(Ward, blank=True, related_name="+", verbose_name=_("wards"))
    budget = models.DecimalField(
        _("budget"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    needs_assessment = models.TextField(_("needs assessment"), max_length=20000, blank=True)
    phase = models.CharField(
        _("phase"), max_length=10, choices=Phase.choices, default=Phase.ANALYSE, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("commissioning project")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="project_budget_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("commissioning:project", args=[self.reference])


class PhaseMove(models.Model):
    """One move of a project between phases: who, when and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="moves")
    from_phase = models.CharField(max_length=10, choices=Phase.choices)
    to_phase = models.CharField(max_length=10, choices=Phase.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    moved_at = models.DateTimeField()
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["moved_at", "pk"]

    def __str__(self):
        return f"{self.get_from_phase_display()} → {self.get_to_phase_display()}"


class ProjectDocument(models.Model):
    """A document of the project, such as the needs assessment's evidence."""

    class Kind(models.TextChoices):
        NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
        ENGAGEMENT = "engagement", _("Engagement record")
        OTHER = "other", _("Other")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type of document"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="commissioning/documents/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title


class Outcome(models.Model):
    """An outcome the project sets out to achieve, and how it will be measured."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    description = models.CharField(_("outcome"), max_length=500)
    measure = models.CharField(_("how it will be measured"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.description


class CoProductionPartner(models.Model):
    """An organisation or service-user group named as co-producing the project (R01 f, R02 a)."""

    class Kind(models.TextChoices):
        PROVIDER = "provider", _("Provider or voluntary organisation")
        SERVICE_USERS = "service_users", _("Service-user group")
        COMMUNITY = "community", _("Community group")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="co_productions"
    )
    kind = models.CharField(_("taking part as"), max_length=20, choices=Kind.choices)
    contribution = models.CharField(_("what they bring"), max_length=500, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="co_production_partner_once"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} on {self.project}"
