"""Evaluation: the panel, its declarations, independent scores, moderation and the
duplication check.

Evaluators read the submitted versions of bids (``Bid.objects.visible_to``) only
once the box is open and they have declared for the tender; a bid they declared a
conflict with stays hidden from them everywhere. Each evaluator scores a bid on a
``ScoreSheet`` and submits it; only then do they see the others' scores for that
bid. The chair records one ``Consensus`` per bid and question: the moderated
scores the results are computed from (``tenders.evaluation``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opportunities.models import Lot
from tenders.models.bids import Bid
from tenders.models.method import Criterion, Tender


class PanelRole(models.TextChoices):
    OFFICER = "officer", _("Council officer")
    SERVICE_USER = "service_user", _("Service user representative")


class PanelMember(models.Model):
    """One evaluator on a tender's panel; one member of the panel chairs it.

    ``declared_at`` is when they declared their interests for this tender:
    ``conflicts`` empty means no conflict; otherwise the bids named are hidden
    from them on every page, export and report.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    role = models.CharField(
        _("role on the panel"), max_length=20, choices=PanelRole.choices, default=PanelRole.OFFICER
    )
    is_chair = models.BooleanField(_("chairs the panel"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declared_at = models.DateTimeField(null=True, blank=True, editable=False)
    conflicts = models.ManyToManyField(
        Bid, blank=True, related_name="+", verbose_name=_("bids with a conflict of interest")
    )
    declaration = models.TextField(_("the conflict of interest"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-is_chair", "added_at", "pk"]
        verbose_name = _("panel member")
        constraints = [
            models.UniqueConstraint(fields=["tender", "user"], name="panel_member_once"),
            models.UniqueConstraint(
                fields=["tender"], condition=models.Q(is_chair=True), name="panel_one_chair"
            ),
        ]

    def __str__(self):
        return f"{self.user} on {self.tender}"

    @property
    def has_declared(self):
        return self.declared_at is not None


class ScoreSheet(models.Model):
    """One evaluator's scores for one bid, submitted together.

    Until ``submitted_at`` is set the evaluator sees only their own scores for the
    bid; after, everyone's. Scores can still be changed until the chair moderates,
    and every change is logged.
    """

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="sheets")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member", "bid"]
        verbose_name = _("score sheet")
        constraints = [
            models.UniqueConstraint(fields=["member", "bid"], name="score_sheet_once"),
        ]

    def __str__(self):
        return f"{self.member.user}'s scores for {self.bid}"


class Score(models.Model):
    """An evaluator's mark for one question (for one lot, if it is answered per lot)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    reason = models.TextField(_("reason for the score"), max_length=5000)
    entered_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion__number", "lot__number"]
        verbose_name = _("score")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion", "lot"],
                condition=models.Q(lot__isnull=False),
                name="score_once_per_lot",
            ),
            models.UniqueConstraint(
                fields=["sheet", "criterion"],
                condition=models.Q(lot__isnull=True),
                name="score_once",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="score_has_reason"),
        ]

    def __str__(self):
        return f"{self.score} for {self.criterion_id} on {self.sheet}"


class Consensus(models.Model):
    """The panel's moderated score for one bid and question, with the chair's reason.

    ``revision`` goes up by one at each change, so a chair saving over a score
    another has just recorded is told rather than silently overwriting it.
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    score = models.PositiveSmallIntegerField(_("consensus score"))
    reason = models.TextField(_("reason for the consensus score"), max_length=5000)
    revision = models.PositiveIntegerField(default=1, editable=False)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["bid", "criterion__number", "lot__number"]
        verbose_name = _("consensus score")
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "criterion", "lot"],
                condition=models.Q(lot__isnull=False),
                name="consensus_once_per_lot",
            ),
            models.UniqueConstraint(
                fields=["bid", "criterion"],
                condition=models.Q(lot__isnull=True),
                name="consensus_once",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="consensus_has_reason"),
        ]

    def __str__(self):
        return f"Consensus {self.score} for {self.criterion_id} on {self.bid}"


class CheckStage(models.TextChoices):
    OPENING = "opening", _("At opening")
    MODERATION = "moderation", _("At moderation")


class DuplicationFinding(models.Model):
    """The panel's finding, at one stage, on whether a bid's organisations are already
    funded for the same work (recommendation R01 i).

    The page beside it lists the bidder's and each partner's other awards in the
    portal and the funding they declared; the finding is on the bid as a whole.
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("stage"), max_length=20, choices=CheckStage.choices)
    concern = models.BooleanField(_("there is a concern"))
    note = models.TextField(_("the concern"), max_length=5000, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["bid", "stage"]
        verbose_name = _("duplication finding")
        constraints = [
            models.UniqueConstraint(fields=["bid", "stage"], name="duplication_finding_once"),
            models.CheckConstraint(
                condition=models.Q(concern=False) | ~models.Q(note=""),
                name="duplication_concern_explained",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} finding on {self.bid}"
