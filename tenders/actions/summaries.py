"""Emailing the assessment summaries of award decisions, each exactly once.

The notice of intention (``tenders.actions.award.send_intention``) makes a summary
row for every bid assessed for the lot and queues ``send_assessment_summaries``
for when it commits; a periodic run of the same task retries any that failed.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal import batch
from tenders import emails
from tenders.actions.audit import record
from tenders.models import AssessmentSummary, TenderEvent


def send_assessment_summaries(*, decision_id=None):
    """Email every assessment summary not yet sent (of one decision, if given).

    Each summary goes once: it is claimed with ``select_for_update`` (``skip_locked``)
    and marked sent in the same transaction as its email. One that fails is rolled
    back and recorded on its row (``portal.batch``), and the others still go; the
    next run tries it again. Summaries of a withdrawn decision are not sent.
    Returns how many were sent.
    """
    waiting = AssessmentSummary.objects.filter(
        sent_at__isnull=True, decision__withdrawn_at__isnull=True
    )
    if decision_id is not None:
        waiting = waiting.filter(decision_id=decision_id)
    return batch.each_in_its_own_transaction(
        AssessmentSummary,
        waiting.values_list("pk", flat=True),
        _send_summary,
        job="assessment summaries",
    )


def _send_summary(summary_id):
    summary = (
        AssessmentSummary.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=summary_id, sent_at__isnull=True, decision__withdrawn_at__isnull=True)
        .select_related(
            "bid__organisation",
            "decision__tender__opportunity",
            "decision__lot",
            "decision__intention_sent_by",
        )
        .first()
    )
    if summary is None:
        return False
    emails.send_assessment_summary(summary)
    now = timezone.now()
    batch.done(summary, sent_at=now)
    record(
        summary.decision.tender,
        TenderEvent.Kind.SUMMARY_SENT,
        by=summary.decision.intention_sent_by,
        at=now,
        bid=summary.bid,
        summary=_("Assessment summary sent to %(organisation)s")
        % {"organisation": summary.bid.organisation.name},
        decision=summary.decision_id,
    )
    return True
