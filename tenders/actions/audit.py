"""Writing the tender's append-only log."""

from django.db.models import F
from django.utils.text import Truncator

from tenders.models import Tender, TenderEvent

SUMMARY_LENGTH = TenderEvent._meta.get_field("summary").max_length

# Logged changes the evaluation report does not show: each evaluator's own scores,
# bids before the box is opened (the report needs it opened; nothing moves the
# version before then, see ``record``), and what happens
# after the results (updates, intentions, awards, summaries). Every other kind
# moves the tender's ``evaluation_version`` on, so a stored report goes stale;
# a kind added later does too until it is listed here.
NOT_IN_REPORT = frozenset(
    {
        TenderEvent.Kind.BID_SUBMITTED,
        TenderEvent.Kind.BID_REPLACED,
        TenderEvent.Kind.SCORE_ENTERED,
        TenderEvent.Kind.SCORE_CHANGED,
        TenderEvent.Kind.SCORES_SUBMITTED,
        TenderEvent.Kind.RESULTS_CALCULATED,
        TenderEvent.Kind.PROGRESS_CHANGED,
        TenderEvent.Kind.UPDATE_SENT,
        TenderEvent.Kind.INTENTION_SENT,
        TenderEvent.Kind.DECISION_WITHDRAWN,
        TenderEvent.Kind.STANDSTILL_ENDED,
        TenderEvent.Kind.AWARD_CONFIRMED,
        TenderEvent.Kind.SUMMARY_SENT,
        TenderEvent.Kind.CONSORTIUM_CHANGE_ASKED,
    }
)


def record(tender, kind, *, by, summary, bid=None, at=None, **detail):
    """Add one event to ``tender``'s log; the log is never edited or trimmed.

    A summary quoting someone's long reason is cut to fit, with an ellipsis; pass
    the whole text in ``detail`` where it matters. An event the evaluation report
    shows moves the tender's ``evaluation_version`` on.
    """
    summary = Truncator(summary).chars(SUMMARY_LENGTH)
    fields = {"at": at} if at is not None else {}
    if kind not in NOT_IN_REPORT:
        # Only once the box is opened (no report exists before): before it, nothing a
        # bidder does touches the tender's row, not even a counter.
        Tender.objects.filter(pk=tender.pk, opened_at__isnull=False).update(
            evaluation_version=F("evaluation_version") + 1
        )
    return TenderEvent.objects.create(
        tender=tender, kind=kind, by=by, bid=bid, summary=summary, detail=detail, **fields
    )
