"""How far a tender's evaluation has got, as its bidders are told (seed 000, 2.6.1).

The stage is never typed in: it is read from the panel's consensus scores and
the award decisions, so a bidder's page and the fortnightly update always say
the same thing. The commissioner keeps only the expected decision date and a
note current (``tenders.actions.set_progress``).
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from tenders.awards import standstill_end_in_words
from tenders.evaluation import lots_of
from tenders.models import AwardDecision, Bid, Consensus, Tender

# Bidders hear at least this often while the evaluation lasts.
UPDATE_EVERY_DAYS = 14


@dataclass(frozen=True)
class Progress:
    """What a bidder is told: the stage in words, the expected decision date and the note."""

    stage: str
    decision_expected_on: date | None
    note: str
    is_awarded: bool
    # Once a decision is made the standstill, not an expected date, is what bidders need.
    decision_made: bool = False


def lots_to_award(tender):
    """The pks of the lots some submitted bid is for, as frozen in its version (``{None}``
    for a contract without lots): the evaluation lasts until each has a confirmed award."""
    submitted = Bid.objects.filter(tender=tender).submitted()
    lots = lots_of(tender)
    if lots == [None]:
        return {None} if submitted.exists() else set()
    numbers = set()
    for frozen in submitted.values_list("current_version__content__lots", flat=True):
        numbers.update(frozen or [])
    return {lot.pk for lot in lots if lot.number in numbers}


def stage_of(tender, *, now=None):
    """``(stage in words, whether every lot's award is confirmed)`` for an opened tender.

    Awarded once every lot bid for has a confirmed award; in standstill while
    any current decision is not yet confirmed; being moderated once the chair
    has recorded a consensus score; otherwise being scored.
    """
    now = now or timezone.now()
    decisions = list(AwardDecision.objects.current().filter(tender=tender))
    confirmed = {decision.lot_id for decision in decisions if decision.is_confirmed}
    to_award = lots_to_award(tender)
    if to_award and to_award <= confirmed:
        return _("Awarded"), True
    waiting = [decision.standstill_ends_at for decision in decisions if not decision.is_confirmed]
    if waiting:
        ends = max(waiting)
        words = (
            _("Award decision made: the standstill ends at %(end)s")
            if ends > now
            else _("Award decision made: the standstill ended at %(end)s")
        )
        # Said as the award page and the assessment summaries say it: "midnight at the
        # end of 8 March", never "midnight on 9 March", which reads as a day late or early.
        return words % {"end": standstill_end_in_words(ends)}, False
    if Consensus.objects.filter(bid__tender=tender).exists():
        return _("Scores are being moderated"), False
    return _("Bids are being scored"), False


def progress_of(tender, *, now=None):
    """The tender's ``Progress``, or ``None`` while the bid box is sealed."""
    if tender.opened_at is None:
        return None
    stage, is_awarded = stage_of(tender, now=now)
    return Progress(
        stage,
        tender.decision_expected_on,
        tender.evaluation_note,
        is_awarded,
        decision_made=AwardDecision.objects.current().filter(tender=tender).exists(),
    )


def tenders_in_evaluation(*, now=None):
    """Opened tenders of opportunities not cancelled whose award is not yet confirmed
    for every lot, each with its ``Progress``: those whose bidders are owed updates."""
    opened = Tender.objects.filter(
        opened_at__isnull=False, opportunity__cancelled_at__isnull=True
    ).select_related("opportunity")
    for tender in opened.order_by("pk"):
        progress = progress_of(tender, now=now)
        if not progress.is_awarded:
            yield tender, progress


def bid_progress(bid, *, now=None):
    """The progress a bid's own organisations see: only for a bid still submitted,
    once the box is opened."""
    if not bid.is_submitted:
        return None
    return progress_of(bid.tender, now=now)


def period_of(tender, today):
    """The 14-day period since the box was opened that ``today`` falls in (0 the first)."""
    return (today - timezone.localdate(tender.opened_at)).days // UPDATE_EVERY_DAYS
