"""The tender's append-only log: the method set, locked and changed; bids submitted,
replaced and withdrawn; the box opened.

Rows are only ever added (``tenders.actions.audit.record``). It names bidders,
so commissioners and site administrators read it only after the deadline.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders.models.method import Tender


class TenderEvent(models.Model):
    class Kind(models.TextChoices):
        METHOD_SET = "method_set", _("Evaluation method set")
        METHOD_LOCKED = "method_locked", _("Evaluation method locked by the first bid")
        METHOD_CHANGED = "method_changed", _("Evaluation method changed after locking")
        BID_SUBMITTED = "bid_submitted", _("Bid submitted")
        BID_REPLACED = "bid_replaced", _("Bid replaced by a new version")
        BID_WITHDRAWN = "bid_withdrawn", _("Bid withdrawn")
        BOX_OPENED = "box_opened", _("Bid box opened")
        PANEL_CHANGED = "panel_changed", _("Evaluation panel changed")
        DECLARED = "declared", _("Interests declared")
        SCORE_ENTERED = "score_entered", _("Score entered")
        SCORE_CHANGED = "score_changed", _("Score changed")
        SCORES_SUBMITTED = "scores_submitted", _("Scores submitted")
        MODERATED = "moderated", _("Consensus score recorded")
        DUPLICATION_CHECKED = "duplication_checked", _("Duplication check recorded")
        RESULTS_CALCULATED = "results_calculated", _("Results calculated")
        PROGRESS_CHANGED = "progress_changed", _("Expected decision date changed")
        UPDATE_SENT = "update_sent", _("Evaluation update sent")
        INTENTION_SENT = "intention_sent", _("Intention to award sent; standstill started")
        DECISION_WITHDRAWN = "decision_withdrawn", _("Award decision withdrawn")
        STANDSTILL_ENDED = "standstill_ended", _("Standstill ended")
        AWARD_CONFIRMED = "award_confirmed", _("Award confirmed and published")
        SUMMARY_SENT = "summary_sent", _("Assessment summary sent")
        CONSORTIUM_CHANGE_ASKED = "consortium_change_asked", _("Consortium change requested")
        CONSORTIUM_CHANGE_DECIDED = "consortium_change_decided", _("Consortium change decided")

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    bid = models.ForeignKey(
        "tenders.Bid", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(max_length=1000)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("tender event")

    def __str__(self):
        return f"{self.get_kind_display()} – {self.tender}"

    @property
    def kind_label(self):
        """What happened, in words: as ``get_kind_display()``, which costs about a
        millisecond an entry (it rebuilds a dict of every kind each call)."""
        return self.Kind(self.kind).label
