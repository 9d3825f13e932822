"""The pipeline: procurements planned months ahead, listed in public (R02 a).

A ``PipelineItem`` becomes an opportunity when its commissioner links the
published opportunity to it (``opportunity``); organisations that follow the
item are then emailed once (``PipelineFollow.told_at``). ``published_at`` copies
when that opportunity was published (set by ``link_opportunity``, or by the
15-minute job for a linked draft published later), so the list of items still
to come reads a partial index in the order it shows.

On PostgreSQL the table also has ``search_document``, a stored generated
column (title A, summary B, English) with a GIN index, as opportunities have
(ADR 3, migration ``pipeline_search_and_indexes``); the model does not declare
it, SQLite has none.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commissioning.models.projects import Project
from opportunities.models import Opportunity
from organisations.models import Organisation, ServiceCategory, Ward
from portal.batch import SendFailures


class PipelineItemQuerySet(models.QuerySet):
    def public(self):
        """Every item not withdrawn, planned or already published."""
        return self.filter(withdrawn_at__isnull=True)

    def coming(self):
        """Planned and not yet published as an opportunity: no opportunity linked, or
        only a draft one (a draft is not public, so the item is still to come).

        ``published_at`` is set only once the opportunity is published, so its
        being empty is what lets the partial index ``pipeline_coming`` serve this.
        The linked opportunity is checked too, so a draft published since, whose
        item the 15-minute job has not yet marked, is not listed as still to come:
        by a subquery, looked up by key for the few linked items only, not a join
        (with one, PostgreSQL reads the items in opportunity order instead).
        """
        linked = Opportunity.objects.filter(pk=models.OuterRef("opportunity_id")).order_by()
        return (
            self.public()
            .alias(opportunity_published_at=models.Subquery(linked.values("published_at")[:1]))
            .filter(
                models.Q(published_at__isnull=True),
                models.Q(opportunity__isnull=True)
                | models.Q(opportunity_published_at__isnull=True),
            )
        )

    def published(self):
        """Not withdrawn, and linked to an opportunity that has been published."""
        return self.public().filter(opportunity__published_at__isnull=False)


class PipelineItem(models.Model):
    """A planned procurement: what, roughly how much, and when it should be published."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    publisher = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="pipeline_items"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    estimated_value = models.DecimalField(_("estimated value"), max_digits=12, decimal_places=2)
    expected_year = models.PositiveSmallIntegerField(_("expected year of publication"))
    expected_quarter = models.PositiveSmallIntegerField(
        _("expected quarter of publication"),
        choices=[
            (1, _("January to March")),
            (2, _("April to June")),
            (3, _("July to September")),
            (4, _("October to December")),
        ],
    )
    citywide = models.BooleanField(_("across the whole city"), default=False)
    wards = models.ManyToManyField(Ward, blank=True, related_name="+", verbose_name=_("wards"))
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opportunity = models.OneToOneField(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pipeline_item",
        verbose_name=_("published as"),
    )
    # When the linked opportunity was published (copied from it); empty while still to come.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), max_length=2000, blank=True)

    objects = PipelineItemQuerySet.as_manager()

    class Meta:
        ordering = ["expected_year", "expected_quarter", "pk"]
        verbose_name = _("pipeline item")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_value__gte=0), name="pipeline_value_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(expected_quarter__gte=1, expected_quarter__lte=4),
                name="pipeline_quarter_1_to_4",
            ),
        ]
        indexes = [
            models.Index(fields=["expected_year", "expected_quarter"]),
            # The default list: still to come, soonest expected first (``coming()``).
            models.Index(
                fields=["expected_year", "expected_quarter", "reference"],
                condition=models.Q(withdrawn_at__isnull=True, published_at__isnull=True),
                name="pipeline_coming",
            ),
            # The 15-minute job: linked items not yet marked published (a few drafts).
            models.Index(
                fields=["opportunity"],
                condition=models.Q(published_at__isnull=True, opportunity__isnull=False),
                name="pipeline_linked_unpublished",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("commissioning:pipeline_item", args=[self.reference])

    @property
    def expected_in_words(self):
        """``April to June 2027``: when it should be published."""
        return f"{self.get_expected_quarter_display()} {self.expected_year}"

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def is_published(self):
        """Linked to an opportunity that has been published (a draft does not count)."""
        return self.opportunity_id is not None and self.opportunity.published_at is not None


class PipelineFollow(SendFailures, models.Model):
    """An organisation following a pipeline item, told once when it is published."""

    item = models.ForeignKey(PipelineItem, on_delete=models.CASCADE, related_name="follows")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pipeline_follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    told_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"], name="pipeline_follow_once"),
        ]

    def __str__(self):
        return f"{self.organisation} follows {self.item}"
