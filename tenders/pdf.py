"""The evaluation report as PDF: drawn by WeasyPrint from its template, and stored.

A stored report is current while its ``source_version`` matches the tender's
``evaluation_version``, which every logged change the report shows moves on
(``tenders.actions.audit``). At 200 bids it is hundreds of pages and takes about
a minute, so it is made by a Celery task (``tenders.tasks.make_evaluation_report``),
asked for through ``tenders.actions.reports``, never in a request.
"""

import logging

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from portal import stored_pdf
from portal.pdf import write_pdf
from tenders.evaluation import evaluation_without, lot_results, slots_of
from tenders.models import Bid, EvaluationReport, PanelMember, Tender
from tenders.moderation import findings_of
from tenders.summary import method_summary

logger = logging.getLogger(__name__)


def file_name(tender):
    """``ABC-123-evaluation-report.pdf``: what the stored file and the download are called."""
    return f"{tender.opportunity.reference}-evaluation-report.pdf"


def _lot_key(slot):
    return slot.lot.pk if slot.lot else None


def report_context(tender, evaluation, *, left_out=()):
    """What the evaluation report shows: the method, the panel, the results, each bid's
    consensus scores and reasons, and the duplication findings, without the bids
    ``left_out`` (the reader's conflicts; ``evaluation`` leaves them out already).
    Fixed queries."""
    visible = {bid.pk for bid in evaluation.bids}
    panel = list(
        PanelMember.objects.filter(tender=tender)
        .select_related("user")
        .prefetch_related(
            Prefetch("conflicts", queryset=Bid.objects.select_related("organisation"))
        )
    )
    for member in panel:
        member.visible_conflicts = [b for b in member.conflicts.all() if b.pk in visible]
    findings = findings_of(evaluation.bids)
    bids = []
    for bid in evaluation.bids:
        slots = slots_of(bid, evaluation.criteria, evaluation.lots)
        bids.append(
            {
                "bid": bid,
                "scores": [
                    (slot, evaluation.consensus[(bid.pk, slot.criterion.pk, _lot_key(slot))])
                    for slot in slots
                ],
                "findings": findings[bid.pk],
            }
        )
    return {
        "opportunity": tender.opportunity,
        "tender": tender,
        "summary": method_summary(tender),
        "panel": panel,
        "lots": lot_results(evaluation),
        "bids": bids,
        "made_at": timezone.now(),
        "hidden": len(left_out),
        "council_name": settings.COUNCIL_NAME,
        "brand_colour": settings.COUNCIL_BRAND_COLOUR,
    }


def render_pdf(tender, left_out=()):
    """The evaluation report of ``tender`` without the bids ``left_out``, as it stands now,
    as PDF bytes (A4 landscape, tagged). Raises ``ValueError`` before every score is
    moderated."""
    evaluation = evaluation_without(tender, left_out)
    if not evaluation.is_moderated:
        raise ValueError("The evaluation report needs every consensus score recorded.")
    context = report_context(tender, evaluation, left_out=left_out)
    return write_pdf(render_to_string("tenders/results/report_pdf.html", context))


def store_evaluation_report(report_id):
    """Make and store the PDF of report ``report_id`` unless the stored one is current.

    The report records the tender's version as read before rendering, so a change
    made while it renders leaves it stale, to be made again. Returns the
    ``EvaluationReport``, or ``None`` if it no longer exists.
    """
    report = EvaluationReport.objects.filter(pk=report_id).first()
    if report is None:
        return None
    tender = Tender.objects.select_related("opportunity__publisher").get(pk=report.tender_id)
    version = tender.evaluation_version
    if report.pdf and report.source_version == version:
        return report
    content = render_pdf(tender, report.left_out_ids)
    report = stored_pdf.save_rendered(
        EvaluationReport,
        key={"pk": report_id},
        version=version,
        content=content,
        name=file_name(tender),
    )
    logger.info("Stored the evaluation report %s of %s (version %s)", report_id, tender, version)
    return report


def render_requested(report_id, version):
    """Make the PDF of ``EvaluationReport`` ``report_id`` asked for as ``version``, recording
    how it went (``portal.stored_pdf.render_requested``)."""
    return stored_pdf.render_requested(
        EvaluationReport.objects.filter(pk=report_id),
        version,
        lambda: store_evaluation_report(report_id),
        what=f"the evaluation report {report_id}",
    )
