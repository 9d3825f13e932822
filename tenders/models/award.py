"""After evaluation: award decisions and their standstill, assessment summaries,
evaluation updates to bidders, and consortium changes after award.

An ``AwardDecision`` is made per lot (or for the whole contract when the
opportunity has no lots). Sending the notice of intention to award starts the
standstill (Procurement Act 2023 s.51: at least 8 working days,
``tenders.standstill``); during it the decision can be withdrawn; after it the
award is confirmed and published. Every assessed bid in the lot gets an
``AssessmentSummary`` when the notice is sent (s.50).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opportunities.models import Lot
from organisations.models import Organisation
from portal.batch import SendFailures
from tenders.models.bids import Bid, BidPartner, PartnerKind
from tenders.models.method import Tender

STANDSTILL_WORKING_DAYS = 8


class AwardDecisionQuerySet(models.QuerySet):
    def current(self):
        """Decisions not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def in_standstill(self, now):
        return self.current().filter(confirmed_at__isnull=True, standstill_ends_at__gt=now)

    def confirmed(self):
        return self.current().filter(confirmed_at__isnull=False)


class AwardDecision(models.Model):
    """The decision to award one lot to one or more bids, and its standstill.

    ``results`` keeps the lot's results as they stood when the notice was sent
    (``tenders.assessment.results_snapshot``), so the summaries and the published
    award say what the decision was made on.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="decisions")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    winners = models.ManyToManyField(Bid, related_name="awards", verbose_name=_("winning bids"))
    reason = models.TextField(_("reason for the decision"), max_length=5000)
    standstill_working_days = models.PositiveSmallIntegerField(
        _("standstill in working days"), default=STANDSTILL_WORKING_DAYS
    )
    results = models.JSONField(default=dict, editable=False)

    intention_sent_at = models.DateTimeField(_("notice of intention sent"))
    intention_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    standstill_ends_at = models.DateTimeField(_("standstill ends"))
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reason for withdrawing"), max_length=5000, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AwardDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "lot__number", "intention_sent_at"]
        verbose_name = _("award decision")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "lot"],
                condition=models.Q(withdrawn_at__isnull=True, lot__isnull=False),
                name="award_decision_one_current_per_lot",
            ),
            models.UniqueConstraint(
                fields=["tender"],
                condition=models.Q(withdrawn_at__isnull=True, lot__isnull=True),
                name="award_decision_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(standstill_working_days__gte=STANDSTILL_WORKING_DAYS),
                name="award_standstill_at_least_the_law",
            ),
            models.CheckConstraint(
                condition=models.Q(standstill_ends_at__gt=models.F("intention_sent_at")),
                name="award_standstill_ends_after_notice",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | models.Q(confirmed_at__isnull=True),
                name="award_withdrawn_or_confirmed",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawal_reason=""),
                name="award_withdrawal_explained",
            ),
        ]
        indexes = [
            # The public list of awards, newest first.
            models.Index(
                models.F("confirmed_at").desc(),
                models.F("id").desc(),
                condition=models.Q(confirmed_at__isnull=False, withdrawn_at__isnull=True),
                name="award_confirmed_newest",
            ),
        ]

    def __str__(self):
        lot = f" lot {self.lot.number}" if self.lot_id else ""
        return f"Award decision for {self.tender.opportunity.reference}{lot}"

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class AssessmentSummary(SendFailures, models.Model):
    """A bid's assessment summary for one award decision, and when it was emailed.

    The summary itself is computed from the decision's ``results`` and the
    moderated reasons when it is shown; this row is the promise to send it once.
    """

    decision = models.ForeignKey(AwardDecision, on_delete=models.CASCADE, related_name="summaries")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="summaries")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["decision", "bid"]
        verbose_name = _("assessment summary")
        verbose_name_plural = _("assessment summaries")
        constraints = [
            models.UniqueConstraint(fields=["decision", "bid"], name="assessment_summary_once"),
        ]

    def __str__(self):
        return f"Assessment summary of {self.bid} for {self.decision}"


class EvaluationUpdate(SendFailures, models.Model):
    """The evaluation update a bid's organisation is owed for one 14-day period.

    ``period`` counts fortnights from the opening of the box (0 the first). The
    unique (bid, period) row is what makes each update go once, whatever reruns
    or retries.
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="evaluation_updates")
    period = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=200)
    decision_expected_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["bid", "period"]
        verbose_name = _("evaluation update")
        constraints = [
            models.UniqueConstraint(fields=["bid", "period"], name="evaluation_update_once"),
        ]

    def __str__(self):
        return f"Evaluation update {self.period} to {self.bid}"


class ChangeKind(models.TextChoices):
    ADD = "add", _("Add a partner")
    REMOVE = "remove", _("Remove a partner")
    REPLACE = "replace", _("Replace a partner")


class ConsortiumChange(models.Model):
    """A winning consortium's request to change after award (recommendation R01 h).

    The lead asks, with a justification and evidence; the commissioner approves or
    refuses with reasons. An approved change sets ``left_at`` on the partner that
    goes and adds the one that joins (``joined``); the history stays here.
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="consortium_changes")
    kind = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    partner = models.ForeignKey(
        BidPartner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner leaving"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation joining"),
    )
    name = models.CharField(_("name of the organisation joining"), max_length=200, blank=True)
    identifier = models.CharField(_("its charity or company number"), max_length=100, blank=True)
    partner_kind = models.CharField(
        _("its role"), max_length=20, choices=PartnerKind.choices, blank=True
    )
    share_percent = models.DecimalField(
        _("its share of the work (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    justification = models.TextField(_("why the consortium must change"), max_length=5000)
    evidence = models.FileField(_("evidence"), upload_to="tenders/consortium/%Y/%m/", blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved = models.BooleanField(null=True, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), max_length=5000, blank=True)
    joined = models.ForeignKey(
        BidPartner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["bid", "requested_at", "pk"]
        verbose_name = _("consortium change")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True, approved__isnull=True)
                | models.Q(decided_at__isnull=False, approved__isnull=False),
                name="consortium_change_decided_with_answer",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True) | ~models.Q(decision_reason=""),
                name="consortium_change_decision_explained",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.bid}"

    @property
    def is_pending(self):
        return self.decided_at is None
